package store

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// Counts returns open incidents by kind and the state of obligations and
// review actions, leaving out exercises.
func (db *DB) Counts(ctx context.Context, now time.Time) (incident.Counts, error) {
	c := incident.Counts{OpenIncidents: map[incident.Kind]int{}}
	rows, err := db.sql.QueryContext(ctx, `SELECT kind, COUNT(*) FROM incidents WHERE status <> 'closed' AND exercise_id IS NULL GROUP BY kind`)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var k incident.Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return c, err
		}
		c.OpenIncidents[k] = n
	}
	rows.Close()
	t, real := ts(now), notExercise("incident_id")
	err = db.sql.QueryRowContext(ctx, `SELECT
 (SELECT COUNT(*) FROM obligations WHERE status = 'pending' AND `+real+`),
 (SELECT COUNT(*) FROM obligations WHERE status = 'pending' AND COALESCE(due_at, target_at) <= ? AND `+real+`),
 (SELECT COUNT(*) FROM review_actions WHERE done = FALSE AND `+real+`),
 (SELECT COUNT(*) FROM review_actions WHERE done = FALSE AND due_at <= ? AND `+real+`)`, t, t).
		Scan(&c.PendingObligations, &c.OverdueObligations, &c.OpenActions, &c.OverdueActions)
	return c, err
}

// notExercise is an SQL condition that the incident in column col is not
// part of an exercise. col is a constant of the caller, never input.
func notExercise(col string) string {
	return col + " NOT IN (SELECT id FROM incidents WHERE exercise_id IS NOT NULL)"
}
