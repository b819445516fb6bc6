package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/plan"
)

// SavePlan stores a new version of the plan.
func (db *DB) SavePlan(ctx context.Context, byID int64, byName string, v plan.Version) (plan.Version, error) {
	if err := plan.Validate(v.Body); err != nil {
		return v, err
	}
	v.CreatedAt, v.CreatedBy = db.Now(), byName
	err := db.tx(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM plan_versions`).Scan(&v.Version); err != nil {
			return err
		}
		newID, err := insert(ctx, tx, `INSERT INTO plan_versions (version, body, note, created_at, created_by) VALUES (?,?,?,?,?)`, v.Version, v.Body, strings.TrimSpace(v.Note), ts(v.CreatedAt), byName)
		if err != nil {
			return err
		}
		v.ID = newID
		return db.appendAudit(ctx, tx, incident.Actor{UserID: byID, Name: byName}, "plan.save", "plan:"+itoa(int64(v.Version)), 0, nil)
	})
	return v, err
}

// PlanVersions lists the plan's versions, newest first.
func (db *DB) PlanVersions(ctx context.Context) ([]plan.Version, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, version, body, note, created_at, created_by, approved_at, approved_by, recorded_by FROM plan_versions ORDER BY version DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []plan.Version
	for rows.Next() {
		var v plan.Version
		var created string
		var approved sql.NullString
		if err := rows.Scan(&v.ID, &v.Version, &v.Body, &v.Note, &created, &v.CreatedBy, &approved, &v.ApprovedBy, &v.RecordedBy); err != nil {
			return nil, err
		}
		v.CreatedAt, v.ApprovedAt = parseTS(created), parseNTS(approved)
		out = append(out, v)
	}
	return out, rows.Err()
}

// ApprovePlan records that an executive approved a version.
func (db *DB) ApprovePlan(ctx context.Context, byID int64, byName string, version int, approver string) error {
	approver = strings.TrimSpace(approver)
	if approver == "" || len(approver) > 200 {
		return &fault.Error{Code: fault.Invalid, Message: "Name the executive who approved the plan.", Fields: map[string]string{"approver": "Give their name and title, e.g. \"Jo Smith, Chief Executive\"."}}
	}
	return db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE plan_versions SET approved_at = ?, approved_by = ?, recorded_by = ? WHERE version = ? AND approved_at IS NULL`, ts(db.Now()), approver, byName, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.Conflict, "Version %d does not exist or is already approved.", version)
		}
		return db.appendAudit(ctx, tx, incident.Actor{UserID: byID, Name: byName}, "plan.approve", "plan:"+itoa(int64(version)), 0, map[string]any{"approver": approver})
	})
}
