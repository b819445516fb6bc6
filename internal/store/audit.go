package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// appendAudit adds an entry at the end of the chain within tx. Write
// transactions are immediate, so no other writer can append in between.
func (db *DB) appendAudit(ctx context.Context, tx *Tx, by incident.Actor, action, object string, incidentID int64, details map[string]any) error {
	var prev *audit.Entry
	var p audit.Entry
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&p.Seq, &p.Hash)
	switch {
	case err == nil:
		prev = &p
	case err != sql.ErrNoRows:
		return err
	}
	if details == nil {
		details = map[string]any{}
	}
	d, err := json.Marshal(details)
	if err != nil {
		return err
	}
	e := audit.Entry{At: db.Now(), ActorID: by.UserID, Actor: by.Name, Action: action, Object: object, IncidentID: incidentID, Details: string(d)}
	e.At = parseTS(ts(e.At)) // hash what is stored, to the nanosecond
	e.Seal(prev)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, action, object, incident_id, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		e.Seq, ts(e.At), e.ActorID, e.Actor, e.Action, e.Object, e.IncidentID, e.Details, e.PrevHash, e.Hash)
	return err
}

const auditCols = `seq, at, actor_id, actor, action, object, incident_id, details, prev_hash, hash`

func scanAudit(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at string
	err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.Actor, &e.Action, &e.Object, &e.IncidentID, &e.Details, &e.PrevHash, &e.Hash)
	e.At = parseTS(at)
	return e, err
}

// EachAudit streams the whole log in order.
func (db *DB) EachAudit(ctx context.Context, fn func(audit.Entry) error) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// AuditForIncident returns the entries about one incident, oldest first.
func (db *DB) AuditForIncident(ctx context.Context, incidentID int64) ([]audit.Entry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+auditCols+` FROM audit_log WHERE incident_id = ? ORDER BY seq`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
