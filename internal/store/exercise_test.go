package store

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

// An exercise's incident is created with it, moves with its clock, is
// closed when it ends, and is kept out of every count.
func testExerciseLifecycle(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	po := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: po.ID, Name: po.Name}
	real, err := db.CreateIncident(ctx, by, "A real breach", report(*now))
	if err != nil {
		t.Fatal(err)
	}

	sc, _ := exercise.Find("network-hacked")
	start := *now
	e, err := db.StartExercise(ctx, by, sc, start)
	if err != nil {
		t.Fatal(err)
	}
	inc, err := db.Incident(ctx, e.IncidentID)
	if err != nil || !inc.IsExercise() || inc.ExerciseID != e.ID || inc.Title != exercise.TitlePrefix+sc.Report.Title {
		t.Fatalf("exercise incident: %+v %v", inc, err)
	}
	if got, err := db.ExerciseOfIncident(ctx, inc.ID); err != nil || got.ID != e.ID {
		t.Fatalf("exercise of incident: %+v %v", got, err)
	}
	if _, err := db.ExerciseOfIncident(ctx, real.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("a real incident has an exercise: %v", err)
	}

	// Contain starts an hour in; then the clock moves 10 hours.
	*now = start.Add(time.Hour)
	if _, err := db.UpdateIncident(ctx, by, inc.ID, func(i *incident.Incident) (incident.Change, error) {
		if err := i.ApplyTriage(incident.Triage{Kind: incident.KindBreach, Severity: incident.SeverityHigh, OwnerID: po.ID}, *now); err != nil {
			return incident.Change{}, err
		}
		return incident.Change{Kind: incident.EntryState, Action: "step.start", Text: "Started Contain."}, i.Start(incident.Contain, *now)
	}); err != nil {
		t.Fatal(err)
	}
	// As the Assess step would have saved them.
	if _, err := db.sql.ExecContext(ctx, `UPDATE incidents SET facts = ? WHERE id = ?`, `{"timeline":{"discovered_at":"2026-03-02T09:00:00Z"}}`, inc.ID); err != nil {
		t.Fatal(err)
	}
	stale := *e
	due, err := e.Advance(10*time.Hour, *now)
	if err != nil || len(due) != 2 {
		t.Fatalf("advance: %v %v", due, err)
	}
	if err := db.SaveAdvance(ctx, by, e, 10*time.Hour, due); err != nil {
		t.Fatal(err)
	}
	inc, _ = db.Incident(ctx, inc.ID)
	if want := start.Add(-10 * time.Hour); !inc.Report.DiscoveredAt.Equal(want) {
		t.Fatalf("discovered at %v, want %v", inc.Report.DiscoveredAt, want)
	}
	if got := *inc.Steps[incident.Contain].StartedAt; !got.Equal(start.Add(-9 * time.Hour)) {
		t.Fatalf("contain started at %v: it should keep its hour after discovery", got)
	}
	if inc.Facts != `{"timeline":{"discovered_at":"2026-03-01T23:00:00Z"}}` {
		t.Fatalf("facts not shifted: %s", inc.Facts)
	}
	tl, _ := db.Timeline(ctx, inc.ID)
	injects := 0
	for _, en := range tl {
		if en.Kind == incident.EntryNote && len(en.Text) > 24 && en.Text[:24] == "Exercise inject at T+1 h" {
			injects++
		}
	}
	if injects != 1 || tl[len(tl)-1].Text != exercise.InjectText(sc.Injects[1]) {
		t.Fatalf("injects on the timeline: %+v", tl)
	}
	// A second facilitator working from the old state is refused.
	if due, _ := stale.Advance(time.Hour, *now); db.SaveAdvance(ctx, by, &stale, time.Hour, due) == nil {
		t.Fatal("a stale advance was saved")
	}

	// Neither the counts nor the register-facing list include the exercise.
	c, err := db.Counts(ctx, *now)
	if err != nil || c.OpenIncidents[incident.KindBreach] != 1 {
		t.Fatalf("counts: %+v %v", c, err)
	}
	list, total, _ := db.Incidents(ctx, incident.Filter{Exercises: incident.NoExercises, Limit: 10})
	if total != 1 || list[0].ID != real.ID {
		t.Fatalf("without exercises: %d", total)
	}
	if _, total, _ := db.Incidents(ctx, incident.Filter{Exercises: incident.OnlyExercises, Limit: 10}); total != 1 {
		t.Fatalf("only exercises: %d", total)
	}
	if _, total, _ := db.Incidents(ctx, incident.Filter{Limit: 10}); total != 2 {
		t.Fatalf("all: %d", total)
	}

	tasks, _ := db.Tasks(ctx, inc.ID)
	score := exercise.Compute(inc, tasks, nil, *now)
	if err := e.End(score, "Disable accounts before investigating.", po.Name, *now); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveEnd(ctx, by, e); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveEnd(ctx, by, e); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("ended twice: %v", err)
	}
	got, _ := db.Exercise(ctx, e.ID)
	if got.Score == nil || got.Score.Points != score.Points || got.Lessons != "Disable accounts before investigating." || got.Revealed != 2 || got.Advanced != 10*time.Hour {
		t.Fatalf("stored exercise: %+v", got)
	}
	inc, _ = db.Incident(ctx, inc.ID)
	if inc.Status != incident.StatusClosed || inc.CloseReason != "Exercise ended" {
		t.Fatalf("exercise incident not closed: %s %q", inc.Status, inc.CloseReason)
	}
	if all, _ := db.Exercises(ctx); len(all) != 1 || all[0].IncidentID != inc.ID {
		t.Fatalf("exercises: %+v", all)
	}
	if _, err := audit.Verify(ctx, db, nil); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
}

func testPlanReviewPeriod(t *testing.T, o opener) {
	db, _ := o.open(t)
	ctx := context.Background()
	if err := db.SetPlanReviewMonths(ctx, 0, "admin", 6); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("before setup: %v", err)
	}
	mustOrg(t, db)
	for _, m := range []int{0, 61} {
		if err := db.SetPlanReviewMonths(ctx, 0, "admin", m); fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("%d months accepted: %v", m, err)
		}
	}
	if o, _ := db.Organisation(ctx); o.PlanReviewMonths != 12 {
		t.Fatalf("default %d", o.PlanReviewMonths)
	}
	if err := db.SetPlanReviewMonths(ctx, 0, "admin", 6); err != nil {
		t.Fatal(err)
	}
	if o, _ := db.Organisation(ctx); o.PlanReviewMonths != 6 {
		t.Fatalf("saved %d", o.PlanReviewMonths)
	}
}

func mustOrg(tb testing.TB, db *DB) {
	tb.Helper()
	if err := db.SaveOrganisation(context.Background(), 0, org.Organisation{Name: "Kiwi Clinic", ContactName: "Pat Privacy", ContactEmail: "pat@kiwi.example", TimeZone: "Pacific/Auckland"}); err != nil {
		tb.Fatal(err)
	}
}
