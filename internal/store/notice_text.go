package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// NoticeText returns an incident's notice text, empty before one is
// written.
func (db *DB) NoticeText(ctx context.Context, incidentID int64) (notice.Text, error) {
	var t notice.Text
	var steps, advice, at string
	err := db.sql.QueryRowContext(ctx, `SELECT what_happened, steps, advice, updated_at, updated_by FROM notice_text WHERE incident_id = ?`, incidentID).
		Scan(&t.WhatHappened, &steps, &advice, &at, &t.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	t.Steps, t.Advice = lines(steps), lines(advice)
	when := parseTS(at)
	t.UpdatedAt = &when
	return t, nil
}

// SaveNoticeText stores an incident's notice text with its records.
func (db *DB) SaveNoticeText(ctx context.Context, by incident.Actor, incidentID int64, t notice.Text) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, incidentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notice_text (incident_id, what_happened, steps, advice, updated_at, updated_by) VALUES (?,?,?,?,?,?)
 ON CONFLICT (incident_id) DO UPDATE SET what_happened=excluded.what_happened, steps=excluded.steps, advice=excluded.advice,
 updated_at=excluded.updated_at, updated_by=excluded.updated_by`,
			incidentID, t.WhatHappened, strings.Join(t.Steps, "\n"), strings.Join(t.Advice, "\n"), ts(db.Now()), by.Name); err != nil {
			return err
		}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryNote, "Edited the text of the incident's notices (what happened, the steps taken, the advice)."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "notice.text", "incident:"+itoa(incidentID), incidentID, nil)
	})
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
