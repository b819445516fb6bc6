package store

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Experts lists the outside experts by kind and name.
func (db *DB) Experts(ctx context.Context) ([]incident.Expert, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, kind, name, organisation, contact, notes, created_at FROM experts ORDER BY kind, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.Expert
	for rows.Next() {
		var e incident.Expert
		var at string
		if err := rows.Scan(&e.ID, &e.Kind, &e.Name, &e.Organisation, &e.Contact, &e.Notes, &at); err != nil {
			return nil, err
		}
		e.CreatedAt = parseTS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddExpert records an outside expert.
func (db *DB) AddExpert(ctx context.Context, by incident.Actor, e incident.Expert) (incident.Expert, error) {
	if err := e.Validate(); err != nil {
		return e, err
	}
	e.CreatedAt = db.Now()
	err := db.tx(ctx, func(tx *Tx) error {
		newID, err := insert(ctx, tx, `INSERT INTO experts (kind, name, organisation, contact, notes, created_at) VALUES (?,?,?,?,?,?)`, e.Kind, e.Name, e.Organisation, e.Contact, e.Notes, ts(e.CreatedAt))
		if err != nil {
			return err
		}
		e.ID = newID
		return db.appendAudit(ctx, tx, by, "expert.add", "expert:"+itoa(e.ID), 0, map[string]any{"kind": e.Kind})
	})
	return e, err
}

// DeleteExpert removes an outside expert.
func (db *DB) DeleteExpert(ctx context.Context, by incident.Actor, id int64) error {
	return db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM experts WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.NotFound, "That expert was not found.")
		}
		return db.appendAudit(ctx, tx, by, "expert.delete", "expert:"+itoa(id), 0, nil)
	})
}
