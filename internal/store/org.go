package store

import (
	"context"
	"strings"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

// Organisation returns the organisation, NotFound before setup.
func (db *DB) Organisation(ctx context.Context) (org.Organisation, error) {
	var o org.Organisation
	var laws, created string
	err := db.sql.QueryRowContext(ctx, `SELECT name, contact_name, contact_title, contact_email, contact_phone, nzbn, abn, sector, industry, laws, time_zone,
 retention_years, created_at, plan_review_months FROM organisation WHERE id = 1`).
		Scan(&o.Name, &o.ContactName, &o.ContactTitle, &o.ContactEmail, &o.ContactPhone, &o.NZBN, &o.ABN, &o.Sector, &o.Industry, &laws, &o.TimeZone,
			&o.RetentionYears, &created, &o.PlanReviewMonths)
	o.Laws, o.CreatedAt = splitList(laws), parseTS(created)
	return o, notFound(err, "The organisation has not been set up yet.")
}

// SaveOrganisation creates or replaces the organisation's details.
func (db *DB) SaveOrganisation(ctx context.Context, by int64, o org.Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *Tx) error {
		retention := o.RetentionYears
		if retention == 0 {
			retention = org.DefaultRetentionYears
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO organisation (id, name, contact_name, contact_title, contact_email, contact_phone, nzbn, abn, sector, industry,
 laws, time_zone, retention_years, created_at)
 VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET name=excluded.name, contact_name=excluded.contact_name,
 contact_title=excluded.contact_title, contact_email=excluded.contact_email, contact_phone=excluded.contact_phone, nzbn=excluded.nzbn,
 abn=excluded.abn, sector=excluded.sector, industry=excluded.industry, laws=excluded.laws, time_zone=excluded.time_zone,
 retention_years=excluded.retention_years`,
			o.Name, o.ContactName, o.ContactTitle, strings.TrimSpace(o.ContactEmail), strings.TrimSpace(o.ContactPhone),
			o.NZBN, o.ABN, o.Sector, o.Industry, strings.Join(o.Laws, ","), o.TimeZone, retention, ts(db.Now()))
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, db.actor(ctx, tx, by), "organisation.save", "organisation:1", 0, map[string]any{"laws": o.Laws, "time_zone": o.TimeZone})
	})
}

// SetPlanReviewMonths changes how often the response plan must be
// reviewed or tested.
func (db *DB) SetPlanReviewMonths(ctx context.Context, byID int64, byName string, months int) error {
	if months < 1 || months > 60 {
		return &fault.Error{Code: fault.Invalid, Message: "Choose a review period between 1 and 60 months.", Fields: map[string]string{"months": "Between 1 and 60 months."}}
	}
	return db.tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE organisation SET plan_review_months = ? WHERE id = 1`, months)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.NotFound, "The organisation has not been set up yet.")
		}
		return db.appendAudit(ctx, tx, incident.Actor{UserID: byID, Name: byName}, "plan.review_period", "organisation:1", 0, map[string]any{"months": months})
	})
}
