package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

const obligationCols = `id, incident_id, rule_id, regime, audience, recipient, citation, decision, due_at, target_at, due_rule,
 reasons, status, status_reason, reference, done_at, decided_by, manual, updated_at, label`

// scanObligation reads obligationCols, then any extra columns into extra.
func scanObligation(s scanner, extra ...any) (incident.Obligation, error) {
	var o incident.Obligation
	var due, target, done sql.NullString
	var updated string
	err := s.Scan(append([]any{&o.ID, &o.IncidentID, &o.RuleID, &o.Regime, &o.Audience, &o.Recipient, &o.Citation, &o.Decision, &due, &target,
		&o.DueRule, &o.Reasons, &o.Status, &o.StatusReason, &o.Reference, &done, &o.DecidedBy, &o.Manual, &updated, &o.Label}, extra...)...)
	o.DueAt, o.TargetAt, o.DoneAt, o.UpdatedAt = parseNTS(due), parseNTS(target), parseNTS(done), parseTS(updated)
	return o, err
}

// loadObligations attaches each incident's obligations, in a fixed order.
func (db *DB) loadObligations(ctx context.Context, q querier, incs []*incident.Incident) error {
	if len(incs) == 0 {
		return nil
	}
	byID, ph, args := index(incs)
	query := `SELECT ` + obligationCols + ` FROM obligations WHERE incident_id IN (` + ph + `) ORDER BY incident_id, id`
	if len(incs) == 1 {
		// One incident's: a query that stays prepared.
		query = `SELECT ` + obligationCols + ` FROM obligations WHERE incident_id = ? ORDER BY id`
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanObligation(rows)
		if err != nil {
			return err
		}
		inc := byID[o.IncidentID]
		inc.Obligations = append(inc.Obligations, o)
	}
	return rows.Err()
}

func (db *DB) writeObligation(ctx context.Context, tx *Tx, o incident.Obligation) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO obligations (incident_id, rule_id, regime, audience, recipient, citation, decision, due_at,
 target_at, due_rule, reasons, status, status_reason, reference, done_at, decided_by, manual, updated_at, label)
 VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
 ON CONFLICT (incident_id, rule_id) DO UPDATE SET regime=excluded.regime, audience=excluded.audience, recipient=excluded.recipient, label=excluded.label,
 citation=excluded.citation, decision=excluded.decision, due_at=excluded.due_at, target_at=excluded.target_at, due_rule=excluded.due_rule,
 reasons=excluded.reasons, status=excluded.status, status_reason=excluded.status_reason, reference=excluded.reference,
 done_at=excluded.done_at, decided_by=excluded.decided_by, manual=excluded.manual, updated_at=excluded.updated_at`,
		o.IncidentID, o.RuleID, o.Regime, o.Audience, o.Recipient, o.Citation, o.Decision, nts(o.DueAt), nts(o.TargetAt), o.DueRule,
		o.Reasons, o.Status, o.StatusReason, o.Reference, nts(o.DoneAt), o.DecidedBy, o.Manual, ts(db.Now()), o.Label)
	return err
}

// SaveAssessment records an assessment, stores the facts on the incident
// and merges the obligations: new ones are added, existing ones take the
// assessment's view (keeping any status a person set), and those no
// longer proposed (a regime that no longer applies) are marked not
// required rather than deleted, so their history stays.
func (db *DB) SaveAssessment(ctx context.Context, by incident.Actor, a incident.Assessment) error {
	return db.tx(ctx, func(tx *Tx) error {
		inc, err := db.incident(ctx, tx, a.IncidentID)
		if err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO assessments (incident_id, assessed_at, actor_name, rules_version, facts, result, summary) VALUES (?,?,?,?,?,?,?)`,
			a.IncidentID, ts(a.AssessedAt), by.Name, a.RulesVersion, a.Facts, a.Result, a.Summary)
		if err != nil {
			return err
		}
		aid := newID
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET facts = ?, updated_at = ? WHERE id = ?`, a.Facts, ts(db.Now()), a.IncidentID); err != nil {
			return err
		}
		existing := map[string]incident.Obligation{}
		for _, o := range inc.Obligations {
			existing[o.RuleID] = o
		}
		proposed := map[string]bool{}
		for _, n := range a.Obligations {
			proposed[n.RuleID] = true
			o, ok := existing[n.RuleID]
			if !ok {
				o = incident.Obligation{IncidentID: a.IncidentID, RuleID: n.RuleID, Status: incident.ObligationPending}
			}
			o.Assessed(n)
			if err := db.writeObligation(ctx, tx, o); err != nil {
				return err
			}
		}
		for id, o := range existing {
			if !proposed[id] && o.Status == incident.ObligationPending {
				o.Status, o.StatusReason, o.Decision = incident.ObligationNotRequired, "No longer proposed by the latest assessment.", "not_required"
				if err := db.writeObligation(ctx, tx, o); err != nil {
					return err
				}
			}
		}
		if err := db.addEntry(ctx, tx, by, a.IncidentID, incident.EntryDecision, a.Summary); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "incident.assess", "assessment:"+itoa(aid), a.IncidentID,
			map[string]any{"rules_version": a.RulesVersion, "obligations": len(a.Obligations)})
	})
}

// Assessments lists an incident's assessments, newest first.
func (db *DB) Assessments(ctx context.Context, incidentID int64) ([]incident.Assessment, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, incident_id, assessed_at, actor_name, rules_version, facts, result, summary FROM assessments WHERE incident_id = ? ORDER BY id DESC`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.Assessment
	for rows.Next() {
		var a incident.Assessment
		var at string
		if err := rows.Scan(&a.ID, &a.IncidentID, &at, &a.ActorName, &a.RulesVersion, &a.Facts, &a.Result, &a.Summary); err != nil {
			return nil, err
		}
		a.AssessedAt = parseTS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateObligation applies a person's change to one obligation.
func (db *DB) UpdateObligation(ctx context.Context, by incident.Actor, incidentID, obligationID int64, fn func(*incident.Obligation) (incident.Change, error)) (incident.Obligation, error) {
	var o incident.Obligation
	err := db.tx(ctx, func(tx *Tx) error {
		var err error
		o, err = scanObligation(tx.QueryRowContext(ctx, `SELECT `+obligationCols+` FROM obligations WHERE incident_id = ? AND id = ?`, incidentID, obligationID))
		if err != nil {
			return notFound(err, "That obligation was not found on this incident.")
		}
		ch, err := fn(&o)
		if err != nil {
			return err
		}
		if ch.Action == "" {
			return fault.Errorf(fault.Internal, "change without an audit action")
		}
		if err := db.writeObligation(ctx, tx, o); err != nil {
			return err
		}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryDecision, ch.Text); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, ch.Action, "obligation:"+itoa(obligationID), incidentID, ch.Details)
	})
	return o, err
}

// ObligationsDue returns the pending obligations of open, real incidents
// whose deadline (or target) falls before `before`, soonest first.
func (db *DB) ObligationsDue(ctx context.Context, before time.Time) ([]incident.DueObligation, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+obligationCols+`, COALESCE((SELECT owner_id FROM incidents i WHERE i.id = o.incident_id), 0)
 FROM obligations o WHERE status = 'pending' AND COALESCE(due_at, target_at) < ?
 AND incident_id IN (SELECT id FROM incidents WHERE status <> 'closed' AND exercise_id IS NULL)
 ORDER BY COALESCE(due_at, target_at), id`, ts(before))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.DueObligation
	for rows.Next() {
		var d incident.DueObligation
		var err error
		if d.Obligation, err = scanObligation(rows, &d.OwnerID); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
