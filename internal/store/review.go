package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Review returns an incident's review, empty before anything is written.
func (db *DB) Review(ctx context.Context, incidentID int64) (incident.ReviewRecord, error) {
	r := incident.ReviewRecord{IncidentID: incidentID}
	var updated sql.NullString
	err := db.sql.QueryRowContext(ctx, `SELECT went_well, went_badly, lessons, updated_at FROM reviews WHERE incident_id = ?`, incidentID).
		Scan(&r.WentWell, &r.WentBadly, &r.Lessons, &updated)
	if err != nil && err != sql.ErrNoRows {
		return r, err
	}
	r.UpdatedAt = parseNTS(updated)
	rows, err := db.sql.QueryContext(ctx, `SELECT id, incident_id, category, description, created_at FROM root_causes WHERE incident_id = ? ORDER BY id`, incidentID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var c incident.RootCause
		var at string
		if err := rows.Scan(&c.ID, &c.IncidentID, &c.Category, &c.Description, &at); err != nil {
			return r, err
		}
		c.CreatedAt = parseTS(at)
		r.RootCauses = append(r.RootCauses, c)
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	r.Actions, err = db.actions(ctx, `WHERE a.incident_id = ? ORDER BY a.id`, incidentID)
	return r, err
}

// SaveReviewNotes saves what went well and badly and the lessons.
func (db *DB) SaveReviewNotes(ctx context.Context, by incident.Actor, incidentID int64, wentWell, wentBadly, lessons string) error {
	for _, s := range []string{wentWell, wentBadly, lessons} {
		if len(s) > 20000 {
			return fault.Errorf(fault.Invalid, "Keep each answer under 20,000 characters.")
		}
	}
	return db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, incidentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (incident_id, went_well, went_badly, lessons, updated_at) VALUES (?,?,?,?,?)
 ON CONFLICT (incident_id) DO UPDATE SET went_well=excluded.went_well, went_badly=excluded.went_badly, lessons=excluded.lessons, updated_at=excluded.updated_at`,
			incidentID, strings.TrimSpace(wentWell), strings.TrimSpace(wentBadly), strings.TrimSpace(lessons), ts(db.Now())); err != nil {
			return err
		}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryNote, "Updated the review: what went well and badly, and the lessons learned."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "review.notes", "incident:"+itoa(incidentID), incidentID, nil)
	})
}

// AddRootCause records one cause.
func (db *DB) AddRootCause(ctx context.Context, by incident.Actor, c incident.RootCause) (incident.RootCause, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	c.CreatedAt = db.Now()
	err := db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, c.IncidentID); err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO root_causes (incident_id, category, description, created_at) VALUES (?,?,?,?)`, c.IncidentID, c.Category, c.Description, ts(c.CreatedAt))
		if err != nil {
			return err
		}
		c.ID = newID
		if err := db.addEntry(ctx, tx, by, c.IncidentID, incident.EntryDecision, "Root cause ("+incident.LabelOf(incident.CauseCategories, c.Category)+"): "+c.Description); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "review.root_cause", "root_cause:"+itoa(c.ID), c.IncidentID, map[string]any{"category": c.Category})
	})
	return c, err
}

// AddAction records an action decided in review.
func (db *DB) AddAction(ctx context.Context, by incident.Actor, a incident.Action) (incident.Action, error) {
	if err := a.Validate(); err != nil {
		return a, err
	}
	a.CreatedAt = db.Now()
	err := db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, a.IncidentID); err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO review_actions (incident_id, title, owner_id, due_at, link, created_at) VALUES (?,?,?,?,?,?)`,
			a.IncidentID, a.Title, a.OwnerID, nts(a.DueAt), a.Link, ts(a.CreatedAt))
		if err != nil {
			return err
		}
		a.ID = newID
		if err := db.addEntry(ctx, tx, by, a.IncidentID, incident.EntryTask, "Review action: "+a.Title); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "review.action_add", "action:"+itoa(a.ID), a.IncidentID, map[string]any{"owner_id": a.OwnerID})
	})
	return a, err
}

// SetActionDone ticks or reopens an action.
func (db *DB) SetActionDone(ctx context.Context, by incident.Actor, incidentID, actionID int64, done bool) (incident.Action, error) {
	var a incident.Action
	err := db.tx(ctx, func(tx *Tx) error {
		var doneAt any
		if done {
			doneAt = ts(db.Now())
		}
		res, err := tx.ExecContext(ctx, `UPDATE review_actions SET done = ?, done_at = ? WHERE id = ? AND incident_id = ?`, done, doneAt, actionID, incidentID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.NotFound, "That action was not found on this incident.")
		}
		verb := "Done"
		if !done {
			verb = "Reopened"
		}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryTask, verb+" review action "+itoa(actionID)+"."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "review.action_done", "action:"+itoa(actionID), incidentID, map[string]any{"done": done})
	})
	if err != nil {
		return a, err
	}
	as, err := db.actions(ctx, `WHERE a.id = ?`, actionID)
	if err == nil && len(as) == 1 {
		a = as[0]
	}
	return a, err
}

// OpenActions lists actions not done, oldest due first, leaving out
// those of exercises, which never count in the statistics.
func (db *DB) OpenActions(ctx context.Context) ([]incident.Action, error) {
	return db.actions(ctx, `WHERE a.done = FALSE AND `+notExercise("a.incident_id")+` ORDER BY a.due_at, a.id`)
}

func (db *DB) actions(ctx context.Context, where string, args ...any) ([]incident.Action, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT a.id, a.incident_id, a.title, a.owner_id, COALESCE(u.name, ''), a.due_at, a.link, a.done, a.done_at, a.created_at
 FROM review_actions a LEFT JOIN users u ON u.id = a.owner_id `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incident.Action
	for rows.Next() {
		var a incident.Action
		var due, done sql.NullString
		var created string
		if err := rows.Scan(&a.ID, &a.IncidentID, &a.Title, &a.OwnerID, &a.OwnerName, &due, &a.Link, &a.Done, &done, &created); err != nil {
			return nil, err
		}
		a.DueAt, a.DoneAt, a.CreatedAt = parseNTS(due), parseNTS(done), parseTS(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReviewedSince lists the reviews with lessons or actions written after
// since, newest first, leaving out exercises.
func (db *DB) ReviewedSince(ctx context.Context, since time.Time) ([]incident.ReviewRecord, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT r.incident_id, r.went_well, r.went_badly, r.lessons, r.updated_at FROM reviews r
 WHERE r.updated_at > ? AND `+notExercise("r.incident_id")+` AND (r.lessons <> '' OR EXISTS (SELECT 1 FROM review_actions a WHERE a.incident_id = r.incident_id))
 ORDER BY r.updated_at DESC`, ts(since))
	if err != nil {
		return nil, err
	}
	var out []incident.ReviewRecord
	for rows.Next() {
		var r incident.ReviewRecord
		var at string
		if err := rows.Scan(&r.IncidentID, &r.WentWell, &r.WentBadly, &r.Lessons, &at); err != nil {
			rows.Close()
			return nil, err
		}
		when := parseTS(at)
		r.UpdatedAt = &when
		out = append(out, r)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Actions, err = db.actions(ctx, `WHERE a.incident_id = ? ORDER BY a.id`, out[i].IncidentID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
