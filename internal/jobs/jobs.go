// Package jobs is breachdesk's background work: River's queue over the
// store's database (SQLite or PostgreSQL), the records people see of work
// that takes long (a scan's progress and outcome), and the rules every
// job kind keeps. It knows nothing of HTTP; the kinds themselves, one
// small file each, live with the use cases they run (internal/app).
//
// A job's effect is applied once. River delivers a job at least once: a
// worker killed mid-job leaves it running until River's rescuer hands it
// to another worker, which runs it again. So each kind applies its effect
// in one transaction together with a guard that says it is applied (a
// record's state moving to done, a period's row in periodic_runs), and a
// second run finds the guard and changes nothing.
package jobs

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
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

// Job is the record of one piece of background work that people follow.
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
	// Parts a job was split into for several workers to share, and how
	// many of them are done; 0 for a job run in one piece.
	Parts, PartsDone int
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

// Ended says whether the job has finished, well or not.
func (j *Job) Ended() bool { return j.State == Done || j.State == Failed }

// End is how a job ended, with the effects that go with it.
type End struct {
	// Result is the outcome as JSON, when the job succeeded.
	Result string
	// Err is why it failed; nil when it succeeded.
	Err error
	// People found are added, sealed, to the incident's list of people to
	// notify, with Source saying where they came from.
	People []notice.Affected
	Source string
	// Note, if set, goes on the incident's timeline.
	Note string
}

// Store keeps the records of jobs. Errors are *fault.Error values with
// the codes named; anything else is an outage.
type Store interface {
	// Enqueue records a job and puts its work on the queue in the same
	// transaction, so there is never a record without work or work
	// without a record.
	Enqueue(ctx context.Context, by incident.Actor, j Job) (Job, error)
	// StartJob marks a job running and returns it; ok is false when the
	// job has already ended (a job delivered again after it finished).
	// Returns fault.NotFound for no such job.
	StartJob(ctx context.Context, id int64) (j *Job, ok bool, err error)
	// SetProgress records how far a running job has got.
	SetProgress(ctx context.Context, id, files, bytes, total int64) error
	// Finish applies how a job ended, and its effects, in one
	// transaction, once: ok is false, and nothing changes, when the job
	// had already ended. Returns fault.NotFound for no such job.
	Finish(ctx context.Context, id int64, end End) (ok bool, err error)
	// Job returns one job. Returns fault.NotFound for no such job.
	Job(ctx context.Context, id int64) (*Job, error)
	// JobsOf lists an incident's jobs, newest first.
	JobsOf(ctx context.Context, incidentID int64) ([]Job, error)
	// SplitJob records that a running job is split into parts of work
	// of the kind partKind, sized total bytes in all, and queues one
	// PartArgs per part and one MergeArgs of the kind mergeKind (which
	// merges the parts as they are done) in the same transaction, once:
	// a job split already is left as it is.
	SplitJob(ctx context.Context, id int64, partKind, mergeKind string, parts int, total int64) error
	// PartDone records a part of a split job done, with the files and
	// bytes it read, once, and the job's progress as the sum of its
	// parts done; remaining is how many parts are not done yet.
	PartDone(ctx context.Context, id int64, part int, files, bytes int64) (remaining int, err error)
	// PartsDone says, for each part of a split job in order, whether it
	// is done.
	PartsDone(ctx context.Context, id int64) ([]bool, error)
}

// Inserter puts work on the queue inside a database transaction (River's
// client does).
type Inserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// RecordArgs is the queued work of a job that has a record: River's job
// names the record, and its worker reads the rest from there.
type RecordArgs struct {
	JobKind string `json:"-"`
	JobID   int64  `json:"job_id"`
}

// Kind is the kind of job, e.g. "scan".
func (a RecordArgs) Kind() string { return a.JobKind }

// PartArgs is the queued work of one part of a split job.
type PartArgs struct {
	JobKind string `json:"-"`
	JobID   int64  `json:"job_id"`
	Part    int    `json:"part"`
}

// Kind is the kind of the part's work, e.g. "scan_part".
func (a PartArgs) Kind() string { return a.JobKind }

// MergeArgs is the queued work that merges the parts of a split job as
// they are done. It runs on MergeQueue, beside the parts rather than in
// a slot they need: it waits for them most of the time.
type MergeArgs struct {
	JobKind string `json:"-"`
	JobID   int64  `json:"job_id"`
}

// Kind is the kind of the merge's work, e.g. "scan_merge".
func (a MergeArgs) Kind() string { return a.JobKind }

// InsertOpts puts a merge on its own queue.
func (MergeArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: MergeQueue} }

// MergeQueue is the queue of the merges of split jobs: every process that
// works jobs works as many of them at once as it works other jobs.
const MergeQueue = "merge"

// Depth is the queue's state for one kind of job, for /metrics.
type Depth struct {
	Kind string
	// Waiting jobs are available, scheduled or waiting to retry; Running
	// ones are being worked.
	Waiting, Running int
	// Oldest is how long the oldest waiting job has waited; 0 when none.
	Oldest time.Duration
}

// Reminder is a message left in the app for people, once per Key (what
// it is about and why, e.g. "obligation:12:overdue").
type Reminder struct {
	Key        string
	UserIDs    []int64
	IncidentID int64
	Text       string
}

// PeriodicStore keeps the runs of periodic work.
type PeriodicStore interface {
	// RunPeriodic records the run of kind for the period starting at
	// period, and leaves each reminder not sent before, in one
	// transaction, once: ok is false, and nothing changes, when that
	// period has already run. sent are the reminders left now.
	RunPeriodic(ctx context.Context, kind string, period, previous time.Time, jobID int64, rs []Reminder) (sent []Reminder, ok bool, err error)
}

// DepthStore reads the queue's state.
type DepthStore interface {
	// QueueDepth is the state of the queue per kind of job, by kind.
	QueueDepth(ctx context.Context) ([]Depth, error)
}
