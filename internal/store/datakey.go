package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// KeyCheck returns the data key's recorded check value and when it was
// recorded; "" when none is.
func (db *DB) KeyCheck(ctx context.Context) (string, time.Time, error) {
	var cv, at string
	err := db.sql.QueryRowContext(ctx, `SELECT check_value, recorded_at FROM data_key WHERE id = 1`).Scan(&cv, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	return cv, parseTS(at), err
}

// RecordKeyCheck records the check value of the first key. It refuses to
// replace one already recorded: only ResealAll changes it.
func (db *DB) RecordKeyCheck(ctx context.Context, cv string) error {
	return db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO data_key (id, check_value, recorded_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`, cv, ts(db.Now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errors.New("a data key is already recorded")
		}
		return db.appendAudit(ctx, tx, incident.System, "data_key.record", "data_key", 0, map[string]any{"key_id": vault.ShortID(cv)})
	})
}

// SealedSample counts the sealed rows and returns one with the context it
// was sealed under, to try a key on.
func (db *DB) SealedSample(ctx context.Context) (n int, sealed []byte, sealCtx string, err error) {
	if err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM affected_people`).Scan(&n); err != nil || n == 0 {
		return n, nil, "", err
	}
	var inc int64
	err = db.sql.QueryRowContext(ctx, `SELECT incident_id, sealed FROM affected_people ORDER BY id LIMIT 1`).Scan(&inc, &sealed)
	return n, sealed, sealContext(inc), err
}

// ResealAll opens every sealed row with from and seals it again with to,
// and records to's check value, in one transaction: a crash or an error
// leaves every row under from.
func (db *DB) ResealAll(ctx context.Context, from, to *vault.Sealer) (int, error) {
	n := 0
	err := db.tx(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, incident_id, sealed FROM affected_people ORDER BY id`)
		if err != nil {
			return err
		}
		type row struct {
			id, inc int64
			sealed  []byte
		}
		var all []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.inc, &r.sealed); err != nil {
				rows.Close()
				return err
			}
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `UPDATE affected_people SET sealed = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range all {
			plain, err := from.Open(r.sealed, sealContext(r.inc))
			if err != nil {
				return errors.New("a person on the list of incident " + itoa(r.inc) + " does not open with the current key; nothing was changed")
			}
			if _, err := stmt.ExecContext(ctx, to.Seal(plain, sealContext(r.inc)), r.id); err != nil {
				return err
			}
			n++
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_key (id, check_value, recorded_at) VALUES (1, ?, ?)
 ON CONFLICT (id) DO UPDATE SET check_value = excluded.check_value, recorded_at = excluded.recorded_at`, to.CheckValue(), ts(db.Now())); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, incident.System, "data_key.rotate", "data_key", 0, map[string]any{"from": from.ID(), "to": to.ID(), "people": n})
	})
	return n, err
}
