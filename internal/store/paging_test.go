package store

import (
	"context"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Pages read with cursors hold every incident once, newest discovery
// first, and the totals kept by triggers follow every change without a
// count over the table.
func testKeysetPagingAndKeptCounts(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: "po"}
	for i := range 23 {
		r := report(*now)
		r.DiscoveredAt = now.Add(-time.Duration(i%7) * time.Hour) // ties on discovery
		if _, err := db.CreateIncident(ctx, by, "Lost USB stick", r); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]bool{}
	var last *incident.Incident
	pages := 0
	for after := ""; ; pages++ {
		incs, total, err := db.Incidents(ctx, incident.Filter{Limit: 5, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if total != 23 {
			t.Fatalf("total %d, want 23", total)
		}
		for _, inc := range incs {
			if seen[inc.ID] {
				t.Fatalf("incident %d on two pages", inc.ID)
			}
			seen[inc.ID] = true
			if last != nil && (inc.Report.DiscoveredAt.After(last.Report.DiscoveredAt) ||
				inc.Report.DiscoveredAt.Equal(last.Report.DiscoveredAt) && inc.ID > last.ID) {
				t.Fatalf("incident %d out of order after %d", inc.ID, last.ID)
			}
			last = inc
		}
		if len(incs) < 5 {
			break
		}
		after = incident.CursorOf(incs[len(incs)-1])
	}
	if len(seen) != 23 || pages != 4 {
		t.Fatalf("%d incidents in %d pages", len(seen), pages)
	}
	if _, _, err := db.Incidents(ctx, incident.Filter{After: "not a cursor"}); err == nil {
		t.Fatal("a made-up cursor was accepted")
	}
	if _, err := db.UpdateIncident(ctx, by, last.ID, func(i *incident.Incident) (incident.Change, error) {
		i.Status, i.Kind, i.Triaged, i.Severity = incident.StatusOpen, incident.KindBreach, true, incident.SeverityHigh
		return incident.Change{Action: "incident.triage"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    incident.Filter
		want int
	}{
		{incident.Filter{Status: incident.StatusOpen}, 1},
		{incident.Filter{Status: incident.StatusReported}, 22},
		{incident.Filter{Severity: incident.SeverityHigh}, 1},
		{incident.Filter{Kind: incident.KindBreach, Exercises: incident.NoExercises}, 23},
		{incident.Filter{Exercises: incident.OnlyExercises}, 0},
	} {
		if _, n, err := db.Incidents(ctx, c.f); err != nil || n != c.want {
			t.Errorf("%+v: total %d (%v), want %d", c.f, n, err, c.want)
		}
	}
}
