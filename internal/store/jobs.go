package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/store/schema"
)

const jobCols = `id, kind, COALESCE(incident_id, 0), state, input, label, files, bytes, total, result, error, created_by, created_at, started_at, finished_at,
 (SELECT COUNT(*) FROM scan_parts p WHERE p.job_id = jobs.id), (SELECT COUNT(*) FROM scan_parts p WHERE p.job_id = jobs.id AND p.done_at IS NOT NULL)`

func scanJob(s scanner) (*jobs.Job, error) {
	var j jobs.Job
	var created string
	var started, finished sql.NullString
	if err := s.Scan(&j.ID, &j.Kind, &j.IncidentID, &j.State, &j.Input, &j.Label, &j.Files, &j.Bytes, &j.Total, &j.Result, &j.Error,
		&j.CreatedBy, &created, &started, &finished, &j.Parts, &j.PartsDone); err != nil {
		return nil, err
	}
	j.CreatedAt, j.StartedAt, j.FinishedAt = parseTS(created), parseNTS(started), parseNTS(finished)
	return &j, nil
}

// Enqueue records a job and puts its work on the queue (db.Queue) in the
// same transaction, with an audit entry.
func (db *DB) Enqueue(ctx context.Context, by incident.Actor, j jobs.Job) (jobs.Job, error) {
	if db.Queue == nil {
		return j, fault.Errorf(fault.Internal, "No job queue is set up to run this work.")
	}
	err := db.tx(ctx, func(tx *Tx) error {
		newID, err := insert(ctx, tx, `INSERT INTO jobs (kind, incident_id, state, input, label, created_by, created_at) VALUES (?,?,?,?,?,?,?)`,
			j.Kind, nullID(j.IncidentID), jobs.Queued, j.Input, j.Label, by.Name, ts(db.Now()))
		if err != nil {
			return err
		}
		j.ID = newID
		if _, err := db.Queue.InsertTx(ctx, tx.Tx, jobs.RecordArgs{JobKind: j.Kind, JobID: j.ID}, nil); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "job.enqueue", "job:"+itoa(j.ID), j.IncidentID, map[string]any{"kind": j.Kind})
	})
	if err != nil {
		return j, err
	}
	got, err := db.Job(ctx, j.ID)
	if err != nil {
		return j, err
	}
	return *got, nil
}

// StartJob marks a job running, unless it has already ended. A job run
// again after a crash starts again from nothing: its progress resets.
func (db *DB) StartJob(ctx context.Context, id int64) (*jobs.Job, bool, error) {
	j, err := db.Job(ctx, id)
	if err != nil || j.Ended() {
		return j, false, err
	}
	if _, err := db.sql.ExecContext(ctx, `UPDATE jobs SET state = 'running', started_at = ?, files = 0, bytes = 0 WHERE id = ? AND state IN ('queued','running')`, ts(db.Now()), id); err != nil {
		return nil, false, err
	}
	j, err = db.Job(ctx, id)
	return j, err == nil && !j.Ended(), err
}

// SetProgress records how far a running job has got.
func (db *DB) SetProgress(ctx context.Context, id, files, bytes, total int64) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE jobs SET files = ?, bytes = ?, total = ? WHERE id = ? AND state = 'running'`, files, bytes, total, id)
	return err
}

// Finish records how a job ended, with its people and its note, in one
// transaction that first moves the job to its end state: a job already
// ended is not moved, and then nothing else is written either.
func (db *DB) Finish(ctx context.Context, id int64, end jobs.End) (bool, error) {
	state, msg := jobs.Done, ""
	if end.Err != nil {
		state, msg, end.People = jobs.Failed, end.Err.Error(), nil
	}
	if len(end.People) > 0 {
		if err := db.checkAffected(end.People); err != nil {
			return false, err
		}
	}
	finished := false
	err := db.tx(ctx, func(tx *Tx) error {
		var inc sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT incident_id FROM jobs WHERE id = ?`, id).Scan(&inc); err != nil {
			return notFound(err, "Job %d was not found.", id)
		}
		err := updated(tx.ExecContext(ctx, `UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ?, bytes = CASE WHEN ? = 'done' THEN total ELSE bytes END
 WHERE id = ? AND state NOT IN ('done','failed')`, state, end.Result, msg, ts(db.Now()), state, id))
		if errors.Is(err, errNoRow) {
			return nil // ended already: applied once, by an earlier run
		}
		if err != nil {
			return err
		}
		finished = true
		by := incident.Actor{Name: end.Source}
		if by.Name == "" {
			by = incident.System
		}
		if len(end.People) > 0 {
			if err := db.addAffected(ctx, tx, by, inc.Int64, id, end.People); err != nil {
				return err
			}
		}
		if end.Note != "" && inc.Valid {
			if err := db.addEntry(ctx, tx, by, inc.Int64, incident.EntryEvidence, end.Note); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, incident.System, "job.finish", "job:"+itoa(id), inc.Int64, map[string]any{"state": state})
	})
	return finished, err
}

// SplitJob records a job's parts and queues each, and their merge, in
// one transaction, once.
func (db *DB) SplitJob(ctx context.Context, id int64, partKind, mergeKind string, parts int, total int64) error {
	if db.Queue == nil {
		return fault.Errorf(fault.Internal, "No job queue is set up to run this work.")
	}
	return db.tx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM scan_parts WHERE job_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil // split by an earlier run of the job
		}
		err := updated(tx.ExecContext(ctx, `UPDATE jobs SET total = ?, files = 0, bytes = 0 WHERE id = ? AND state = 'running'`, total, id))
		if errors.Is(err, errNoRow) {
			return fault.Errorf(fault.Conflict, "Job %d is not running, so it cannot be split.", id)
		}
		if err != nil {
			return err
		}
		for k := range parts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO scan_parts (job_id, part) VALUES (?, ?)`, id, k); err != nil {
				return err
			}
			if _, err := db.Queue.InsertTx(ctx, tx.Tx, jobs.PartArgs{JobKind: partKind, JobID: id, Part: k}, nil); err != nil {
				return err
			}
		}
		_, err = db.Queue.InsertTx(ctx, tx.Tx, jobs.MergeArgs{JobKind: mergeKind, JobID: id}, nil)
		return err
	})
}

// PartsDone says which parts of a split job are done, in order.
func (db *DB) PartsDone(ctx context.Context, id int64) ([]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT done_at IS NOT NULL FROM scan_parts WHERE job_id = ? ORDER BY part`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var done []bool
	for rows.Next() {
		var d bool
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		done = append(done, d)
	}
	return done, rows.Err()
}

// PartDone records one part of a split job done, once, sets the job's
// progress to the sum of its parts done, and counts the parts left. Every
// write transaction takes the store's write lock first, so of two last
// parts finishing at once exactly one sees none left.
func (db *DB) PartDone(ctx context.Context, id int64, part int, files, bytes int64) (int, error) {
	remaining := 0
	err := db.tx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE scan_parts SET done_at = ?, files = ?, bytes = ? WHERE job_id = ? AND part = ? AND done_at IS NULL`,
			ts(db.Now()), files, bytes, id, part); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET files = (SELECT COALESCE(SUM(files), 0) FROM scan_parts WHERE job_id = ? AND done_at IS NOT NULL),
 bytes = (SELECT COALESCE(SUM(bytes), 0) FROM scan_parts WHERE job_id = ? AND done_at IS NOT NULL) WHERE id = ? AND state = 'running'`, id, id, id); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM scan_parts WHERE job_id = ? AND done_at IS NULL`, id).Scan(&remaining)
	})
	return remaining, err
}

// Job returns one job.
func (db *DB) Job(ctx context.Context, id int64) (*jobs.Job, error) {
	j, err := scanJob(db.sql.QueryRowContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	return j, notFound(err, "Job %d was not found.", id)
}

// JobsOf lists an incident's jobs, newest first.
func (db *DB) JobsOf(ctx context.Context, incidentID int64) ([]jobs.Job, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+jobCols+` FROM jobs WHERE incident_id = ? ORDER BY id DESC`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []jobs.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *j)
	}
	return out, rows.Err()
}

// QueueDepth is the job queue's state per kind of job: waiting (available,
// scheduled or to be retried) and running, and how long the oldest waiting
// job has waited. It reads River's table.
func (db *DB) QueueDepth(ctx context.Context) ([]jobs.Depth, error) {
	age := `CAST(EXTRACT(EPOCH FROM now() - MIN(scheduled_at) FILTER (WHERE state <> 'running' AND scheduled_at <= now())) AS DOUBLE PRECISION)`
	if db.Dialect() == schema.SQLite {
		age = `(julianday('now') - julianday(MIN(CASE WHEN state <> 'running' AND scheduled_at <= strftime('%Y-%m-%d %H:%M:%f', 'now') THEN scheduled_at END))) * 86400.0`
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT kind, COUNT(*) FILTER (WHERE state <> 'running'), COUNT(*) FILTER (WHERE state = 'running'), COALESCE(`+age+`, 0)
 FROM river_job WHERE state IN ('available','scheduled','retryable','running') GROUP BY kind ORDER BY kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []jobs.Depth
	for rows.Next() {
		var d jobs.Depth
		var secs float64
		if err := rows.Scan(&d.Kind, &d.Waiting, &d.Running, &secs); err != nil {
			return nil, err
		}
		d.Oldest = time.Duration(max(secs, 0) * float64(time.Second))
		out = append(out, d)
	}
	return out, rows.Err()
}
