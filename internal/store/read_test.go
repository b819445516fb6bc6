package store

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// The digit-by-digit reading of stored times gives what time.Parse
// gives, and leaves to it whatever is not a real time in that format.
func TestParseTSAgreesWithTimeParse(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []string{"2024-02-29T23:59:59.999999999Z", "2023-02-29T10:00:00.000000000Z", "2026-04-31T10:00:00.000000000Z",
		"2026-13-01T10:00:00.000000000Z", "2026-00-01T10:00:00.000000000Z", "2026-01-00T10:00:00.000000000Z", "2026-01-01T24:00:00.000000000Z",
		"2026-01-01T10:60:00.000000000Z", "2026-01-01T10:00:60.000000000Z", "2026-01-01T10:00:00.00000000xZ", "2026-01-01 10:00:00.000000000Z",
		"2026-01-01T10:00:00Z", "2026-01-01T10:00:00.5+02:00", "", "-026-01-01T10:00:00.000000000Z", "0000-01-01T00:00:00.000000000Z"}
	for range 2000 {
		cases = append(cases, ts(time.Unix(rng.Int64N(1<<34)-1<<32, rng.Int64N(1e9))))
	}
	for _, c := range cases {
		want, err := time.Parse(timeFormat, c)
		if err != nil {
			want, _ = time.Parse(time.RFC3339Nano, c)
		}
		if got := parseTS(c); !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("parseTS(%q) = %v, time.Parse gives %v", c, got, want)
		}
		if _, ok := parseFixedTS(c); ok && err != nil {
			t.Errorf("parseFixedTS accepted %q, which time.Parse refuses", c)
		}
	}
}

// The steps folded into one column read back as they were stored, and a
// step with no row stays pending.
func TestParseSteps(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	t1 := t0.Add(time.Hour)
	got, err := parseSteps("contain done " + ts(t0) + " " + ts(t1) + " notify active " + ts(t1) + " -")
	if err != nil {
		t.Fatal(err)
	}
	c, n, a := got[incident.Contain], got[incident.Notify], got[incident.Assess]
	if c.State != incident.StepDone || !c.StartedAt.Equal(t0) || !c.DoneAt.Equal(t1) || n.State != incident.StepActive || !n.StartedAt.Equal(t1) ||
		n.DoneAt != nil || a.State != incident.StepPending || a.StartedAt != nil || len(got) != len(incident.AllSteps) {
		t.Fatalf("steps read back as %+v", got)
	}
	if _, err := parseSteps("contain done -"); err == nil {
		t.Fatal("a step cut short was read")
	}
}

// A session that has not ended comes with its user; an ended or unknown
// one is not found.
func testSessionsComeWithTheirUser(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	mustUser(t, db, "other@example.org", auth.Responder)
	exp := now.Add(time.Hour)
	if err := db.CreateSession(ctx, "hash-1", auth.Session{UserID: u.ID, CSRF: "csrf-1", ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	got, s, err := db.SessionUser(ctx, "hash-1", *now)
	if err != nil || got.ID != u.ID || got.Email != u.Email || got.Role != auth.PrivacyOfficer || got.PasswordHash != u.PasswordHash ||
		!got.CreatedAt.Equal(u.CreatedAt) || s.UserID != u.ID || s.CSRF != "csrf-1" || !s.ExpiresAt.Equal(exp) {
		t.Fatalf("session user %+v, session %+v, %v", got, s, err)
	}
	if old, err := db.Session(ctx, "hash-1", *now); err != nil || old != s {
		t.Fatalf("Session says %+v %v, SessionUser %+v", old, err, s)
	}
	for _, c := range []struct {
		hash string
		at   time.Time
	}{{"hash-1", exp}, {"hash-1", exp.Add(time.Minute)}, {"hash-2", *now}} {
		if _, _, err := db.SessionUser(ctx, c.hash, c.at); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("session %s at %v: %v, want not found", c.hash, c.at, err)
		}
	}
}

// Lists read an incident (its steps with their times, its obligations)
// exactly as reading it alone does, on every kind of page.
func testListsReadWhatIsStored(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	r := report(*now)
	r.DiscoveredAt = now.Add(-100 * time.Hour)
	inc, err := db.CreateIncident(ctx, by, "Misdirected letter", r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateIncident(ctx, by, "Another", report(*now)); err != nil {
		t.Fatal(err)
	}
	started, done := now.Add(-90*time.Hour+123456789), now.Add(-80*time.Hour+987654321)
	_, err = db.UpdateIncident(ctx, by, inc.ID, func(i *incident.Incident) (incident.Change, error) {
		i.Kind, i.Status, i.Triaged, i.OwnerID = incident.KindBreach, incident.StatusOpen, true, u.ID
		i.Steps[incident.Contain] = incident.StepProgress{State: incident.StepDone, StartedAt: &started, DoneAt: &done}
		i.Steps[incident.Assess] = incident.StepProgress{State: incident.StepActive, StartedAt: &done}
		return incident.Change{Action: "incident.triage"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	due := now.Add(-time.Hour)
	err = db.SaveAssessment(ctx, by, incident.Assessment{IncidentID: inc.ID, AssessedAt: *now, RulesVersion: "test", Facts: "{}", Result: "{}", Summary: "assessed",
		Obligations: []incident.Obligation{
			{RuleID: "nz.commissioner", Regime: "nz_privacy_act", Audience: "regulator", Citation: "s 114", Decision: "required", DueAt: &due, Status: incident.ObligationPending, Reasons: "Serious harm is likely."},
			{RuleID: "au.oaic", Regime: "au_ndb", Audience: "regulator", Citation: "s 26WK", Decision: "required", TargetAt: &due, Status: incident.ObligationPending, Label: "Tell the OAIC"}}})
	if err != nil {
		t.Fatal(err)
	}
	alone, err := db.Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p := alone.Steps[incident.Contain]; p.State != incident.StepDone || !p.StartedAt.Equal(started) || !p.DoneAt.Equal(done) ||
		alone.Steps[incident.Assess].State != incident.StepActive || alone.Steps[incident.Notify].State != incident.StepPending || len(alone.Obligations) != 2 {
		t.Fatalf("read alone: steps %+v, %d obligations", alone.Steps, len(alone.Obligations))
	}
	for _, f := range []incident.Filter{{}, {Overdue: true, OverdueAt: *now}, {Status: incident.StatusOpen}, {Query: "letter"}} {
		incs, _, err := db.Incidents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, got := range incs {
			if got.ID == inc.ID {
				found = true
				if !reflect.DeepEqual(got, alone) {
					t.Errorf("filter %+v lists\n%+v\nread alone\n%+v", f, got, alone)
				}
			}
		}
		if !found {
			t.Errorf("filter %+v does not list the incident", f)
		}
	}
}
