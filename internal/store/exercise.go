package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

const exerciseCols = `e.id, e.scenario, e.title, e.started_by, e.started_at, e.advanced_ns, e.revealed, e.ended_at, e.ended_by,
 e.score, e.lessons, COALESCE((SELECT i.id FROM incidents i WHERE i.exercise_id = e.id), 0)`

func scanExercise(s scanner) (*exercise.Exercise, error) {
	var e exercise.Exercise
	var started, score string
	var ended sql.NullString
	var advanced int64
	if err := s.Scan(&e.ID, &e.ScenarioID, &e.Title, &e.StartedBy, &started, &advanced, &e.Revealed, &ended, &e.EndedBy,
		&score, &e.Lessons, &e.IncidentID); err != nil {
		return nil, err
	}
	e.StartedAt, e.EndedAt, e.Advanced = parseTS(started), parseNTS(ended), time.Duration(advanced)
	if score != "" {
		var sc exercise.Score
		if err := json.Unmarshal([]byte(score), &sc); err != nil {
			return nil, err
		}
		e.Score = &sc
	}
	return &e, nil
}

// StartExercise creates the exercise and its incident in one transaction.
func (db *DB) StartExercise(ctx context.Context, by incident.Actor, s *exercise.Scenario, start time.Time) (*exercise.Exercise, error) {
	title, r := s.Incident(start)
	if err := r.Validate(title, db.Now()); err != nil {
		return nil, err
	}
	var id int64
	err := db.tx(ctx, func(tx *Tx) error {
		newID, err := insert(ctx, tx, `INSERT INTO exercises (scenario, title, started_by, started_at) VALUES (?,?,?,?)`, s.ID, s.Title, by.Name, ts(start))
		if err != nil {
			return err
		}
		id = newID
		incID, err := db.insertIncident(ctx, tx, by, title, r, id)
		if err != nil {
			return err
		}
		if err := db.addEntry(ctx, tx, by, incID, incident.EntryState, "Tabletop exercise started from the scenario \""+s.Title+"\". This is not a real breach."); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "exercise.start", "exercise:"+itoa(id), incID, map[string]any{"scenario": s.ID})
	})
	if err != nil {
		return nil, err
	}
	return db.Exercise(ctx, id)
}

// Exercise returns one exercise.
func (db *DB) Exercise(ctx context.Context, id int64) (*exercise.Exercise, error) {
	e, err := scanExercise(db.sql.QueryRowContext(ctx, `SELECT `+exerciseCols+` FROM exercises e WHERE e.id = ?`, id))
	return e, notFound(err, "Exercise %d was not found.", id)
}

// ExerciseOfIncident returns the exercise an incident belongs to.
func (db *DB) ExerciseOfIncident(ctx context.Context, incidentID int64) (*exercise.Exercise, error) {
	e, err := scanExercise(db.sql.QueryRowContext(ctx, `SELECT `+exerciseCols+` FROM exercises e JOIN incidents x ON x.exercise_id = e.id WHERE x.id = ?`, incidentID))
	return e, notFound(err, "Incident %d is not an exercise.", incidentID)
}

// Exercises lists every exercise, newest first.
func (db *DB) Exercises(ctx context.Context) ([]exercise.Exercise, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+exerciseCols+` FROM exercises e ORDER BY e.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exercise.Exercise
	for rows.Next() {
		e, err := scanExercise(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// shiftedTimes are the times an exercise's incident holds, by table and
// the column naming the incident. All move together when the clock does.
var shiftedTimes = []struct {
	table, key string
	cols       []string
}{
	{"incidents", "id", []string{"occurred_at", "discovered_at", "escalated_at", "closed_at", "created_at"}},
	{"incident_steps", "incident_id", []string{"started_at", "done_at"}},
	{"tasks", "incident_id", []string{"done_at", "due_at", "created_at"}},
	{"timeline", "incident_id", []string{"at"}},
	{"obligations", "incident_id", []string{"due_at", "target_at", "done_at"}},
	{"evidence", "incident_id", []string{"uploaded_at"}},
	{"participants", "incident_id", []string{"added_at"}},
	{"review_actions", "incident_id", []string{"due_at", "done_at", "created_at"}},
	{"escalation_firings", "incident_id", []string{"fired_at"}},
}

// shiftIncident moves every time of the incident d into the past. Each
// distinct stored time moves as one (the same time before, the same time
// after), so rows need no key of their own. The table and column names
// are constants above, never input.
func (db *DB) shiftIncident(ctx context.Context, tx *Tx, incidentID int64, d time.Duration) error {
	for _, t := range shiftedTimes {
		for _, c := range t.cols {
			rows, err := tx.QueryContext(ctx, `SELECT DISTINCT `+c+` FROM `+t.table+` WHERE `+t.key+` = ? AND `+c+` IS NOT NULL ORDER BY `+c, incidentID)
			if err != nil {
				return err
			}
			var ats []string
			for rows.Next() {
				var at string
				if err := rows.Scan(&at); err != nil {
					rows.Close()
					return err
				}
				ats = append(ats, at)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			// Oldest first: moving into the past never lands on a time
			// not yet moved.
			for _, at := range ats {
				if _, err := tx.ExecContext(ctx, `UPDATE `+t.table+` SET `+c+` = ? WHERE `+t.key+` = ? AND `+c+` = ?`, ts(parseTS(at).Add(-d)), incidentID, at); err != nil {
					return err
				}
			}
		}
	}
	var facts string
	if err := tx.QueryRowContext(ctx, `SELECT facts FROM incidents WHERE id = ?`, incidentID).Scan(&facts); err != nil {
		return err
	}
	shifted, err := exercise.ShiftFacts(facts, d)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE incidents SET facts = ? WHERE id = ?`, shifted, incidentID)
	return err
}

// SaveAdvance records a move of the exercise clock and the injects it revealed.
func (db *DB) SaveAdvance(ctx context.Context, by incident.Actor, e *exercise.Exercise, d time.Duration, revealed []exercise.Inject) error {
	return db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE exercises SET advanced_ns = ?, revealed = ? WHERE id = ? AND advanced_ns = ? AND revealed = ? AND ended_at IS NULL`,
			int64(e.Advanced), e.Revealed, e.ID, int64(e.Advanced-d), e.Revealed-len(revealed))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.Conflict, "Someone else moved the exercise on at the same time. Reload the page and try again.")
		}
		if d > 0 {
			if err := db.shiftIncident(ctx, tx, e.IncidentID, d); err != nil {
				return err
			}
			if err := db.addEntry(ctx, tx, by, e.IncidentID, incident.EntryState, "Exercise clock moved forward "+incident.Human(d)+"."); err != nil {
				return err
			}
		}
		for _, in := range revealed {
			if err := db.addEntry(ctx, tx, by, e.IncidentID, incident.EntryNote, exercise.InjectText(in)); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, by, "exercise.advance", "exercise:"+itoa(e.ID), e.IncidentID, map[string]any{"by_seconds": int64(d / time.Second), "revealed": e.Revealed})
	})
}

// SaveEnd records the end of an exercise and closes its incident.
func (db *DB) SaveEnd(ctx context.Context, by incident.Actor, e *exercise.Exercise) error {
	score, err := json.Marshal(e.Score)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE exercises SET ended_at = ?, ended_by = ?, score = ?, lessons = ? WHERE id = ? AND ended_at IS NULL`,
			ts(*e.EndedAt), e.EndedBy, string(score), e.Lessons, e.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.Conflict, "This exercise has already ended.")
		}
		now := ts(db.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET status = 'closed', closed_at = ?, close_reason = 'Exercise ended', updated_at = ? WHERE id = ? AND status <> 'closed'`,
			now, now, e.IncidentID); err != nil {
			return err
		}
		text := "Exercise ended with a score of " + itoa(int64(e.Score.Points)) + " out of 100. Lessons: " + e.Lessons
		if err := db.addEntry(ctx, tx, by, e.IncidentID, incident.EntryDecision, text); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "exercise.end", "exercise:"+itoa(e.ID), e.IncidentID, map[string]any{"points": e.Score.Points})
	})
}
