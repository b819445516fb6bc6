package app

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/org"
)

// SetUp is first-run setup: the organisation's details and its first
// administrator, whose password is checked for strength. Returns
// fault.Conflict once any account exists, and fault.Invalid naming each
// field that does not validate (SetUpProblems).
func (a *App) SetUp(ctx context.Context, o org.Organisation, admin auth.User, password string) (auth.User, error) {
	if n, err := a.Store.CountUsers(ctx); err != nil {
		return auth.User{}, err
	} else if n > 0 {
		return auth.User{}, fault.Errorf(fault.Conflict, "breachdesk is already set up. Sign in instead.")
	}
	if err := SetUpProblems(o, admin, password).Err(); err != nil {
		return auth.User{}, err
	}
	admin.Role, admin.ResponseTeam = auth.Admin, true
	u, err := a.AddUser(ctx, System, admin, password)
	if err != nil {
		if fe := fault.FieldsOf(err); fe != nil {
			named := fault.Fields{}
			for k, v := range fe {
				named.Add("admin_"+k, v)
			}
			return u, named.Err()
		}
		return u, err
	}
	return u, a.Store.SaveOrganisation(ctx, u.ID, o)
}

// SetUpProblems are what is wrong with first-run setup's answers, by
// field: the organisation's by their names, the administrator's password
// as admin_password. A form adds its own (a confirmation that differs)
// and calls SetUp only when there are none.
func SetUpProblems(o org.Organisation, admin auth.User, password string) fault.Fields {
	errs := fault.Fields{}
	if err := o.Validate(); err != nil {
		for k, v := range fault.FieldsOf(err) {
			errs.Add(k, v)
		}
	}
	if err := auth.CheckPasswordStrength(password, admin.Email); err != nil {
		errs.Add("admin_password", fault.FieldsOf(err)["password"])
	}
	return errs
}

// AddUser creates an account with the password given, after checking
// its strength. by is the administrator adding it (System for the command
// line and the demo). Returns fault.Forbidden for anyone who may not
// manage users and fault.Invalid, naming the field, for a weak password
// or an address already in use.
func (a *App) AddUser(ctx context.Context, by *auth.User, u auth.User, password string) (auth.User, error) {
	if err := may(by, auth.ManageUsers); err != nil {
		return u, err
	}
	if err := auth.CheckPasswordStrength(password, u.Email); err != nil {
		return u, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return u, err
	}
	u.PasswordHash = hash
	return a.Store.CreateUser(ctx, by.ID, u)
}

// UpdateUser changes an account's role, team membership and whether it
// is disabled, and its password when one is given (checked for
// strength); a new password or disabling ends the person's sessions and
// revokes their API tokens. An administrator cannot disable themselves
// or give up their own role (fault.Conflict): another must do it, so
// there is always one left.
func (a *App) UpdateUser(ctx context.Context, by *auth.User, u auth.User, password string) error {
	if err := may(by, auth.ManageUsers); err != nil {
		return err
	}
	if u.ID == by.ID && (u.Disabled || u.Role != auth.Admin) {
		return fault.Errorf(fault.Conflict, "You cannot disable yourself or remove your own administrator role; ask another administrator.")
	}
	if password != "" {
		if err := auth.CheckPasswordStrength(password, u.Email); err != nil {
			return err
		}
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
	}
	return a.Store.UpdateUser(ctx, by.ID, u)
}
