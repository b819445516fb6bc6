package app

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// Open loads an incident for a person and checks they may have the access
// needed. An incident they may not see is reported as not found, so its
// existence is not revealed; one they may read but not change is
// forbidden.
func (a *App) Open(ctx context.Context, u *auth.User, id int64, need auth.Access) (*incident.Incident, auth.Access, error) {
	if id <= 0 {
		return nil, auth.NoAccess, fault.Errorf(fault.NotFound, "That incident was not found.")
	}
	inc, err := a.Store.Incident(ctx, id)
	if err != nil {
		return nil, auth.NoAccess, err
	}
	part := false
	if !u.Can(auth.ViewAll) || !u.Can(auth.WorkIncident) {
		if part, err = a.Store.IsParticipant(ctx, id, u.ID); err != nil {
			return nil, auth.NoAccess, err
		}
	}
	acc := u.IncidentAccess(inc.ReporterID == u.ID, part)
	switch {
	case acc == auth.NoAccess:
		return nil, acc, fault.Errorf(fault.NotFound, "Incident %d was not found.", id)
	case acc < need:
		return nil, acc, fault.Errorf(fault.Forbidden, "You can read %s but not change it. The privacy officer can add you to the response.", inc.Ref())
	}
	return inc, acc, nil
}

// may checks a person's permission, in the words the pages show.
func may(u *auth.User, p auth.Permission) error {
	if !u.Can(p) {
		role := "none"
		if u != nil {
			role = u.Role.Label()
		}
		return fault.Errorf(fault.Forbidden, "Your role (%s) does not allow this. Ask an administrator if you need access.", role)
	}
	return nil
}

// work opens an incident for a change that needs permission p.
func (a *App) work(ctx context.Context, u *auth.User, id int64, p auth.Permission) (*incident.Incident, error) {
	if err := may(u, p); err != nil {
		return nil, err
	}
	inc, _, err := a.Open(ctx, u, id, auth.WorkAccess)
	return inc, err
}

// Visibility restricts lists for people who may not see everything.
func Visibility(u *auth.User) *incident.Visibility {
	if u.Can(auth.ViewAll) {
		return nil
	}
	return &incident.Visibility{UserID: u.ID, ReportsOnly: u.SeesReportsOnly()}
}
