package store

import (
	"context"
	"database/sql"

	"github.com/breachdesk/breachdesk/internal/notify"
)

// Notify leaves an in-app message for each user.
func (db *DB) Notify(ctx context.Context, userIDs []int64, incidentID int64, text string) error {
	return db.tx(ctx, func(tx *Tx) error {
		for _, id := range userIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, incident_id, text, created_at) VALUES (?,?,?,?)`, id, nullID(incidentID), text, ts(db.Now())); err != nil {
				return err
			}
		}
		return nil
	})
}

// Notifications returns a user's latest messages, unread first.
func (db *DB) Notifications(ctx context.Context, userID int64) ([]notify.Message, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, COALESCE(incident_id, 0), text, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY read_at IS NOT NULL, id DESC LIMIT 100`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Message
	for rows.Next() {
		var m notify.Message
		var created string
		var read sql.NullString
		if err := rows.Scan(&m.ID, &m.IncidentID, &m.Text, &created, &read); err != nil {
			return nil, err
		}
		m.CreatedAt, m.ReadAt = parseTS(created), parseNTS(read)
		out = append(out, m)
	}
	return out, rows.Err()
}

// UnreadCount counts a user's unread messages, for the badge in the menu.
func (db *DB) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	return n, err
}

// MarkRead marks all of a user's messages read.
func (db *DB) MarkRead(ctx context.Context, userID int64) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, ts(db.Now()), userID)
	return err
}
