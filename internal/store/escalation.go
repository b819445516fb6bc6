package store

import (
	"context"
	"errors"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// EscalationRules lists the rules.
func (db *DB) EscalationRules(ctx context.Context) ([]incident.EscalationRule, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, kind, threshold, enabled FROM escalation_rules ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.EscalationRule
	for rows.Next() {
		var r incident.EscalationRule
		if err := rows.Scan(&r.ID, &r.Kind, &r.Threshold, &r.Enabled); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveEscalationRule adds a rule (ID 0) or changes one.
func (db *DB) SaveEscalationRule(ctx context.Context, by incident.Actor, r incident.EscalationRule) error {
	if incident.LabelOf(incident.EscalationKinds, r.Kind) == r.Kind || r.Threshold < 0 {
		return &fault.Error{Code: fault.Invalid, Message: "Choose a condition and a threshold of zero or more.", Fields: map[string]string{"kind": "Choose a condition from the list."}}
	}
	return db.tx(ctx, func(tx *Tx) error {
		var err error
		if r.ID == 0 {
			r.ID, err = insert(ctx, tx, `INSERT INTO escalation_rules (kind, threshold, enabled) VALUES (?,?,?)`, r.Kind, r.Threshold, r.Enabled)
		} else {
			err = updated(tx.ExecContext(ctx, `UPDATE escalation_rules SET kind=?, threshold=?, enabled=? WHERE id=?`, r.Kind, r.Threshold, r.Enabled, r.ID))
			if errors.Is(err, errNoRow) {
				return fault.Errorf(fault.NotFound, "That rule was not found.")
			}
		}
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "escalation_rule.save", "escalation_rule:"+itoa(r.ID), 0, map[string]any{"kind": r.Kind, "threshold": r.Threshold, "enabled": r.Enabled})
	})
}

// RecordFiring notes a firing once per incident and rule.
func (db *DB) RecordFiring(ctx context.Context, by incident.Actor, incidentID int64, r incident.EscalationRule, reason string) (bool, error) {
	first := false
	err := db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO escalation_firings (incident_id, rule_id, fired_at, reason) VALUES (?,?,?,?) ON CONFLICT DO NOTHING`, incidentID, r.ID, ts(db.Now()), reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		first = true
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryDecision, "Escalation rule fired ("+r.Label()+"): "+reason+"."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "escalation_rule.fired", "escalation_rule:"+itoa(r.ID), incidentID, nil)
	})
	return first, err
}
