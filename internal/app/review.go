package app

import (
	"context"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// ReviewNotes are the review's free-text answers.
type ReviewNotes struct {
	WentWell, WentBadly, Lessons string
}

// SaveReview saves what went well and badly and the lessons learned; it
// records nothing when they are as stored. Returns fault.Invalid for an
// answer over 20,000 characters.
func (a *App) SaveReview(ctx context.Context, u *auth.User, id int64, n ReviewNotes) error {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return err
	}
	rv, err := a.Store.Review(ctx, id)
	if err != nil {
		return err
	}
	same := func(a, b string) bool { return strings.TrimSpace(a) == strings.TrimSpace(b) }
	if same(rv.WentWell, n.WentWell) && same(rv.WentBadly, n.WentBadly) && same(rv.Lessons, n.Lessons) {
		return nil
	}
	return a.Store.SaveReviewNotes(ctx, actorOf(u), id, n.WentWell, n.WentBadly, n.Lessons)
}

// AddRootCause records one cause of the breach (there may be several).
// Returns fault.Invalid, naming the field, when it does not validate.
func (a *App) AddRootCause(ctx context.Context, u *auth.User, c incident.RootCause) (incident.RootCause, error) {
	if _, err := a.work(ctx, u, c.IncidentID, auth.WorkIncident); err != nil {
		return c, err
	}
	return a.Store.AddRootCause(ctx, actorOf(u), c)
}

// AddReviewAction records something the review decided to change, with
// its owner and due date. Returns fault.Invalid, naming each field, when
// it does not validate or the owner has no active account.
func (a *App) AddReviewAction(ctx context.Context, u *auth.User, act incident.Action) (incident.Action, error) {
	if _, err := a.work(ctx, u, act.IncidentID, auth.WorkIncident); err != nil {
		return act, err
	}
	if act.OwnerID != 0 {
		p, err := a.Store.User(ctx, act.OwnerID)
		if fault.CodeOf(err) != fault.NotFound && err != nil {
			return act, err
		}
		if err != nil || p.Disabled {
			act.OwnerID = 0 // the action's own validation names the field
		}
	}
	return a.Store.AddAction(ctx, actorOf(u), act)
}

// SetReviewActionDone ticks or reopens a review action. Returns
// fault.NotFound when it is not an action of that incident.
func (a *App) SetReviewActionDone(ctx context.Context, u *auth.User, incID, actionID int64, done bool) (incident.Action, error) {
	if _, err := a.work(ctx, u, incID, auth.WorkIncident); err != nil {
		return incident.Action{}, err
	}
	return a.Store.SetActionDone(ctx, actorOf(u), incID, actionID, done)
}

// Close ends the response. Without override it closes only when the rules
// of incident.Close allow; an administrator may override with a recorded
// reason. Returns fault.Conflict, saying what must happen first, and
// fault.Invalid for an override without a reason.
func (a *App) Close(ctx context.Context, u *auth.User, id int64, reason string, override bool) (*incident.Incident, error) {
	if _, err := a.work(ctx, u, id, auth.CloseIncident); err != nil {
		return nil, err
	}
	if override && !u.Can(auth.OverrideClose) {
		return nil, fault.Errorf(fault.Forbidden, "Only an administrator can close an incident before its review is complete.")
	}
	return a.Store.UpdateIncident(ctx, actorOf(u), id, func(i *incident.Incident) (incident.Change, error) {
		text := "Closed the incident."
		if override {
			text = "Closed the incident before its review was complete (administrator override): " + reason
		}
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.close", Text: text, Details: map[string]any{"override": override}},
			i.Close(reason, override, a.Now())
	})
}

// Reopen reopens a closed incident because new facts arrived. Returns
// fault.Conflict when it is not closed.
func (a *App) Reopen(ctx context.Context, u *auth.User, id int64) (*incident.Incident, error) {
	if _, err := a.work(ctx, u, id, auth.TriageIncident); err != nil {
		return nil, err
	}
	return a.Store.UpdateIncident(ctx, actorOf(u), id, func(i *incident.Incident) (incident.Change, error) {
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.reopen", Text: "Reopened the incident."}, i.ReopenIncident()
	})
}
