package incident

import (
	"context"
	"time"
)

// DueObligation is a pending obligation whose time is near or past, with
// what a reminder needs of its incident.
type DueObligation struct {
	Obligation
	// OwnerID is the incident's owner; 0 when it has none.
	OwnerID int64
}

// DueStore finds the work whose time has come, for reminders.
type DueStore interface {
	// ObligationsDue returns the pending obligations of open incidents
	// (exercises left out) whose deadline, or target when the law sets
	// none, falls before `before`, soonest first.
	ObligationsDue(ctx context.Context, before time.Time) ([]DueObligation, error)
}
