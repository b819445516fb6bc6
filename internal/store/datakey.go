package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
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

// sealedColumn is one column of values sealed under the data key, with
// the context each value was sealed under.
type sealedColumn struct {
	what string
	// query selects, after a key, the next rows' key, the part of the
	// sealing context besides it, and the sealed value, in key order;
	// update sets a value by its key.
	query, update string
	context       func(key int64, part string) string
	// named rows are few and keyed by the part (a name), read in one go.
	named bool
}

// sealedColumns lists every value the database holds sealed.
var sealedColumns = []sealedColumn{
	{"a person on the list of people to notify",
		`SELECT id, CAST(incident_id AS TEXT), sealed FROM affected_people WHERE id > ? ORDER BY id LIMIT 1000`,
		`UPDATE affected_people SET sealed = ? WHERE id = ?`, func(_ int64, inc string) string { return sealContext(atoi(inc)) }, false},
	{"a copy of a message sent",
		`SELECT id, '', content FROM deliveries WHERE id > ? AND content IS NOT NULL ORDER BY id LIMIT 1000`,
		`UPDATE deliveries SET content = ? WHERE id = ?`, func(id int64, _ string) string { return deliveryContext(id) }, false},
	{"a person's lookup reference",
		`SELECT person_id, CAST(incident_id AS TEXT), sealed FROM notice_references WHERE person_id > ? ORDER BY person_id LIMIT 1000`,
		`UPDATE notice_references SET sealed = ? WHERE person_id = ?`, func(_ int64, inc string) string { return referenceContext(atoi(inc)) }, false},
	{"an enquiry's notes",
		`SELECT id, CAST(incident_id AS TEXT), notes FROM enquiries WHERE id > ? AND notes IS NOT NULL ORDER BY id LIMIT 1000`,
		`UPDATE enquiries SET notes = ? WHERE id = ?`, func(_ int64, inc string) string { return enquiryContext(atoi(inc)) }, false},
	{"a secret",
		`SELECT 0, name, sealed FROM secrets ORDER BY name`,
		`UPDATE secrets SET sealed = ? WHERE name = ?`, func(_ int64, name string) string { return secretContext(name) }, true},
}

func atoi(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1 // no row has it: its context then opens nothing
	}
	return n
}

// ResealAll opens every sealed value with from and seals it again with
// to, and records to's check value, in one transaction: a crash or an
// error leaves every value under from. It returns how many people's
// entries were sealed again (the count the rotation reports).
func (db *DB) ResealAll(ctx context.Context, from, to *vault.Sealer) (int, error) {
	people := 0
	err := db.tx(ctx, func(tx *Tx) error {
		for i, col := range sealedColumns {
			n, err := reseal(ctx, tx, col, from, to)
			if err != nil {
				return err
			}
			if i == 0 {
				people = n
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_key (id, check_value, recorded_at) VALUES (1, ?, ?)
 ON CONFLICT (id) DO UPDATE SET check_value = excluded.check_value, recorded_at = excluded.recorded_at`, to.CheckValue(), ts(db.Now())); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, incident.System, "data_key.rotate", "data_key", 0, map[string]any{"from": from.ID(), "to": to.ID(), "people": people})
	})
	return people, err
}

// reseal seals one column's values again, a thousand at a time, so a
// large outbox is never held in memory whole.
func reseal(ctx context.Context, tx *Tx, col sealedColumn, from, to *vault.Sealer) (int, error) {
	type row struct {
		key    int64
		part   string
		sealed []byte
	}
	stmt, err := tx.PrepareContext(ctx, col.update)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	n := 0
	var after int64
	for {
		var args []any
		if !col.named {
			args = []any{after}
		}
		rows, err := tx.QueryContext(ctx, col.query, args...)
		if err != nil {
			return n, err
		}
		var page []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.key, &r.part, &r.sealed); err != nil {
				rows.Close()
				return n, err
			}
			page = append(page, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		for _, r := range page {
			c := col.context(r.key, r.part)
			plain, err := from.Open(r.sealed, c)
			if err != nil {
				return n, errors.New(col.what + " does not open with the current key; nothing was changed")
			}
			key := any(r.key)
			if col.named {
				key = r.part
			}
			if _, err := stmt.ExecContext(ctx, to.Seal(plain, c), key); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < 1000 || col.named {
			return n, nil
		}
		after = page[len(page)-1].key
	}
}
