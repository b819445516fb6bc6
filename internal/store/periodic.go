package store

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/internal/jobs"
)

// RunPeriodic records a periodic run and its reminders in one
// transaction: the period's row first (a second run of the period stops
// there), then the previous period's when it never ran and one before it
// did (its leader died before inserting its job: this run covers it),
// then each reminder whose key was never sent.
func (db *DB) RunPeriodic(ctx context.Context, kind string, period, previous time.Time, jobID int64, rs []jobs.Reminder) ([]jobs.Reminder, bool, error) {
	var sent []jobs.Reminder
	ok := false
	err := db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO periodic_runs (kind, period, ran_at, job_id) VALUES (?,?,?,?) ON CONFLICT DO NOTHING`, kind, ts(period), ts(db.Now()), jobID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // this period has run: nothing more
		}
		ok = true
		if !previous.IsZero() && previous.Before(period) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO periodic_runs (kind, period, ran_at, job_id)
 SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM periodic_runs WHERE kind = ? AND period < ?) ON CONFLICT DO NOTHING`,
				kind, ts(previous), ts(db.Now()), jobID, kind, ts(previous)); err != nil {
				return err
			}
		}
		for _, r := range rs {
			res, err := tx.ExecContext(ctx, `INSERT INTO reminders_sent (key, sent_at) VALUES (?,?) ON CONFLICT DO NOTHING`, r.Key, ts(db.Now()))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				if err != nil {
					return err
				}
				continue
			}
			for _, id := range r.UserIDs {
				if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, incident_id, text, created_at) VALUES (?,?,?,?)`, id, nullID(r.IncidentID), r.Text, ts(db.Now())); err != nil {
					return err
				}
			}
			sent = append(sent, r)
		}
		_, err = tx.ExecContext(ctx, `UPDATE periodic_runs SET sent = ? WHERE kind = ? AND period = ?`, len(sent), kind, ts(period))
		return err
	})
	if err != nil || !ok {
		sent = nil
	}
	return sent, ok, err
}
