package app

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
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

// SaveEscalationRule adds a rule that sends incidents to the response
// team (ID 0) or changes one; it applies from the next report, triage or
// assessment, and firings already recorded stay. Returns fault.Forbidden
// for anyone who may not manage the organisation, fault.Invalid for a
// condition not in incident.EscalationKinds or a negative threshold, and
// fault.NotFound for a rule that does not exist.
func (a *App) SaveEscalationRule(ctx context.Context, u *auth.User, r incident.EscalationRule) error {
	if err := may(u, auth.ManageOrg); err != nil {
		return err
	}
	return a.Store.SaveEscalationRule(ctx, actorOf(u), r)
}
