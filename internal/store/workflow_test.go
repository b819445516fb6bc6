package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/org"
)

// testWorkflowRecordsRoundTrip covers what the workflow keeps: a task
// marked not applicable, the work queue's open tasks, reviews for the
// plan's next review, the notice text and the organisation's settings.
func testWorkflowRecordsRoundTrip(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	po := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: po.ID, Name: po.Name}
	inc, err := db.CreateIncident(ctx, by, "Laptop left on a train", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	other, err := db.CreateIncident(ctx, by, "Letter to the wrong address", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := db.Tasks(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	na, err := db.UpdateTask(ctx, by, inc.ID, tasks[6].ID, func(tk *incident.Task) (incident.Change, error) {
		return incident.Change{Text: "Not applicable", Action: "task.not_applicable"}, tk.MarkNotApplicable("Nothing was stolen.", by.Name, *now)
	})
	if err != nil || na.NotApplicable != "Nothing was stolen." || !na.Settled() || na.Done {
		t.Fatalf("a task marked not applicable: %+v %v", na, err)
	}
	due := now.Add(2 * time.Hour)
	if _, err := db.UpdateTask(ctx, by, inc.ID, tasks[1].ID, func(tk *incident.Task) (incident.Change, error) {
		tk.AssigneeID, tk.DueAt = po.ID, &due
		return incident.Change{Text: "Assigned", Action: "task.assign"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateTask(ctx, by, inc.ID, tasks[2].ID, func(tk *incident.Task) (incident.Change, error) {
		tk.AssigneeID = po.ID
		return incident.Change{Text: "Assigned", Action: "task.assign"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	open, err := db.OpenTasks(ctx, []int64{inc.ID, other.ID})
	if err != nil || len(open) != 2 || open[0].ID != tasks[1].ID || open[0].DueAt == nil || open[1].ID != tasks[2].ID {
		t.Fatalf("open tasks, due first: %+v %v", open, err)
	}
	if none, err := db.OpenTasks(ctx, nil); err != nil || len(none) != 0 {
		t.Fatalf("open tasks of no incident: %v %v", none, err)
	}

	if rs, err := db.ReviewedSince(ctx, time.Time{}); err != nil || len(rs) != 0 {
		t.Fatalf("reviews before any: %v %v", rs, err)
	}
	*now = now.Add(time.Hour)
	if err := db.SaveReviewNotes(ctx, by, inc.ID, "Fast", "", "Encrypt laptops"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddAction(ctx, by, incident.Action{IncidentID: other.ID, Title: "Check addresses twice", OwnerID: po.ID, DueAt: &due}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveReviewNotes(ctx, by, other.ID, "", "", ""); err != nil {
		t.Fatal(err)
	}
	rs, err := db.ReviewedSince(ctx, start)
	if err != nil || len(rs) != 2 {
		t.Fatalf("reviews since the start: %+v %v", rs, err)
	}
	for _, r := range rs {
		if r.IncidentID == other.ID && (len(r.Actions) != 1 || r.Actions[0].Title != "Check addresses twice") {
			t.Fatalf("a review's actions: %+v", r)
		}
		if r.IncidentID == inc.ID && r.Lessons != "Encrypt laptops" {
			t.Fatalf("a review's lessons: %+v", r)
		}
	}
	if rs, err := db.ReviewedSince(ctx, now.Add(time.Minute)); err != nil || len(rs) != 0 {
		t.Fatalf("reviews after the last: %v %v", rs, err)
	}

	if txt, err := db.NoticeText(ctx, inc.ID); err != nil || !txt.Empty() || txt.UpdatedAt != nil {
		t.Fatalf("notice text before any: %+v %v", txt, err)
	}
	if err := db.SaveNoticeText(ctx, by, inc.ID, notice.Text{WhatHappened: strings.Repeat("x", 5001)}); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("an over-long notice text: %v", err)
	}
	if err := db.SaveNoticeText(ctx, by, inc.ID+100, notice.Text{WhatHappened: "x"}); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("notice text of no incident: %v", err)
	}
	want := notice.Text{WhatHappened: "A laptop was left on a train.", Steps: []string{"We wiped it remotely", "We told the police"}, Advice: []string{"Watch for phishing."}}
	if err := db.SaveNoticeText(ctx, by, inc.ID, want); err != nil {
		t.Fatal(err)
	}
	got, err := db.NoticeText(ctx, inc.ID)
	if err != nil || got.WhatHappened != want.WhatHappened || strings.Join(got.Steps, "|") != "We wiped it remotely|We told the police" || len(got.Advice) != 1 || got.UpdatedBy != po.Name || got.UpdatedAt == nil {
		t.Fatalf("notice text: %+v %v", got, err)
	}

	settings := org.Organisation{Name: "Kiwi Clinics", ContactName: "Pat", ContactTitle: "Privacy Officer", ContactEmail: "pat@example.org",
		Industry: "Q", TimeZone: "Pacific/Auckland", RetentionYears: 10, Laws: []string{"nz_privacy_act"}}
	if err := db.SaveOrganisation(ctx, po.ID, settings); err != nil {
		t.Fatal(err)
	}
	o2, err := db.Organisation(ctx)
	if err != nil || o2.ContactTitle != "Privacy Officer" || o2.Industry != "Q" || o2.RetentionYears != 10 || o2.TimeZone != "Pacific/Auckland" {
		t.Fatalf("settings: %+v %v", o2, err)
	}
	settings.RetentionYears = 0
	if err := db.SaveOrganisation(ctx, po.ID, settings); err != nil {
		t.Fatal(err)
	}
	if o3, _ := db.Organisation(ctx); o3.RetentionYears != org.DefaultRetentionYears {
		t.Fatalf("retention left unsaid: %d", o3.RetentionYears)
	}
}
