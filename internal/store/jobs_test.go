package store

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

func testJobQueue(t *testing.T, o opener) {
	ctx := context.Background()
	db, _ := o.open(t)
	by := incident.Actor{Name: "po"}
	for i := 0; i < 5; i++ {
		if _, err := db.Enqueue(ctx, by, jobs.Job{Kind: "scan", Input: "/tmp/x", Label: "x.zip"}); err != nil {
			t.Fatal(err)
		}
	}
	if q, r, _ := db.Depth(ctx); q != 5 || r != 0 {
		t.Fatalf("depth %d %d", q, r)
	}
	// Two claimants never get the same job.
	var mu sync.Mutex
	got := map[int64]int{}
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j, err := db.Claim(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if j == nil {
					return
				}
				mu.Lock()
				got[j.ID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != 5 {
		t.Fatalf("claimed %v", got)
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("job %d claimed %d times", id, n)
		}
	}
	if q, r, _ := db.Depth(ctx); q != 0 || r != 5 {
		t.Fatalf("depth after claims %d %d", q, r)
	}
	db.SetProgress(ctx, 1, 3, 50, 100)
	if j, _ := db.Job(ctx, 1); j.Percent() != 50 || j.State != jobs.Running {
		t.Fatalf("progress: %+v", j)
	}
	db.Finish(ctx, 1, `{"ok":true}`, nil)
	db.Finish(ctx, 2, "", errors.New("the folder is gone"))
	if j, _ := db.Job(ctx, 2); j.State != jobs.Failed || j.Error != "the folder is gone" || j.FinishedAt == nil {
		t.Fatalf("failed job: %+v", j)
	}
	// A restart puts back what was left running.
	if n, _ := db.RequeueRunning(ctx); n != 3 {
		t.Fatalf("requeued %d", n)
	}
	if j, _ := db.Job(ctx, 1); j.State != jobs.Done || j.Percent() != 100 {
		t.Fatalf("a finished job was requeued: %+v", j)
	}
}
