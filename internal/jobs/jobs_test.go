package jobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/store"
)

func TestRunner(t *testing.T) {
	ctx := context.Background()
	db, err := store.OpenSQLite(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Migrate(ctx)
	by := incident.Actor{Name: "po"}
	for _, k := range []string{"ok", "fails", "unknown", "stopped"} {
		db.Enqueue(ctx, by, jobs.Job{Kind: k, Input: k})
	}
	var done []string
	stopCtx, stop := context.WithCancel(ctx)
	r := &jobs.Runner{Store: db, Done: func(_ context.Context, j *jobs.Job) { done = append(done, string(j.State)) }, Handlers: map[string]jobs.Handler{
		"ok": func(_ context.Context, j *jobs.Job, progress func(int64, int64, int64)) (string, error) {
			progress(1, 10, 10)
			return `{"n":1}`, nil
		},
		"fails": func(context.Context, *jobs.Job, func(int64, int64, int64)) (string, error) {
			return "", errors.New("the folder is gone")
		},
		"stopped": func(context.Context, *jobs.Job, func(int64, int64, int64)) (string, error) {
			stop() // the process is shutting down mid-job
			return "", context.Canceled
		},
	}}
	for i := 0; i < 3; i++ {
		if worked, err := r.RunOnce(ctx); !worked || err != nil {
			t.Fatalf("run %d: %v %v", i, worked, err)
		}
	}
	if worked, _ := r.RunOnce(stopCtx); !worked {
		t.Fatal("the last job was not taken")
	}
	want := map[int64]jobs.State{1: jobs.Done, 2: jobs.Failed, 3: jobs.Failed, 4: jobs.Running}
	for id, st := range want {
		j, _ := db.Job(ctx, id)
		if j.State != st {
			t.Errorf("job %d (%s): %s, want %s (%s)", id, j.Kind, j.State, st, j.Error)
		}
	}
	if j, _ := db.Job(ctx, 3); j.Error == "" {
		t.Error("a job of an unknown kind failed without saying why")
	}
	if len(done) != 3 {
		t.Errorf("Done was called %d times, want 3 (not for the stopped job)", len(done))
	}
	if n, _ := db.RequeueRunning(ctx); n != 1 {
		t.Fatalf("the stopped job was not queued again: %d", n)
	}
	if j, _ := db.Job(ctx, 4); j.State != jobs.Queued || j.StartedAt != nil {
		t.Fatalf("requeued job: %+v", j)
	}
}
