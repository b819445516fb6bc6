package jobs_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/store"
	"github.com/breachdesk/breachdesk/internal/store/pgtest"
)

type echoArgs struct {
	N int `json:"n"`
}

func (echoArgs) Kind() string { return "echo" }

// echoWorker counts how often each job ran.
type echoWorker struct {
	river.WorkerDefaults[echoArgs]
	mu  sync.Mutex
	ran map[int]int
}

func (w *echoWorker) Work(_ context.Context, j *river.Job[echoArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ran[j.Args.N]++
	return nil
}

type tickArgs struct {
	Period time.Time `json:"period"`
}

func (tickArgs) Kind() string { return "tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	mu    sync.Mutex
	ticks map[time.Time]int
}

func (w *tickWorker) Work(_ context.Context, j *river.Job[tickArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ticks[j.Args.Period]++
	return nil
}

// openDB opens and migrates a store at addr, as one process would.
func openDB(t *testing.T, addr string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func newQueue(t *testing.T, db *store.DB, cfg jobs.Config) *jobs.Queue {
	t.Helper()
	pool, err := db.NewPool(context.Background(), store.QueueConns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	cfg.Poll = 50 * time.Millisecond
	q, err := jobs.New(pool, db.Dialect(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// testQueue inserts many jobs in one transaction (River's bulk insert,
// which panicked on SQLite in early versions) and two processes' workers
// run each exactly once.
func testQueue(t *testing.T, addr string) {
	ctx := context.Background()
	db := openDB(t, addr)
	w := &echoWorker{ran: map[int]int{}}
	ws := river.NewWorkers()
	river.AddWorker(ws, w)
	inserter := newQueue(t, db, jobs.Config{})
	const n = 60
	params := make([]river.InsertManyParams, n)
	for k := range params {
		params[k] = river.InsertManyParams{Args: echoArgs{N: k}}
	}
	tx, err := db.NewPool(ctx, store.QueueConns)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	sqlTx, err := tx.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := inserter.InsertManyTx(ctx, sqlTx, params); err != nil || len(res) != n {
		t.Fatalf("bulk insert: %d %v", len(res), err)
	}
	if err := sqlTx.Commit(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		q := newQueue(t, openDB(t, addr), jobs.Config{Workers: ws, MaxWorkers: 4})
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Stop(context.Background()) })
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ds, err := db.QueueDepth(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs left after 30 s: %+v", ds)
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.ran) != n {
		t.Errorf("%d of %d jobs ran", len(w.ran), n)
	}
	for k, c := range w.ran {
		if c != 1 {
			t.Errorf("job %d ran %d times", k, c)
		}
	}
}

// testPeriodic runs a periodic job in three processes at once: the
// cluster's leader alone inserts it, so each period runs once.
func testPeriodic(t *testing.T, addr string) {
	ctx := context.Background()
	w := &tickWorker{ticks: map[time.Time]int{}}
	ws := river.NewWorkers()
	river.AddWorker(ws, w)
	every := time.Second
	periodic := func() []*river.PeriodicJob {
		return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
			return tickArgs{Period: time.Now().UTC().Truncate(every)}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
		}, &river.PeriodicJobOpts{ID: "tick"})}
	}
	for range 3 {
		q := newQueue(t, openDB(t, addr), jobs.Config{Workers: ws, Periodic: periodic()})
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Stop(context.Background()) })
	}
	// Wait for three periods, however slowly the machine elects a leader.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		w.mu.Lock()
		n := len(w.ticks)
		w.mu.Unlock()
		if n >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d periods ran in a minute of a 1 s period", n)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for p, c := range w.ticks {
		if c != 1 {
			t.Errorf("period %v ran %d times", p, c)
		}
	}
}

func sqliteAddr(t *testing.T) string { return filepath.Join(t.TempDir(), "q.db") }

func TestQueueSQLite(t *testing.T)      { testQueue(t, sqliteAddr(t)) }
func TestQueuePostgres(t *testing.T)    { testQueue(t, pgtest.URL(t)) }
func TestPeriodicSQLite(t *testing.T)   { testPeriodic(t, sqliteAddr(t)) }
func TestPeriodicPostgres(t *testing.T) { testPeriodic(t, pgtest.URL(t)) }
