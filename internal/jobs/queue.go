package jobs

import (
	"database/sql"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/breachdesk/breachdesk/internal/store/schema"
)

// Config sets up a queue.
type Config struct {
	// Workers does the kinds of job this process works; nil makes a queue
	// that only inserts (serve --no-workers, and the commands).
	Workers *river.Workers
	// Periodic jobs are inserted by the cluster's leader only, so each
	// runs once per period however many processes run workers.
	Periodic []*river.PeriodicJob
	// MaxWorkers is how many jobs this process works at once (default:
	// one per core), and how many merges of split jobs (MergeQueue)
	// beside them.
	MaxWorkers int
	// RescueAfter is how long a job may run (default 1 hour): one that
	// runs longer is cancelled, and one still marked running after that
	// long (its process was killed) is taken for dead and run again
	// elsewhere. It must be longer than the longest scan.
	RescueAfter time.Duration
	// Poll is how often idle workers look for work (default 1 s). River's
	// database/sql drivers have no LISTEN/NOTIFY, so workers poll.
	Poll time.Duration
	Log  *slog.Logger
}

// Queue is River's client over the database: it inserts jobs and, when
// it has workers, works them.
type Queue struct {
	*river.Client[*sql.Tx]
}

// New returns a queue over db, a pool of its own on the store's database
// (River's SQLite driver wants one connection; on PostgreSQL its
// maintenance work then never waits behind web requests).
func New(db *sql.DB, d schema.Dialect, cfg Config) (*Queue, error) {
	rc := &river.Config{
		Logger:               cfg.Log,
		PeriodicJobs:         cfg.Periodic,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    cfg.Poll,
		PollOnly:             true,
		// A job that fails for a reason a retry may mend (the database
		// was away) is tried again, up to five times.
		MaxAttempts: 5,
	}
	if rc.RescueStuckJobsAfter <= 0 {
		rc.RescueStuckJobsAfter = time.Hour
	}
	// A job may run as long as RescueAfter and no longer: River's rescuer
	// never takes a job without a timeout for dead, so every kind has one,
	// and a job that outlives it is cancelled and run again.
	rc.JobTimeout = rc.RescueStuckJobsAfter
	if rc.FetchPollInterval <= 0 {
		rc.FetchPollInterval = time.Second
	}
	rc.FetchCooldown = min(rc.FetchPollInterval, 100*time.Millisecond)
	if cfg.Log == nil {
		rc.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Workers != nil {
		n := cfg.MaxWorkers
		if n <= 0 {
			n = runtime.NumCPU()
		}
		rc.Workers = cfg.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}, MergeQueue: {MaxWorkers: n}}
	}
	var client *river.Client[*sql.Tx]
	var err error
	if d == schema.Postgres {
		client, err = river.NewClient(riverdatabasesql.New(db), rc)
	} else {
		db.SetMaxOpenConns(1)
		client, err = river.NewClient(riversqlite.New(db), rc)
	}
	if err != nil {
		return nil, fmt.Errorf("the job queue: %w", err)
	}
	return &Queue{Client: client}, nil
}
