package store

import (
	"context"
	"strings"

	"github.com/breachdesk/breachdesk/internal/incident"
)

func (db *DB) addEntry(ctx context.Context, tx *Tx, by incident.Actor, incidentID int64, kind incident.TimelineKind, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO timeline (incident_id, at, kind, actor_id, actor_name, text) VALUES (?,?,?,?,?,?)`,
		incidentID, ts(db.Now()), kind, nullID(by.UserID), by.Name, text)
	return err
}

// Timeline returns an incident's entries, oldest first.
func (db *DB) Timeline(ctx context.Context, incidentID int64) ([]incident.Entry, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, incident_id, at, kind, COALESCE(actor_id, 0), actor_name, text FROM timeline WHERE incident_id = ? ORDER BY at, id`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.Entry
	for rows.Next() {
		var e incident.Entry
		var at string
		if err := rows.Scan(&e.ID, &e.IncidentID, &at, &e.Kind, &e.ActorID, &e.ActorName, &e.Text); err != nil {
			return nil, err
		}
		e.At = parseTS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddNote adds a note or decision to the timeline.
func (db *DB) AddNote(ctx context.Context, by incident.Actor, incidentID int64, kind incident.TimelineKind, text string) (incident.Entry, error) {
	if err := incident.ValidateNote(text); err != nil {
		return incident.Entry{}, err
	}
	text = strings.TrimSpace(text)
	var e incident.Entry
	err := db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, incidentID); err != nil {
			return err
		}
		if err := db.addEntry(ctx, tx, by, incidentID, kind, text); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM timeline WHERE incident_id = ?`, incidentID).Scan(&e.ID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "timeline."+string(kind), "timeline:"+itoa(e.ID), incidentID, nil)
	})
	e.IncidentID, e.Kind, e.ActorID, e.ActorName, e.Text, e.At = incidentID, kind, by.UserID, by.Name, text, db.Now()
	return e, err
}

// Participants returns the people taking part in an incident's response.
func (db *DB) Participants(ctx context.Context, incidentID int64) ([]incident.Participant, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT p.user_id, u.name, p.role FROM participants p JOIN users u ON u.id = p.user_id WHERE p.incident_id = ? ORDER BY u.name`, incidentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.Participant
	for rows.Next() {
		var p incident.Participant
		if err := rows.Scan(&p.UserID, &p.Name, &p.Role); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddParticipants adds people to an incident, ignoring those already in it.
func (db *DB) AddParticipants(ctx context.Context, by incident.Actor, incidentID int64, ps []incident.Participant) error {
	return db.tx(ctx, func(tx *Tx) error {
		for _, p := range ps {
			res, err := tx.ExecContext(ctx, `INSERT INTO participants (incident_id, user_id, role, added_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING`, incidentID, p.UserID, p.Role, ts(db.Now()))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryState, "Added "+p.Name+" to the response ("+p.Role+")."); err != nil {
				return err
			}
			if err := db.appendAudit(ctx, tx, by, "incident.participant_add", "user:"+itoa(p.UserID), incidentID, map[string]any{"role": p.Role}); err != nil {
				return err
			}
		}
		return nil
	})
}

// IsParticipant says whether the user reported, owns or takes part in it.
func (db *DB) IsParticipant(ctx context.Context, incidentID, userID int64) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents i WHERE i.id = ? AND (i.owner_id = ? OR EXISTS (SELECT 1 FROM participants p WHERE p.incident_id = i.id AND p.user_id = ?))`, incidentID, userID, userID).Scan(&n)
	return n > 0, err
}
