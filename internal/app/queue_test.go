package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

// The work queue, the home page after sign-in: what is overdue, what is
// due in the next 24 hours and what else is the person's, across
// incidents, each thing once, in the most urgent list it belongs to.
func TestWorkQueueSortsWorkByUrgency(t *testing.T) {
	ctx := context.Background()
	a := emptyApp(t)
	admin, err := a.SetUp(ctx, org.Organisation{Name: "Kiwi Clinics", ContactName: "Pat", ContactEmail: "pat@kiwi.example", TimeZone: "Pacific/Auckland", Laws: []string{"eu_gdpr"}},
		auth.User{Name: "Ada", Email: "ada@kiwi.example"}, "admin password 2026")
	if err != nil {
		t.Fatal(err)
	}
	po, err := a.AddUser(ctx, &admin, auth.User{Name: "Pat", Email: "pat@kiwi.example", Role: auth.PrivacyOfficer, ResponseTeam: true}, "privacy password 2026")
	if err != nil {
		t.Fatal(err)
	}
	staff, err := a.AddUser(ctx, &admin, auth.User{Name: "Sam", Email: "sam@kiwi.example", Role: auth.Reporter}, "staff password 2026")
	if err != nil {
		t.Fatal(err)
	}
	now := a.Now()
	report := func(title string, ago time.Duration, triage bool) *incident.Incident {
		t.Helper()
		inc, err := a.Report(ctx, &staff, title, incident.Report{WhatHappened: title + ".", DiscoveredAt: now.Add(-ago), Ongoing: "no"})
		if err != nil {
			t.Fatal(err)
		}
		if triage {
			if inc, err = a.Triage(ctx, &po, inc.ID, incident.Triage{Kind: incident.KindBreach, Severity: incident.SeverityHigh, OwnerID: po.ID}); err != nil {
				t.Fatal(err)
			}
		}
		return inc
	}
	late := report("Laptop stolen", 80*time.Hour, true)       // the GDPR's 72 hours passed 8 hours ago
	soon := report("Letter misaddressed", 60*time.Hour, true) // 12 hours left
	fresh := report("Email to the wrong client", time.Hour, false)
	due := now.Add(48 * time.Hour)
	task, err := a.AddTask(ctx, &po, incident.Task{IncidentID: soon.ID, Step: incident.Contain, Title: "Ask the recipient to return the letter", AssigneeID: po.ID, DueAt: &due})
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.Queue(ctx, &po)
	if err != nil {
		t.Fatal(err)
	}
	has := func(l []app.WorkItem, k app.WorkKind, inc *incident.Incident, id int64) bool {
		for _, it := range l {
			if it.Kind == k && it.Inc.ID == inc.ID && (id == 0 || it.ID == id) {
				return true
			}
		}
		return false
	}
	switch {
	case !has(q.Overdue, app.WorkDeadline, late, 0):
		t.Errorf("the passed deadline is not overdue: %+v", q.Overdue)
	case !has(q.Soon, app.WorkDeadline, soon, 0) || has(q.Overdue, app.WorkDeadline, soon, 0):
		t.Errorf("the deadline in 12 hours is not due soon: %+v", q.Soon)
	case !has(q.Mine, app.WorkTriage, fresh, 0):
		t.Errorf("the new report is not the privacy officer's to triage: %+v", q.Mine)
	case !has(q.Mine, app.WorkTask, soon, task.ID):
		t.Errorf("the task assigned, due in two days, is not in their own work: %+v", q.Mine)
	case !has(q.Mine, app.WorkOwned, late, 0):
		t.Errorf("the incidents they own are not listed: %+v", q.Mine)
	}
	seen := map[[3]any]bool{}
	for _, l := range [][]app.WorkItem{q.Overdue, q.Soon, q.Mine} {
		for _, it := range l {
			k := [3]any{it.Kind, it.Inc.ID, it.Text}
			if seen[k] {
				t.Errorf("listed twice: %+v", it)
			}
			seen[k] = true
		}
	}
	sq, err := a.Queue(ctx, &staff)
	if err != nil || len(sq.Reports) != 3 || len(sq.Overdue)+len(sq.Soon)+len(sq.Mine) != 0 {
		t.Fatalf("a reporter's queue is their reports only: %+v %v", sq, err)
	}
}
