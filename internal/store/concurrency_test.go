package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/plan"
)

// processes opens n handles on one fresh database, each as a separate
// process would hold it (its own pool), sharing one clock.
func (o opener) processes(t *testing.T, n int) []*DB {
	t.Helper()
	addr := o.addr(t)
	dbs := make([]*DB, n)
	for i := range dbs {
		dbs[i] = o.connect(t, addr)
		dbs[i].Now = func() time.Time { return time.Now().UTC() }
	}
	if _, err := dbs[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dbs
}

// parallel runs fn(i) for i in [0, n) at once and fails the test with
// the first error.
func parallel(t *testing.T, n int, fn func(i int) error) {
	t.Helper()
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- fn(i)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Writers in several processes change the same incident at once: each
// change reads what the previous one wrote, so none is lost, and task
// positions stay unique.
func testConcurrentWritersLoseNothing(t *testing.T, o opener) {
	ctx := context.Background()
	dbs := o.processes(t, 4)
	u := mustUser(t, dbs[0], "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	inc, err := dbs[0].CreateIncident(ctx, by, "Shared incident", report(time.Now().UTC()))
	if err != nil {
		t.Fatal(err)
	}
	const each = 10
	parallel(t, len(dbs)*2, func(i int) error {
		db := dbs[i%len(dbs)]
		for k := range each {
			if i%2 == 0 {
				_, err := db.UpdateIncident(ctx, by, inc.ID, func(x *incident.Incident) (incident.Change, error) {
					x.Report.ActionsTaken += fmt.Sprintf("[%d.%d]", i, k)
					return incident.Change{Action: "incident.edit"}, nil
				})
				if err != nil {
					return err
				}
			} else if _, err := db.AddTask(ctx, by, incident.Task{IncidentID: inc.ID, Step: incident.Contain, Title: fmt.Sprintf("Task %d.%d", i, k)}); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := dbs[1].Incident(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(got.Report.ActionsTaken, "["); n != len(dbs)*each {
		t.Errorf("%d of %d edits kept: a concurrent writer lost an update", n, len(dbs)*each)
	}
	tasks, err := dbs[2].Tasks(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	added := 0
	for _, tk := range tasks {
		if tk.Step != incident.Contain {
			continue
		}
		if seen[tk.Position] {
			t.Errorf("two contain tasks at position %d", tk.Position)
		}
		seen[tk.Position] = true
		if strings.HasPrefix(tk.Title, "Task ") {
			added++
		}
	}
	if added != len(dbs)*each {
		t.Errorf("%d tasks added, want %d", added, len(dbs)*each)
	}
}

// Several processes append to the one audit chain at once: it stays one
// valid chain, numbered without gaps, with every change in it.
func testAuditChainFromSeveralProcesses(t *testing.T, o opener) {
	ctx := context.Background()
	dbs := o.processes(t, 4)
	u := mustUser(t, dbs[0], "rep@example.org", auth.Reporter)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	const each = 15
	parallel(t, len(dbs)*2, func(i int) error {
		db := dbs[i%len(dbs)]
		for range each {
			if _, err := db.CreateIncident(ctx, by, "Lost USB stick", report(time.Now().UTC())); err != nil {
				return err
			}
		}
		return nil
	})
	n, err := audit.Verify(ctx, dbs[3], nil)
	if err != nil {
		t.Fatalf("the chain broke under concurrent writers: %v", err)
	}
	if want := int64(1 + len(dbs)*2*each); n != want {
		t.Errorf("%d audit entries, want %d", n, want)
	}
	var lastSeq int64
	err = dbs[2].EachAudit(ctx, func(e audit.Entry) error {
		if e.Seq != lastSeq+1 {
			return fmt.Errorf("entry %d follows %d", e.Seq, lastSeq)
		}
		lastSeq = e.Seq
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// Times keep their nanoseconds and sort in time order in both engines,
// across years and a nanosecond apart.
func testTimesOrderAndRoundTrip(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "rep@example.org", auth.Reporter)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	base := time.Date(2026, 2, 28, 23, 59, 59, 999999999, time.UTC)
	times := []time.Time{base, base.Add(time.Nanosecond), time.Date(1999, 12, 31, 23, 0, 0, 0, time.UTC), base.Add(-time.Nanosecond),
		time.Date(2026, 3, 1, 0, 0, 0, 1, time.FixedZone("NZDT", 13*3600))}
	for k, at := range times {
		r := report(*now)
		r.DiscoveredAt = at
		if _, err := db.CreateIncident(ctx, by, fmt.Sprintf("Incident %d", k), r); err != nil {
			t.Fatal(err)
		}
	}
	list, _, err := db.Incidents(ctx, incident.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(list); k++ {
		if list[k].Report.DiscoveredAt.After(list[k-1].Report.DiscoveredAt) {
			t.Errorf("listed out of order: %v before %v", list[k-1].Report.DiscoveredAt, list[k].Report.DiscoveredAt)
		}
	}
	for _, inc := range list {
		var want time.Time
		fmt.Sscanf(inc.Title, "Incident %d", new(int))
		k := 0
		fmt.Sscanf(inc.Title, "Incident %d", &k)
		want = times[k]
		if !inc.Report.DiscoveredAt.Equal(want) || inc.Report.DiscoveredAt.Location() != time.UTC {
			t.Errorf("%s: stored %v, read %v", inc.Title, want, inc.Report.DiscoveredAt)
		}
	}
	// The timeline is in time order, entries at the same time in the
	// order written.
	inc := list[0]
	for k := range 3 {
		*now = now.Add(time.Duration(k) * time.Nanosecond)
		if _, err := db.AddNote(ctx, by, inc.ID, incident.EntryNote, fmt.Sprintf("note %d", k)); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := db.Timeline(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k < len(entries); k++ {
		if entries[k].At.Before(entries[k-1].At) {
			t.Errorf("timeline out of order at %d", k)
		}
	}
	if last := entries[len(entries)-1]; last.Text != "note 2" {
		t.Errorf("last entry %q", last.Text)
	}
}

// An assessed incident is overdue while one of its pending obligations is
// past its deadline, and no longer once that obligation is done.
func testOverdueFollowsObligations(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	inc, err := db.CreateIncident(ctx, by, "Misdirected letter", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	due := now.Add(2 * time.Hour)
	err = db.SaveAssessment(ctx, by, incident.Assessment{IncidentID: inc.ID, AssessedAt: *now, RulesVersion: "test", Facts: "{}", Result: "{}", Summary: "assessed",
		Obligations: []incident.Obligation{{RuleID: "nz.commissioner", Regime: "nz", Audience: "regulator", Citation: "s 114", Decision: "required", DueAt: &due, Status: incident.ObligationPending}}})
	if err != nil {
		t.Fatal(err)
	}
	overdue := func(at time.Time) int {
		incs, _, err := db.Incidents(ctx, incident.Filter{Overdue: true, OverdueAt: at})
		n := len(incs) // the overdue filter is not counted: the page is all of them
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := overdue(now.Add(time.Hour)); n != 0 {
		t.Errorf("overdue before the deadline: %d", n)
	}
	if n := overdue(due.Add(time.Nanosecond)); n != 1 {
		t.Errorf("overdue a nanosecond past the deadline: %d, want 1", n)
	}
	got, err := db.Incident(ctx, inc.ID)
	if err != nil || len(got.Obligations) != 1 {
		t.Fatalf("%v %+v", err, got)
	}
	_, err = db.UpdateObligation(ctx, by, inc.ID, got.Obligations[0].ID, func(ob *incident.Obligation) (incident.Change, error) {
		ob.Status, ob.DoneAt, ob.Manual = incident.ObligationDone, now, true
		return incident.Change{Action: "obligation.done"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := overdue(due.Add(time.Hour)); n != 0 {
		t.Errorf("overdue after the obligation was done: %d", n)
	}
	c, err := db.Counts(ctx, due.Add(time.Hour))
	if err != nil || c.PendingObligations != 0 || c.OverdueObligations != 0 || c.OpenIncidents[incident.KindBreach] != 1 {
		t.Errorf("counts %+v %v", c, err)
	}
}

// The overdue filter picks exactly the incidents whose clocks say they
// are overdue (incident.Overdue, which the pages show): with no
// obligations, by the default clocks; with obligations, by the earliest
// deadline or target of those pending alone, whatever the default clocks
// say (one pending without a deadline is not overdue, nor are obligations
// all done); a closed incident never.
func testOverdueFilterMatchesTheClocks(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	laws := []string{"nz_privacy_act", "au_ndb"}
	at := now.Add(40 * 24 * time.Hour) // every default clock has run out
	past, future := at.Add(-time.Hour), at.Add(time.Hour)
	ob := func(rule string, due, target *time.Time, st incident.ObligationStatus) incident.Obligation {
		o := incident.Obligation{RuleID: rule, Regime: "nz", Audience: "regulator", Citation: "s 114", Decision: "required", DueAt: due, TargetAt: target, Status: st}
		if st == incident.ObligationDone {
			o.DoneAt = now
		}
		return o
	}
	cases := []struct {
		name  string
		obs   []incident.Obligation
		close bool
		want  bool
	}{
		{"no obligations", nil, false, true},
		{"pending, past its deadline", []incident.Obligation{ob("a", &past, nil, incident.ObligationPending)}, false, true},
		{"pending, past its target", []incident.Obligation{ob("a", nil, &past, incident.ObligationPending)}, false, true},
		{"pending, deadline to come", []incident.Obligation{ob("a", &future, nil, incident.ObligationPending)}, false, false},
		{"pending, no deadline", []incident.Obligation{ob("a", nil, nil, incident.ObligationPending)}, false, false},
		{"done, past its deadline", []incident.Obligation{ob("a", &past, nil, incident.ObligationDone)}, false, false},
		{"done past, pending to come", []incident.Obligation{ob("a", &past, nil, incident.ObligationDone), ob("b", &future, nil, incident.ObligationPending)}, false, false},
		{"one pending past of two", []incident.Obligation{ob("a", &future, nil, incident.ObligationPending), ob("b", nil, &past, incident.ObligationPending)}, false, true},
		{"closed, pending past", []incident.Obligation{ob("a", &past, nil, incident.ObligationPending)}, true, false},
	}
	want := map[int64]string{}
	ids := map[int64]string{}
	for _, c := range cases {
		inc, err := db.CreateIncident(ctx, by, c.name, report(*now))
		if err != nil {
			t.Fatal(err)
		}
		ids[inc.ID] = c.name
		if c.obs != nil {
			if err := db.SaveAssessment(ctx, by, incident.Assessment{IncidentID: inc.ID, AssessedAt: *now, RulesVersion: "test", Facts: "{}", Result: "{}", Summary: "assessed", Obligations: c.obs}); err != nil {
				t.Fatal(err)
			}
		}
		if c.close {
			if _, err := db.UpdateIncident(ctx, by, inc.ID, func(i *incident.Incident) (incident.Change, error) {
				i.Status, i.ClosedAt, i.CloseReason = incident.StatusClosed, now, "contained"
				return incident.Change{Action: "incident.close"}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Incident(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Overdue(laws, at) != c.want {
			t.Fatalf("%s: the clocks say overdue %v, the case %v", c.name, got.Overdue(laws, at), c.want)
		}
		if c.want {
			want[inc.ID] = c.name
		}
	}
	incs, _, err := db.Incidents(ctx, incident.Filter{Overdue: true, OverdueAt: at, Laws: laws})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, inc := range incs {
		got[inc.ID] = ids[inc.ID]
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the overdue filter gave %v, the clocks %v", got, want)
	}
}

// The rules the store itself enforces answer the same codes in both
// engines.
func testDomainRulesHoldInTheStore(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	if _, err := db.CreateUser(ctx, u.ID, auth.User{Email: "po@example.org", Name: "Again", Role: auth.Viewer, PasswordHash: "x"}); fault.CodeOf(err) != fault.Conflict {
		t.Errorf("a second account with one email: %v", err)
	}
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	inc, err := db.CreateIncident(ctx, by, "Council bag", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveReviewNotes(ctx, by, inc.ID, strings.Repeat("x", 20001), "", ""); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("an over-long review answer: %v", err)
	}
	if _, err := db.AddTask(ctx, by, incident.Task{IncidentID: inc.ID, Step: "tidy", Title: "x"}); fault.CodeOf(err) != fault.Invalid {
		t.Errorf("a task in no step: %v", err)
	}
	if _, err := db.Incident(ctx, inc.ID+100); fault.CodeOf(err) != fault.NotFound {
		t.Errorf("a missing incident: %v", err)
	}
	v, err := db.SavePlan(ctx, u.ID, u.Name, plan.Version{Body: "# Plan\n\n## Scope\n\nAll personal information."})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ApprovePlan(ctx, u.ID, u.Name, v.Version, "Jo Smith, Chief Executive"); err != nil {
		t.Fatal(err)
	}
	if err := db.ApprovePlan(ctx, u.ID, u.Name, v.Version, "Jo Smith, Chief Executive"); fault.CodeOf(err) != fault.Conflict {
		t.Errorf("approving a version twice: %v", err)
	}
	// Plan versions are numbered without gaps even when saved at once.
	parallel(t, 6, func(int) error {
		_, err := db.SavePlan(ctx, u.ID, u.Name, plan.Version{Body: "# Plan\n\n## Scope\n\nAll of it, again."})
		return err
	})
	vs, err := db.PlanVersions(ctx)
	if err != nil || len(vs) != 7 {
		t.Fatalf("%d versions, %v", len(vs), err)
	}
	seen := map[int]bool{}
	for _, v := range vs {
		seen[v.Version] = true
	}
	for k := 1; k <= 7; k++ {
		if !seen[k] {
			t.Errorf("plan version %d missing: %v", k, seen)
		}
	}
}

// An obligation keeps its own label, and one that recording the
// assessment meets (s 26WH) is stored done, not pending; a later
// assessment does not reopen it.
func testRecordingMeetsTheSuspectedBreachAssessment(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	inc, err := db.CreateIncident(ctx, by, "Misdirected letter", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	due := now.Add(720 * time.Hour)
	assess := incident.Obligation{RuleID: "au.assess", Regime: "au_ndb", Audience: "record", Label: "Assess the suspected breach within 30 days",
		Citation: "s 26WH", Decision: "required", DueAt: &due, Status: incident.ObligationDone, DoneAt: now, Reference: "Assessment recorded with its reasons"}
	for i := 0; i < 2; i++ {
		n := assess
		if i == 1 { // a later assessment proposes it afresh
			n.Status, n.DoneAt, n.Reference = incident.ObligationPending, nil, ""
		}
		if err := db.SaveAssessment(ctx, by, incident.Assessment{IncidentID: inc.ID, AssessedAt: *now, RulesVersion: "test", Facts: "{}", Result: "{}",
			Summary: "assessed", Obligations: []incident.Obligation{n}}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Incident(ctx, inc.ID)
		if err != nil || len(got.Obligations) != 1 {
			t.Fatalf("%v %+v", err, got)
		}
		ob := got.Obligations[0]
		if ob.Label != assess.Label || ob.AudienceLabel() != assess.Label || ob.Status != incident.ObligationDone || ob.DoneAt == nil || ob.Reference == "" {
			t.Fatalf("assessment %d: %+v", i+1, ob)
		}
	}
}
