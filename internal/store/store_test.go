package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/store/schema"
)

func mustUser(tb testing.TB, db *DB, email string, role auth.Role) auth.User {
	tb.Helper()
	u, err := db.CreateUser(context.Background(), 0, auth.User{Email: email, Name: strings.Split(email, "@")[0], Role: role, PasswordHash: "x"})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func report(now time.Time) incident.Report {
	n := 40
	return incident.Report{WhatHappened: "Spreadsheet of student records attached to an email to a class.", DiscoveredAt: now.Add(-time.Hour),
		DataCategories: []string{"name", "health"}, PeopleCount: &n, Cause: "human_error", Ongoing: "no"}
}

func testIncidentLifecycleIsStoredWithTimelineAndAudit(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	rep := mustUser(t, db, "rep@example.org", auth.Reporter)
	po := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: rep.ID, Name: rep.Name}

	inc, err := db.CreateIncident(ctx, by, "Student spreadsheet", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != incident.StatusReported || inc.Steps.State(incident.Contain) != incident.StepPending || inc.ReporterName != "rep" {
		t.Fatalf("new incident: %+v", inc)
	}
	tasks, _ := db.Tasks(ctx, inc.ID)
	want := 0
	for _, l := range incident.Checklists {
		want += len(l)
	}
	if len(tasks) != want || tasks[0].Step != incident.Contain {
		t.Fatalf("seeded %d tasks (first %v), want %d starting with contain", len(tasks), tasks[0].Step, want)
	}

	poA := incident.Actor{UserID: po.ID, Name: po.Name}
	inc, err = db.UpdateIncident(ctx, poA, inc.ID, func(i *incident.Incident) (incident.Change, error) {
		return incident.Change{Kind: incident.EntryDecision, Text: "Triaged", Action: "incident.triage"},
			i.ApplyTriage(incident.Triage{Kind: incident.KindBreach, Severity: incident.SeverityHigh, OwnerID: po.ID}, *now)
	})
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != incident.StatusOpen || inc.OwnerName != "po" {
		t.Fatalf("after triage: %+v", inc)
	}
	inc, err = db.UpdateIncident(ctx, poA, inc.ID, func(i *incident.Incident) (incident.Change, error) {
		return incident.Change{Kind: incident.EntryState, Text: "Started Contain", Action: "step.start"}, i.Start(incident.Contain, *now)
	})
	if err != nil || inc.Steps.State(incident.Contain) != incident.StepActive || inc.Steps[incident.Contain].StartedAt == nil {
		t.Fatalf("start contain: %v %+v", err, inc.Steps)
	}

	// A rule refused by the domain leaves the stored incident untouched.
	_, err = db.UpdateIncident(ctx, poA, inc.ID, func(i *incident.Incident) (incident.Change, error) {
		return incident.Change{Action: "step.start"}, i.Start(incident.Review, *now)
	})
	if fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("review before assess: want conflict, got %v", err)
	}

	task, err := db.UpdateTask(ctx, poA, inc.ID, tasks[0].ID, func(tk *incident.Task) (incident.Change, error) {
		tk.Done, tk.DoneAt, tk.DoneBy = true, now, poA.Name
		return incident.Change{Text: "done", Action: "task.done"}, nil
	})
	if err != nil || !task.Done {
		t.Fatalf("tick task: %v %+v", err, task)
	}
	entries, _ := db.Timeline(ctx, inc.ID)
	if len(entries) != 4 || entries[0].Kind != incident.EntryReport {
		t.Fatalf("timeline has %d entries: %+v", len(entries), entries)
	}
	au, _ := db.AuditForIncident(ctx, inc.ID)
	if len(au) != 4 || au[1].Action != "incident.triage" {
		t.Fatalf("audit: %+v", au)
	}
	if n, err := audit.Verify(ctx, db, nil); err != nil || n < 6 {
		t.Fatalf("verify: %d %v", n, err)
	}
}

func testBadInputChangesNothing(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "a@example.org", auth.Reporter)
	r := report(*now)
	r.DiscoveredAt = now.Add(48 * time.Hour)
	_, err := db.CreateIncident(ctx, incident.Actor{UserID: u.ID}, "", r)
	f := fault.FieldsOf(err)
	if f["title"] == "" || f["discovered_at"] == "" {
		t.Fatalf("want title and discovered_at errors, got %v", err)
	}
	if _, total, _ := db.Incidents(ctx, incident.Filter{}); total != 0 {
		t.Fatalf("an invalid report was stored")
	}
	if _, err := db.AddNote(ctx, incident.Actor{UserID: u.ID}, 999, incident.EntryNote, "hello"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("note on missing incident: %v", err)
	}
	if n, _ := audit.Verify(ctx, db, nil); n != 1 { // only the user creation
		t.Fatalf("failed changes wrote audit entries: %d", n)
	}
}

func testAuditLogIsAppendOnlyAndTamperingIsNamed(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "a@example.org", auth.Reporter)
	for i := 0; i < 3; i++ {
		if _, err := db.CreateIncident(ctx, incident.Actor{UserID: u.ID, Name: "a"}, "Lost USB stick", report(*now)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.sql.ExecContext(ctx, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of the audit log was not refused: %v", err)
	}
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 2`); err == nil {
		t.Fatal("delete from the audit log was not refused")
	}
	// Someone with the file drops the trigger and edits an entry.
	drop := `DROP TRIGGER audit_log_no_update`
	if o.dialect == schema.Postgres {
		drop += ` ON audit_log`
	}
	if _, err := db.sql.ExecContext(ctx, drop); err != nil {
		t.Fatal(err)
	}
	if _, err := db.sql.ExecContext(ctx, `UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`); err != nil {
		t.Fatal(err)
	}
	_, err := audit.Verify(ctx, db, nil)
	var br *audit.Break
	if !errors.As(err, &br) || br.Seq != 3 {
		t.Fatalf("want a break at entry 3, got %v", err)
	}
}

func testListFiltersSearchAndVisibility(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	a := mustUser(t, db, "a@example.org", auth.Reporter)
	b := mustUser(t, db, "b@example.org", auth.Responder)
	po := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	mk := func(by auth.User, title string, age time.Duration, nearMiss bool) *incident.Incident {
		r := report(*now)
		r.DiscoveredAt, r.NearMiss = now.Add(-age), nearMiss
		inc, err := db.CreateIncident(ctx, incident.Actor{UserID: by.ID, Name: by.Name}, title, r)
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	old := mk(a, "Laptop left on a train", 100*time.Hour, false)
	mk(a, "Near miss: wrong address caught", 100*time.Hour, true)
	fresh := mk(b, "Email to 100% of staff", time.Hour, false)

	count := func(f incident.Filter) int {
		incs, n, err := db.Incidents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if n == incident.Uncounted { // the overdue filter is not counted: count the page
			n = len(incs)
		}
		return n
	}
	at := *now
	if n := count(incident.Filter{Overdue: true, OverdueAt: at}); n != 1 { // a near miss, triaged or not, has no clocks
		t.Fatalf("overdue = %d, want 1", n)
	}
	db.UpdateIncident(ctx, incident.Actor{UserID: po.ID}, old.ID, func(i *incident.Incident) (incident.Change, error) {
		i.ApplyTriage(incident.Triage{Kind: incident.KindBreach, Severity: incident.SeverityLow}, at)
		i.Start(incident.Contain, at)
		i.Start(incident.Assess, at)
		i.Start(incident.Notify, at)
		i.Facts = "{}"
		i.Complete(incident.Assess, nil, "", at)
		i.Complete(incident.Notify, nil, "", at)
		return incident.Change{Action: "test"}, nil
	})
	if n := count(incident.Filter{Overdue: true, OverdueAt: at}); n != 0 {
		t.Fatalf("overdue after notifying = %d, want 0", n)
	}
	if n := count(incident.Filter{Kind: incident.KindNearMiss}); n != 1 {
		t.Fatalf("near misses = %d", n)
	}
	if n := count(incident.Filter{Query: "100%"}); n != 1 {
		t.Fatalf("search for a literal %% = %d, want 1", n)
	}
	if n := count(incident.Filter{Query: "TRAIN laptop"}); n != 1 {
		t.Fatalf("search is case-insensitive and needs all words: %d", n)
	}
	if n := count(incident.Filter{VisibleTo: &incident.Visibility{UserID: a.ID, ReportsOnly: true}}); n != 2 {
		t.Fatalf("a sees %d", n)
	}
	if n := count(incident.Filter{VisibleTo: &incident.Visibility{UserID: b.ID}}); n != 1 {
		t.Fatalf("b sees %d", n)
	}
	db.AddParticipants(ctx, incident.Actor{UserID: po.ID}, old.ID, []incident.Participant{{UserID: b.ID, Name: "b", Role: "IT"}})
	if n := count(incident.Filter{VisibleTo: &incident.Visibility{UserID: b.ID}}); n != 2 {
		t.Fatalf("b sees %d after joining", n)
	}
	if ok, _ := db.IsParticipant(ctx, fresh.ID, a.ID); ok {
		t.Fatal("a is not part of b's incident")
	}
}

// The database and its WAL files are readable by their owner only, whatever
// the umask (the file was 0644 before).
func TestDatabaseFilesAreOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "breachdesk.db")
	db, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}
