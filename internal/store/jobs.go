package store

import (
	"context"
	"database/sql"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

const jobCols = `id, kind, COALESCE(incident_id, 0), state, input, label, files, bytes, total, result, error, created_by, created_at, started_at, finished_at`

func scanJob(s scanner) (*jobs.Job, error) {
	var j jobs.Job
	var created string
	var started, finished sql.NullString
	if err := s.Scan(&j.ID, &j.Kind, &j.IncidentID, &j.State, &j.Input, &j.Label, &j.Files, &j.Bytes, &j.Total, &j.Result, &j.Error,
		&j.CreatedBy, &created, &started, &finished); err != nil {
		return nil, err
	}
	j.CreatedAt, j.StartedAt, j.FinishedAt = parseTS(created), parseNTS(started), parseNTS(finished)
	return &j, nil
}

// Enqueue adds a job to the queue, with an audit entry.
func (db *DB) Enqueue(ctx context.Context, by incident.Actor, j jobs.Job) (jobs.Job, error) {
	err := db.tx(ctx, func(tx *Tx) error {
		newID, err := insert(ctx, tx, `INSERT INTO jobs (kind, incident_id, state, input, label, created_by, created_at) VALUES (?,?,?,?,?,?,?)`,
			j.Kind, nullID(j.IncidentID), jobs.Queued, j.Input, j.Label, by.Name, ts(db.Now()))
		if err != nil {
			return err
		}
		j.ID = newID
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

// Claim marks the oldest queued job running and returns it. The UPDATE
// only succeeds for one claimant, so several processes can share a queue.
func (db *DB) Claim(ctx context.Context) (*jobs.Job, error) {
	for {
		var id int64
		err := db.sql.QueryRowContext(ctx, `SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1`).Scan(&id)
		if err == sql.ErrNoRows {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		res, err := db.sql.ExecContext(ctx, `UPDATE jobs SET state = 'running', started_at = ? WHERE id = ? AND state = 'queued'`, ts(db.Now()), id)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return db.Job(ctx, id)
		}
	}
}

// SetProgress records how far a running job has got.
func (db *DB) SetProgress(ctx context.Context, id, files, bytes, total int64) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE jobs SET files = ?, bytes = ?, total = ? WHERE id = ? AND state = 'running'`, files, bytes, total, id)
	return err
}

// Finish records how a job ended.
func (db *DB) Finish(ctx context.Context, id int64, result string, cause error) error {
	state, msg := jobs.Done, ""
	if cause != nil {
		state, msg = jobs.Failed, cause.Error()
	}
	return db.tx(ctx, func(tx *Tx) error {
		var inc sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT incident_id FROM jobs WHERE id = ?`, id).Scan(&inc); err != nil {
			return notFound(err, "Job %d was not found.", id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ?, bytes = CASE WHEN ? = 'done' THEN total ELSE bytes END WHERE id = ?`,
			state, result, msg, ts(db.Now()), state, id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, incident.System, "job.finish", "job:"+itoa(id), inc.Int64, map[string]any{"state": state})
	})
}

// RequeueRunning puts back jobs left running by a process that stopped.
func (db *DB) RequeueRunning(ctx context.Context) (int, error) {
	res, err := db.sql.ExecContext(ctx, `UPDATE jobs SET state = 'queued', started_at = NULL, files = 0, bytes = 0 WHERE state = 'running'`)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
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

// Depth counts queued and running jobs.
func (db *DB) Depth(ctx context.Context) (int, int, error) {
	var q, r int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE state = 'queued'), COUNT(*) FILTER (WHERE state = 'running') FROM jobs`).Scan(&q, &r)
	return q, r, err
}
