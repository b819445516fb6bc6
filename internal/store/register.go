package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/register"
)

// ImportEntry stores one register entry as a historic incident: its
// report, classification and dates, the containment date, its
// notifications as obligations, its root causes and lessons, all in one
// transaction, recorded on the timeline and in the audit log.
func (db *DB) ImportEntry(ctx context.Context, by incident.Actor, e register.Entry) (int64, error) {
	r := incident.Report{WhatHappened: e.WhatHappened, OccurredAt: e.OccurredAt, DiscoveredAt: e.DiscoveredAt, Ongoing: "unknown",
		DataCategories: e.Categories, PeopleCount: e.PeopleCount, Cause: e.Cause, Recipient: e.Recipient, WhereItWent: e.WhereItWent, ActionsTaken: e.RemedialAction}
	if err := r.Validate(e.Title, db.Now()); err != nil {
		return 0, err
	}
	var id int64
	err := db.tx(ctx, func(tx *Tx) error {
		newID, err := insert(ctx, tx, `INSERT INTO incidents (title, kind, status, triaged, severity, near_miss, what_happened, occurred_at, discovered_at,
 ongoing, data_categories, people_count, cause, where_it_went, recipient, actions_taken, reporter_id, closed_at, close_reason, created_at, updated_at)
 VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			strings.TrimSpace(e.Title), e.Kind, e.Status, e.Status != string(incident.StatusReported), e.Severity, e.Kind == string(incident.KindNearMiss),
			r.WhatHappened, nts(r.OccurredAt), ts(r.DiscoveredAt), r.Ongoing, strings.Join(r.DataCategories, ","), peopleArg(r.PeopleCount), r.Cause,
			r.WhereItWent, r.Recipient, r.ActionsTaken, by.UserID, nts(e.ClosedAt), e.CloseReason, ts(e.ReportedAt), ts(db.Now()))
		if err != nil {
			return err
		}
		id = newID
		for _, st := range incident.AllSteps {
			state, done := incident.StepPending, any(nil)
			if st == incident.Contain && e.ContainedAt != nil {
				state, done = incident.StepDone, ts(*e.ContainedAt)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO incident_steps (incident_id, step, state, started_at, done_at) VALUES (?,?,?,?,?)`, id, st, state, done, done); err != nil {
				return err
			}
		}
		for i, n := range e.Notifications {
			o := incident.Obligation{IncidentID: id, RuleID: "imported." + itoa(int64(i+1)), Regime: n.Regime, Audience: n.Audience, Citation: "imported",
				Decision: n.Decision, Status: incident.ObligationStatus(n.Status), DoneAt: n.DoneAt, Reference: n.Reference, StatusReason: n.Reason, Manual: true}
			if err := db.writeObligation(ctx, tx, o); err != nil {
				return err
			}
		}
		for _, c := range e.RootCauses {
			if _, err := tx.ExecContext(ctx, `INSERT INTO root_causes (incident_id, category, description, created_at) VALUES (?,?,?,?)`, id, c.Category, c.Description, ts(db.Now())); err != nil {
				return err
			}
		}
		if e.Effects != "" {
			result, _ := json.Marshal(map[string]string{"imported_effects": e.Effects})
			if _, err := tx.ExecContext(ctx, `INSERT INTO assessments (incident_id, assessed_at, actor_name, rules_version, facts, result, summary) VALUES (?,?,?,?,?,?,?)`,
				id, ts(db.Now()), by.Name, "imported", "{}", string(result), "Imported from a breach register."); err != nil {
				return err
			}
		}
		if e.Lessons != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (incident_id, lessons, updated_at) VALUES (?,?,?)`, id, e.Lessons, ts(db.Now())); err != nil {
				return err
			}
		}
		if err := db.addEntry(ctx, tx, by, id, incident.EntryReport, "Imported from a breach register (was "+e.Ref+")."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "register.import", "incident:"+itoa(id), id, map[string]any{"ref": e.Ref})
	})
	return id, err
}
