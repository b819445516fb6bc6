package app

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/org"
)

// SaveSettings changes the organisation's details: its name and
// numbers, sector and industry, the privacy officer and their job title,
// the laws it is subject to, its time zone and how long records are
// kept. The plan's review period is kept as it is. Returns fault.Invalid,
// naming each field, when a setting does not validate.
func (a *App) SaveSettings(ctx context.Context, u *auth.User, o org.Organisation) (org.Organisation, error) {
	if err := may(u, auth.ManageOrg); err != nil {
		return o, err
	}
	cur, err := a.Organisation(ctx)
	if err != nil {
		return o, err
	}
	o.PlanReviewMonths, o.CreatedAt = cur.PlanReviewMonths, cur.CreatedAt
	if err := a.Store.SaveOrganisation(ctx, u.ID, o); err != nil {
		return o, err
	}
	return a.Organisation(ctx)
}
