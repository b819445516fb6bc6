// Package jobs runs work too long for a request (scans of exposed files)
// in the background: a queue kept by the store, and a runner that takes
// one job at a time, reports its progress and records how it ended. It
// knows nothing of SQL or HTTP.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// State is where a job is.
type State string

// The states of a job.
const (
	Queued  State = "queued"
	Running State = "running"
	Done    State = "done"
	Failed  State = "failed"
)

// Label is the state in words.
func (s State) Label() string {
	switch s {
	case Queued:
		return "Waiting to start"
	case Running:
		return "Running"
	case Done:
		return "Finished"
	case Failed:
		return "Failed"
	}
	return string(s)
}

// Job is one piece of background work.
type Job struct {
	ID         int64
	Kind       string
	IncidentID int64
	State      State
	// Input is what the job works on, e.g. the folder to scan; Label is
	// how a person knows it, e.g. the uploaded file's name.
	Input, Label string
	// Progress: files and bytes done, of Total bytes.
	Files, Bytes, Total int64
	// Result is the job's outcome as JSON; Error why it failed.
	Result, Error string
	CreatedBy     string
	CreatedAt     time.Time
	StartedAt     *time.Time
	FinishedAt    *time.Time
}

// Percent is the progress as a whole percentage, 0 when unknown.
func (j *Job) Percent() int {
	if j.State == Done {
		return 100
	}
	if j.Total <= 0 {
		return 0
	}
	return int(min(99, j.Bytes*100/j.Total))
}

// Store keeps the queue.
type Store interface {
	Enqueue(ctx context.Context, by incident.Actor, j Job) (Job, error)
	// Claim takes the oldest queued job and marks it running; nil when
	// there is none.
	Claim(ctx context.Context) (*Job, error)
	SetProgress(ctx context.Context, id, files, bytes, total int64) error
	// Finish records the result, or the failure when cause is not nil.
	Finish(ctx context.Context, id int64, result string, cause error) error
	// RequeueRunning puts back jobs a stopped process left running.
	RequeueRunning(ctx context.Context) (int, error)
	Job(ctx context.Context, id int64) (*Job, error)
	JobsOf(ctx context.Context, incidentID int64) ([]Job, error)
	// Depth counts queued and running jobs, for /metrics.
	Depth(ctx context.Context) (queued, running int, err error)
}

// Handler does one kind of job, reporting progress as it goes, and
// returns the result as JSON.
type Handler func(ctx context.Context, j *Job, progress func(files, bytes, total int64)) (string, error)

// Runner takes jobs from the store one at a time.
type Runner struct {
	Store    Store
	Handlers map[string]Handler
	// Poll is how often an idle runner looks for work (default 1 s).
	Poll time.Duration
	Log  *slog.Logger
	// Done, if set, is called after each job, e.g. to tell people.
	Done func(ctx context.Context, j *Job)
}

// Run works until ctx ends. Jobs a previous process left running are
// queued again first.
func (r *Runner) Run(ctx context.Context) {
	if n, err := r.Store.RequeueRunning(ctx); err == nil && n > 0 && r.Log != nil {
		r.Log.Info("jobs requeued after a restart", "count", n)
	}
	poll := r.Poll
	if poll <= 0 {
		poll = time.Second
	}
	for ctx.Err() == nil {
		worked, err := r.RunOnce(ctx)
		if err != nil && r.Log != nil {
			r.Log.Error("job queue", "error", err) // database errors only: no job content
		}
		if !worked {
			select {
			case <-ctx.Done():
			case <-time.After(poll):
			}
		}
	}
}

// errNoHandler fails a job of a kind this process cannot do.
var errNoHandler = errors.New("this kind of job is not known to this version of breachdesk")

// RunOnce does the next queued job, if any, and says whether there was one.
func (r *Runner) RunOnce(ctx context.Context) (bool, error) {
	j, err := r.Store.Claim(ctx)
	if err != nil || j == nil {
		return false, err
	}
	h, ok := r.Handlers[j.Kind]
	var result string
	var cause error
	if !ok {
		cause = errNoHandler
	} else {
		last := time.Time{}
		result, cause = h(ctx, j, func(files, bytes, total int64) {
			if time.Since(last) < 500*time.Millisecond {
				return
			}
			last = time.Now()
			r.Store.SetProgress(ctx, j.ID, files, bytes, total)
		})
	}
	if ctx.Err() != nil {
		// Stopped with the process: left running, so the next start
		// queues it again rather than calling it failed.
		return true, nil
	}
	if cause != nil && r.Log != nil {
		// The reason is kept with the job, not logged: it may name files.
		r.Log.Warn("job failed", "job", j.ID, "kind", j.Kind)
	}
	if err := r.Store.Finish(context.WithoutCancel(ctx), j.ID, result, cause); err != nil {
		return true, err
	}
	if r.Done != nil {
		if done, err := r.Store.Job(ctx, j.ID); err == nil {
			r.Done(ctx, done)
		}
	}
	return true, nil
}
