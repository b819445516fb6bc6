package store

import (
	"context"
	"sync/atomic"
	"time"
)

// sweeps counts TryAttempt calls, so expired attempts of every key are
// deleted now and then.
var sweeps atomic.Int64

// TryAttempt counts a sign-in attempt under keys unless refuse says
// their recent attempts are too many, in one write transaction: writers
// take turns, so two servers cannot both pass the check on the same
// count.
func (db *DB) TryAttempt(ctx context.Context, keys []string, since, at time.Time, refuse func([][]time.Time) time.Duration) (time.Duration, error) {
	var wait time.Duration
	err := db.tx(ctx, func(tx *Tx) error {
		if sweeps.Add(1)%1024 == 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM signin_attempts WHERE at < ?`, ts(since)); err != nil {
				return err
			}
		}
		times := make([][]time.Time, len(keys))
		for k, key := range keys {
			rows, err := tx.QueryContext(ctx, `SELECT at FROM signin_attempts WHERE key = ? AND at > ? ORDER BY at`, key, ts(since))
			if err != nil {
				return err
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					rows.Close()
					return err
				}
				times[k] = append(times[k], parseTS(s))
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		if wait = refuse(times); wait > 0 {
			return nil
		}
		for _, key := range keys {
			if _, err := tx.ExecContext(ctx, `INSERT INTO signin_attempts (key, at) VALUES (?,?)`, key, ts(at)); err != nil {
				return err
			}
		}
		return nil
	})
	return wait, err
}

// DropAttempt takes back one attempt.
func (db *DB) DropAttempt(ctx context.Context, key string, at time.Time) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM signin_attempts WHERE key = ? AND at = ?`, key, ts(at))
	return err
}

// ClearAttempts forgets the attempts under key.
func (db *DB) ClearAttempts(ctx context.Context, key string) error {
	_, err := db.sql.ExecContext(ctx, `DELETE FROM signin_attempts WHERE key = ?`, key)
	return err
}
