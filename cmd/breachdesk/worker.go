package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/notify"
	"github.com/breachdesk/breachdesk/internal/store"
)

// queueFlags configure the job queue of serve and worker.
type queueFlags struct {
	workers     *int
	remindEvery *time.Duration
	rescueAfter *time.Duration
}

func addQueueFlags(fs *flag.FlagSet) queueFlags {
	return queueFlags{
		workers:     fs.Int("job-workers", atoiOr(env("BREACHDESK_JOB_WORKERS", "0"), 0), "jobs this process works at once, and as many merges of split scans beside them; default one per core (env BREACHDESK_JOB_WORKERS)"),
		remindEvery: fs.Duration("remind-every", durationOr(env("BREACHDESK_REMIND_EVERY", "1h"), time.Hour), "how often the cluster checks deadlines and the plan's review for reminders, e.g. 1h (env BREACHDESK_REMIND_EVERY)"),
		rescueAfter: fs.Duration("rescue-after", durationOr(env("BREACHDESK_RESCUE_AFTER", "1h"), time.Hour), "how long a job may run: longer is cancelled, and a job still marked running after that long (its process was killed) runs again elsewhere; longer than the longest scan (env BREACHDESK_RESCUE_AFTER)"),
	}
}

func durationOr(s string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d
	}
	return def
}

// openQueue sets up River over db in a pool of its own and gives the
// store its inserter. With work, the queue also works a's kinds of job
// and takes part in electing the leader that inserts the periodic ones;
// the caller starts it.
func openQueue(ctx context.Context, db *store.DB, a *app.App, qf queueFlags, work bool, log *slog.Logger) (*jobs.Queue, error) {
	pool, err := db.NewPool(ctx, store.QueueConns)
	if err != nil {
		return nil, err
	}
	cfg := jobs.Config{Log: log, RescueAfter: *qf.rescueAfter}
	if work {
		if cfg.Workers, err = a.Workers(); err != nil {
			pool.Close()
			return nil, err
		}
		cfg.Periodic, cfg.MaxWorkers = a.PeriodicJobs(*qf.remindEvery), *qf.workers
	}
	q, err := jobs.New(pool, db.Dialect(), cfg)
	if err != nil {
		pool.Close()
		return nil, err
	}
	db.Queue = q
	return q, nil
}

// stopQueue lets running jobs finish for a few seconds, then cancels
// them: River runs a cancelled job again later, and its effect is
// applied once.
func stopQueue(q *jobs.Queue, log *slog.Logger) {
	soft, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Stop(soft); err != nil {
		hard, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.StopAndCancel(hard); err != nil && log != nil {
			log.Error("stopping the job queue", "error", err)
		}
	}
}

// cmdWorker works background jobs without the web server: scans, the
// cluster's periodic reminders, and the sending of notices to people
// (the outbox, with serve's --notice-* and --sms-* flags). Run several, on
// several machines, against one PostgreSQL database.
func cmdWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("worker", stderr)
	data := dataFlag(fs)
	qf := addQueueFlags(fs)
	delivery := deliveryFlags(fs)
	rt := runtimeFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	stopDebug, err := rt.apply(ctx, log)
	if err != nil {
		return err
	}
	defer stopDebug()
	db, applied, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(applied) > 0 {
		log.Info("database migrated", "versions", applied)
	}
	a, err := newApp(ctx, db, data, app.Config{BaseURL: env("BREACHDESK_BASE_URL", ""), ScanDir: filepath.Join(data.Dir, "scans")}, 0,
		smtpFromEnv(), log)
	if err != nil {
		return err
	}
	if err := delivery.configure(a, data.Dir, smtpFromEnv()); err != nil {
		return err
	}
	q, err := openQueue(ctx, db, a, qf, true, log)
	if err != nil {
		return err
	}
	if err := q.Start(ctx); err != nil {
		if ctx.Err() != nil {
			// Stopped while the queue was starting: a stop, not a failure.
			fmt.Fprintln(stdout, "breachdesk worker stopped")
			return nil
		}
		return fmt.Errorf("starting the job queue: %w", err)
	}
	deliveryCtx, stopDelivery := context.WithCancel(ctx)
	waitDelivery, err := delivery.start(deliveryCtx, a, log)
	if err != nil {
		stopDelivery()
		stopQueue(q, log)
		return err
	}
	fmt.Fprintln(stdout, "breachdesk worker is running")
	<-ctx.Done()
	stopDelivery()
	waitDelivery()
	stopQueue(q, log)
	fmt.Fprintln(stdout, "breachdesk worker stopped")
	return nil
}

// smtpFromEnv is the mail server of the environment, for processes
// without serve's flags.
func smtpFromEnv() notify.SMTP {
	return notify.SMTP{Addr: env("BREACHDESK_SMTP_ADDR", ""), From: env("BREACHDESK_SMTP_FROM", "breachdesk@localhost"),
		Username: env("BREACHDESK_SMTP_USERNAME", ""), Password: env("BREACHDESK_SMTP_PASSWORD", "")}
}
