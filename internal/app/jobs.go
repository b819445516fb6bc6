package app

import (
	"time"

	"github.com/riverqueue/river"
)

// Workers are the kinds of job this application works, one file each
// (job_*.go): its arguments, its worker and how it applies its effect
// once. Adding a kind is its file and its line here.
func (a *App) Workers() (*river.Workers, error) {
	ws := river.NewWorkers()
	for _, add := range []func(*river.Workers) error{
		a.addScanWorker,
		a.addRemindersWorker,
	} {
		if err := add(ws); err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// PeriodicJobs are the jobs the cluster's leader inserts every period:
// the reminders, every `every` (default an hour).
func (a *App) PeriodicJobs(every time.Duration) []*river.PeriodicJob {
	if every <= 0 {
		every = time.Hour
	}
	return []*river.PeriodicJob{remindersJob(every)}
}

// aligned is a schedule that fires at each multiple of every since the
// epoch, so every process that becomes leader fires at the same moments
// and each period has one run.
type aligned time.Duration

// Next is the next boundary after current.
func (e aligned) Next(current time.Time) time.Time {
	d := time.Duration(e)
	return current.Truncate(d).Add(d)
}
