// Package auth holds who may use breachdesk and what each of them may do:
// accounts and roles, the permission policy (in one place, tested per
// route), password hashing, session and API tokens, and log-in throttling.
package auth

import (
	"time"
)

// Role is what a person does in the organisation's breach response.
type Role string

// The roles, from most to least powerful.
const (
	Admin          Role = "admin"
	PrivacyOfficer Role = "privacy_officer"
	Responder      Role = "responder"
	Viewer         Role = "viewer"
	Reporter       Role = "reporter"
)

// Roles lists the roles for forms and validation.
var Roles = []Role{Admin, PrivacyOfficer, Responder, Viewer, Reporter}

// Label is the role in words.
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Administrator"
	case PrivacyOfficer:
		return "Privacy officer"
	case Responder:
		return "Responder"
	case Viewer:
		return "Viewer"
	case Reporter:
		return "Reporter (staff)"
	}
	return string(r)
}

// ParseRole turns a form value into a Role.
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

// User is a person with an account.
type User struct {
	ID    int64
	Email string
	Name  string
	Role  Role
	// ResponseTeam marks core members of the data breach response team, who
	// join an incident when it is escalated.
	ResponseTeam bool
	// TeamRole is the person's role in the response team (TeamRoles);
	// with ResponseTeam false they are an on-call specialist.
	TeamRole     string
	Disabled     bool
	PasswordHash string
	CreatedAt    time.Time
}
