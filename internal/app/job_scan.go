package app

import (
	"context"
	"os"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

// ScanArgs is a queued scan; its job record says what to scan.
type ScanArgs struct {
	JobID int64 `json:"job_id"`
}

// Kind is the scan's kind of job.
func (ScanArgs) Kind() string { return ScanKind }

type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	a *App
}

func (a *App) addScanWorker(ws *river.Workers) error {
	return river.AddWorkerSafely(ws, &scanWorker{a: a})
}

// Work runs the scan and applies its outcome once (see RunScanJob).
func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	return w.a.RunScanJob(ctx, job.Args.JobID)
}

// RunScanJob is the scan job: it scans, then records the outcome, the
// people found and the note on the timeline in one transaction that ends
// the job record. Run again after a crash, it finds the record ended and
// only deletes an upload left behind; stopped with its process, it keeps
// the upload and returns the context's error, so River runs it again. A
// scan that fails is recorded as failed and not retried: the record says
// why.
func (a *App) RunScanJob(ctx context.Context, id int64) error {
	j, ok, err := a.Store.StartJob(ctx, id)
	if fault.CodeOf(err) == fault.NotFound {
		return river.JobCancel(err) // its incident was deleted
	}
	if err != nil {
		return err
	}
	if !ok {
		a.removeUpload(j)
		return nil
	}
	last := time.Time{}
	out, runErr := a.RunScan(ctx, j, func(files, bytes, total int64) {
		if time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		a.logError("recording a scan's progress", j.IncidentID, a.Store.SetProgress(ctx, j.ID, files, bytes, total))
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	end := jobs.End{Result: out.Result, People: out.People, Source: scannerName, Note: out.Note}
	if runErr != nil {
		if a.Log != nil {
			// The reason is kept with the job, not logged: it may name files.
			a.Log.Warn("scan failed", "job", j.ID, "incident", j.IncidentID)
		}
		end = jobs.End{Err: runErr, Source: scannerName, Note: "Scan of " + j.Label + " failed: " + runErr.Error()}
	}
	if _, err := a.Store.Finish(context.WithoutCancel(ctx), j.ID, end); err != nil {
		return err
	}
	a.removeUpload(j)
	if runErr != nil {
		return river.JobCancel(runErr)
	}
	return nil
}

// scannerName is who the scanner's changes are recorded as.
const scannerName = "breachdesk (scanner)"

// removeUpload deletes an uploaded copy of exposed files once its scan
// has ended, however it ended.
func (a *App) removeUpload(j *jobs.Job) {
	if j != nil && a.isUpload(j.Input) {
		if err := os.RemoveAll(j.Input); err != nil {
			a.logError("deleting a scanned upload", j.IncidentID, err)
		}
	}
}
