package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// withQueue gives db an insert-only River client on a pool of its own.
func withQueue(t *testing.T, db *DB) *jobs.Queue {
	t.Helper()
	pool, err := db.NewPool(context.Background(), QueueConns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	q, err := jobs.New(pool, db.Dialect(), jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	db.Queue = q
	return q
}

// A job's record and its queued work are written together, and its end
// is applied once: a second Finish (the job run again after a crash)
// adds no person, no note and no audit entry.
func testJobQueue(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	var err error
	if _, db.Sealer, err = vault.Generate(); err != nil {
		t.Fatal(err)
	}
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	inc, err := db.CreateIncident(ctx, by, "Exposed share", report(*now))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enqueue(ctx, by, jobs.Job{Kind: "scan", IncidentID: inc.ID, Input: "/tmp/x", Label: "x.zip"}); err == nil {
		t.Fatal("a job was recorded without a queue to run it")
	}
	withQueue(t, db)
	var ids []int64
	for range 3 {
		j, err := db.Enqueue(ctx, by, jobs.Job{Kind: "scan", IncidentID: inc.ID, Input: "/tmp/x", Label: "x.zip"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	time.Sleep(20 * time.Millisecond)
	ds, err := db.QueueDepth(ctx)
	if err != nil || len(ds) != 1 || ds[0].Kind != "scan" || ds[0].Waiting != 3 || ds[0].Running != 0 {
		t.Fatalf("depth %+v %v", ds, err)
	}
	if ds[0].Oldest < 10*time.Millisecond || ds[0].Oldest > time.Minute {
		t.Errorf("oldest waiting job waited %v", ds[0].Oldest)
	}
	j, ok, err := db.StartJob(ctx, ids[0])
	if err != nil || !ok || j.State != jobs.Running || j.StartedAt == nil {
		t.Fatalf("start: %v %v %+v", ok, err, j)
	}
	if err := db.SetProgress(ctx, ids[0], 3, 50, 100); err != nil {
		t.Fatal(err)
	}
	if j, _ := db.Job(ctx, ids[0]); j.Percent() != 50 {
		t.Fatalf("progress: %+v", j)
	}
	people := []notice.Affected{{Person: notice.Person{Name: "Aroha Ngata", Email: "aroha@example.nz"}, Source: "scan of x.zip"}}
	end := jobs.End{Result: `{"ok":true}`, People: people, Source: "breachdesk (scanner)", Note: "Scan of x.zip finished."}
	for run := range 2 {
		done, err := db.Finish(ctx, ids[0], end)
		if err != nil || done != (run == 0) {
			t.Fatalf("finish, run %d: %v %v", run, done, err)
		}
	}
	got, err := db.AffectedPeople(ctx, inc.ID)
	if err != nil || len(got) != 1 {
		t.Fatalf("people after two finishes: %d %v", len(got), err)
	}
	entries, err := db.Timeline(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, e := range entries {
		if e.Text == "Scan of x.zip finished." {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("%d notes of the scan's end, want 1", notes)
	}
	if _, ok, err := db.StartJob(ctx, ids[0]); ok || err != nil {
		t.Errorf("an ended job started again: %v %v", ok, err)
	}
	if done, err := db.Finish(ctx, ids[1], jobs.End{Err: errors.New("the folder is gone"), People: people}); !done || err != nil {
		t.Fatal(done, err)
	}
	if j, _ := db.Job(ctx, ids[1]); j.State != jobs.Failed || j.Error != "the folder is gone" || j.FinishedAt == nil {
		t.Fatalf("failed job: %+v", j)
	}
	if got, _ := db.AffectedPeople(ctx, inc.ID); len(got) != 1 {
		t.Errorf("a failed job added people: %d", len(got))
	}
	if list, err := db.JobsOf(ctx, inc.ID); err != nil || len(list) != 3 || list[0].ID != ids[2] {
		t.Errorf("jobs of the incident: %v %+v", err, list)
	}
}

// A periodic run is recorded once per period, with each reminder left
// once: the same period run again (another leader, a retry) changes
// nothing, and a later period leaves only reminders not sent before.
func testPeriodicRunsOnce(t *testing.T, o opener) {
	ctx := context.Background()
	db, now := o.open(t)
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	period := now.Truncate(time.Hour)
	rs := []jobs.Reminder{{Key: "obligation:1:overdue", UserIDs: []int64{u.ID}, Text: "INC-0001: overdue."}}
	// The first run ever: the period before it is not the cluster's.
	sent, ok, err := db.RunPeriodic(ctx, "reminders", period, period.Add(-time.Hour), 7, rs)
	if err != nil || !ok || len(sent) != 1 {
		t.Fatalf("first run: %v %v %v", sent, ok, err)
	}
	parallel(t, 4, func(int) error {
		sent, ok, err := db.RunPeriodic(ctx, "reminders", period, period.Add(-time.Hour), 8, rs)
		if err == nil && (ok || len(sent) > 0) {
			return errors.New("the same period ran twice")
		}
		return err
	})
	rs = append(rs, jobs.Reminder{Key: "plan:review:2026-W10", UserIDs: []int64{u.ID}, Text: "The plan is due for review."})
	sent, ok, err = db.RunPeriodic(ctx, "reminders", period.Add(time.Hour), period, 9, rs)
	if err != nil || !ok || len(sent) != 1 || sent[0].Key != "plan:review:2026-W10" {
		t.Fatalf("next period: %+v %v %v", sent, ok, err)
	}
	msgs, err := db.Notifications(ctx, u.ID)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("%d notifications, want 2: %v", len(msgs), err)
	}
	// The third period's leader died before inserting its job: the fourth
	// period's run covers it, once; the fifth's finds it run already.
	for k, p := range []int{4, 4, 5} {
		at := period.Add(time.Duration(p-1) * time.Hour)
		if _, ok, err := db.RunPeriodic(ctx, "reminders", at, at.Add(-time.Hour), int64(10+k), rs); err != nil || ok != (k != 1) {
			t.Fatalf("period %d, run %d: %v %v", p, k, ok, err)
		}
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT period, job_id FROM periodic_runs WHERE kind = 'reminders' ORDER BY period`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var p string
		var job int64
		if err := rows.Scan(&p, &job); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d by %d", int(parseTS(p).Sub(period)/time.Hour)+1, job))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"1 by 7", "2 by 9", "3 by 10", "4 by 10", "5 by 12"}; !slices.Equal(got, want) {
		t.Errorf("periods recorded (period by job) %q, want %q", got, want)
	}
}

// A job split into parts queues each once; parts done are counted once
// however often they are reported, and of the last parts reported at the
// same time by workers in other processes exactly one sees none left.
func testSplitJob(t *testing.T, o opener) {
	ctx := context.Background()
	dbs := o.processes(t, 2)
	db, other := dbs[0], dbs[1]
	u := mustUser(t, db, "po@example.org", auth.PrivacyOfficer)
	by := incident.Actor{UserID: u.ID, Name: u.Name}
	inc, err := db.CreateIncident(ctx, by, "Exposed share", report(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	withQueue(t, db)
	j, err := db.Enqueue(ctx, by, jobs.Job{Kind: "scan", IncidentID: inc.ID, Input: "blob:scans/upload-x/", Label: "x.zip"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SplitJob(ctx, j.ID, "scan_part", "scan_merge", 2, 100); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("a job not running was split: %v", err)
	}
	if _, _, err := db.StartJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	const parts = 6
	for range 2 { // the second time, as a job run again after a crash
		if err := db.SplitJob(ctx, j.ID, "scan_part", "scan_merge", parts, 6000); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := db.QueueDepth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	queued, merges := 0, 0
	for _, d := range ds {
		switch d.Kind {
		case "scan_part":
			queued = d.Waiting
		case "scan_merge":
			merges = d.Waiting
		}
	}
	if queued != parts || merges != 1 {
		t.Fatalf("%d parts and %d merges queued, want %d and 1", queued, merges, parts)
	}
	for k := range parts - 2 {
		for range 2 {
			left, err := db.PartDone(ctx, j.ID, k, 1, 1000)
			if err != nil || left != parts-1-k {
				t.Fatalf("part %d: %d left (%v)", k, left, err)
			}
		}
	}
	done, err := other.PartsDone(ctx, j.ID)
	if err != nil || fmt.Sprint(done) != "[true true true true false false]" {
		t.Fatalf("parts done: %v (%v)", done, err)
	}
	got, err := db.Job(ctx, j.ID)
	if err != nil || got.Parts != parts || got.PartsDone != parts-2 || got.Files != parts-2 || got.Bytes != 4000 || got.Total != 6000 {
		t.Fatalf("progress: %+v (%v)", got, err)
	}
	// The last two parts, reported at once from two processes.
	lefts := make(chan int, 2)
	errs := make(chan error, 2)
	for k, d := range []*DB{db, other} {
		go func() {
			left, err := d.PartDone(ctx, j.ID, parts-2+k, 1, 1000)
			lefts <- left
			errs <- err
		}()
	}
	zero := 0
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if <-lefts == 0 {
			zero++
		}
	}
	if zero != 1 {
		t.Fatalf("%d workers saw no part left, want exactly 1", zero)
	}
}
