package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

const taskCols = `t.id, t.incident_id, t.step, t.title, t.done, t.done_at, t.done_by, COALESCE(t.assignee_id, 0),
 COALESCE(u.name, ''), t.due_at, t.position, t.created_at, t.not_applicable`

func scanTask(s scanner) (incident.Task, error) {
	var t incident.Task
	var doneAt, dueAt sql.NullString
	var created string
	err := s.Scan(&t.ID, &t.IncidentID, &t.Step, &t.Title, &t.Done, &doneAt, &t.DoneBy, &t.AssigneeID, &t.AssigneeName, &dueAt, &t.Position, &created, &t.NotApplicable)
	t.DoneAt, t.DueAt, t.CreatedAt = parseNTS(doneAt), parseNTS(dueAt), parseTS(created)
	return t, err
}

// Tasks returns an incident's tasks in step and checklist order.
func (db *DB) Tasks(ctx context.Context, incidentID int64) ([]incident.Task, error) {
	return queryAll(ctx, db.sql, scanTask, `SELECT `+taskCols+` FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id
 WHERE t.incident_id = ? ORDER BY CASE t.step WHEN 'contain' THEN 0 WHEN 'assess' THEN 1 WHEN 'notify' THEN 2 ELSE 3 END, t.position, t.id`, incidentID)
}

// OpenTasks returns the assigned or due tasks of the incidents that are
// still to do, soonest due first (those without a due time last).
func (db *DB) OpenTasks(ctx context.Context, incidentIDs []int64) ([]incident.Task, error) {
	if len(incidentIDs) == 0 {
		return nil, nil
	}
	ph, args := joinIDs(incidentIDs)
	return queryAll(ctx, db.sql, scanTask, `SELECT `+taskCols+` FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id
 WHERE t.incident_id IN (`+ph+`) AND t.done = FALSE AND t.not_applicable = '' AND (t.assignee_id IS NOT NULL OR t.due_at IS NOT NULL)
 ORDER BY CASE WHEN t.due_at IS NULL THEN 1 ELSE 0 END, t.due_at, t.id`, args...)
}

// queryAll runs a query and scans each row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (db *DB) task(ctx context.Context, q querier, incidentID, taskID int64) (incident.Task, error) {
	t, err := scanTask(q.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id WHERE t.incident_id = ? AND t.id = ?`, incidentID, taskID))
	return t, notFound(err, "Task %d was not found on this incident.", taskID)
}

// AddTask adds a task at the end of its step's checklist.
func (db *DB) AddTask(ctx context.Context, by incident.Actor, t incident.Task) (incident.Task, error) {
	if err := incident.ValidateTitle(t.Title); err != nil {
		return t, err
	}
	if _, ok := incident.ParseStep(string(t.Step)); !ok {
		return t, &fault.Error{Code: fault.Invalid, Message: "Choose the step the task belongs to.", Fields: map[string]string{"step": "Choose contain, assess, notify or review."}}
	}
	var id int64
	err := db.tx(ctx, func(tx *Tx) error {
		if _, err := db.incident(ctx, tx, t.IncidentID); err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO tasks (incident_id, step, title, assignee_id, due_at, position, created_at)
 VALUES (?,?,?,?,?,(SELECT COALESCE(MAX(position),0)+1 FROM tasks WHERE incident_id = ? AND step = ?),?)`,
			t.IncidentID, t.Step, strings.TrimSpace(t.Title), nullID(t.AssigneeID), nts(t.DueAt), t.IncidentID, t.Step, ts(db.Now()))
		if err != nil {
			return err
		}
		id = newID
		if err := db.addEntry(ctx, tx, by, t.IncidentID, incident.EntryTask, "Added task to "+t.Step.Label()+": "+strings.TrimSpace(t.Title)); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, "task.add", "task:"+itoa(id), t.IncidentID, map[string]any{"step": t.Step})
	})
	if err != nil {
		return t, err
	}
	return db.task(ctx, db.sql, t.IncidentID, id)
}

// UpdateTask applies fn to a task and saves it with its records.
func (db *DB) UpdateTask(ctx context.Context, by incident.Actor, incidentID, taskID int64, fn func(*incident.Task) (incident.Change, error)) (incident.Task, error) {
	err := db.tx(ctx, func(tx *Tx) error {
		t, err := db.task(ctx, tx, incidentID, taskID)
		if err != nil {
			return err
		}
		ch, err := fn(&t)
		if err != nil {
			return err
		}
		if err := incident.ValidateTitle(t.Title); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET title=?, done=?, done_at=?, done_by=?, assignee_id=?, due_at=?, not_applicable=? WHERE id=? AND incident_id=?`,
			strings.TrimSpace(t.Title), t.Done, nts(t.DoneAt), t.DoneBy, nullID(t.AssigneeID), nts(t.DueAt), t.NotApplicable, taskID, incidentID); err != nil {
			return err
		}
		if err := db.addEntry(ctx, tx, by, incidentID, incident.EntryTask, ch.Text); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, by, ch.Action, "task:"+itoa(taskID), incidentID, ch.Details)
	})
	if err != nil {
		return incident.Task{}, err
	}
	return db.task(ctx, db.sql, incidentID, taskID)
}
