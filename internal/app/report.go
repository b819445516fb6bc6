package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notify"
)

// Report stores what a staff member reports, tells the privacy officer
// and applies the escalation rules. Returns fault.Invalid, naming each
// field, when the report is incomplete; nothing is stored then.
func (a *App) Report(ctx context.Context, u *auth.User, title string, rep incident.Report) (*incident.Incident, error) {
	if err := may(u, auth.ReportIncident); err != nil {
		return nil, err
	}
	inc, err := a.Store.CreateIncident(ctx, actorOf(u), title, rep)
	if err != nil {
		return nil, err
	}
	what := "suspected breach"
	if rep.NearMiss {
		what = "near miss"
	}
	a.tellPrivacyOfficers(ctx, inc, fmt.Sprintf("New %s reported as %s; it needs triage.", what, inc.Ref()))
	a.applyEscalationRules(ctx, inc.ID)
	return a.Store.Incident(ctx, inc.ID)
}

// applyEscalationRules evaluates the configured rules on the incident as
// it now stands: each firing goes on the timeline once, with its reason,
// and the first firing hands the incident to the response team. It runs
// after every report, triage and recorded assessment. Failures are
// logged: they must not undo the change that triggered them.
func (a *App) applyEscalationRules(ctx context.Context, id int64) {
	a.logError("escalation rules", id, a.escalateByRules(ctx, id))
}

func (a *App) escalateByRules(ctx context.Context, id int64) error {
	rules, err := a.Store.EscalationRules(ctx)
	if err != nil {
		return err
	}
	inc, err := a.Store.Incident(ctx, id)
	if err != nil {
		return err
	}
	by := incident.Actor{Name: "breachdesk (escalation rules)"}
	fired := false
	for _, r := range rules {
		if ok, reason := r.Fires(inc); ok {
			first, err := a.Store.RecordFiring(ctx, by, id, r, reason)
			if err != nil {
				return err
			}
			fired = fired || first
		}
	}
	if fired && !inc.Escalated && inc.Status != incident.StatusClosed && inc.Kind != incident.KindNotBreach {
		_, err = a.escalate(ctx, by, id)
	}
	return err
}

// Triage records the privacy officer's classification, severity and
// owner. Returns fault.Invalid when the owner cannot work on incidents or
// the classification is incomplete, and fault.Conflict when the incident
// is closed.
func (a *App) Triage(ctx context.Context, u *auth.User, id int64, t incident.Triage) (*incident.Incident, error) {
	if _, err := a.work(ctx, u, id, auth.TriageIncident); err != nil {
		return nil, err
	}
	ownerName := "nobody yet"
	var owner auth.User
	if t.OwnerID != 0 {
		var err error
		owner, err = a.Store.User(ctx, t.OwnerID)
		if fault.CodeOf(err) != fault.NotFound && err != nil {
			return nil, err
		}
		if err != nil || owner.Disabled || !owner.Can(auth.WorkIncident) {
			return nil, &fault.Error{Code: fault.Invalid, Message: "Choose an owner who can work on incidents.", Fields: map[string]string{"owner_id": "Choose a privacy officer, responder or administrator."}}
		}
		ownerName = owner.Name
	}
	inc, err := a.Store.UpdateIncident(ctx, actorOf(u), id, func(i *incident.Incident) (incident.Change, error) {
		err := i.ApplyTriage(t, a.Now())
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.triage",
			Text:    fmt.Sprintf("Triaged: %s, severity %s, owner %s.", t.Kind.Label(), strings.ToLower(t.Severity.Label()), ownerName),
			Details: map[string]any{"kind": t.Kind, "severity": t.Severity, "owner_id": t.OwnerID}}, err
	})
	if err != nil {
		return nil, err
	}
	a.applyEscalationRules(ctx, id)
	if t.OwnerID != 0 && t.OwnerID != u.ID {
		a.tell(ctx, []notify.Recipient{{UserID: owner.ID, Email: owner.Email}}, inc, "You are the owner of "+inc.Ref()+".")
	}
	return a.Store.Incident(ctx, id)
}

// Escalate hands the incident to the response team at the privacy
// officer's decision: its core members join and are told. Returns
// fault.Conflict when it is closed, not a breach or already escalated.
func (a *App) Escalate(ctx context.Context, u *auth.User, id int64) (*incident.Incident, error) {
	if _, err := a.work(ctx, u, id, auth.TriageIncident); err != nil {
		return nil, err
	}
	return a.escalate(ctx, actorOf(u), id)
}

func (a *App) escalate(ctx context.Context, by incident.Actor, id int64) (*incident.Incident, error) {
	rules, err := a.Store.EscalationRules(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := a.Store.UpdateIncident(ctx, by, id, func(i *incident.Incident) (incident.Change, error) {
		reasons := i.EscalationReasons(rules)
		why := "at the privacy officer's discretion"
		if len(reasons) > 0 {
			why = "because " + strings.Join(reasons, "; ")
		}
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.escalate", Text: "Escalated to the response team " + why + ".",
			Details: map[string]any{"criteria": len(reasons)}}, i.Escalate(a.Now())
	})
	if err != nil {
		return nil, err
	}
	users, err := a.Store.Users(ctx)
	if err != nil {
		return inc, err
	}
	var ps []incident.Participant
	var to []notify.Recipient
	for _, u := range users {
		if u.ResponseTeam && !u.Disabled && u.ID != by.UserID {
			ps = append(ps, incident.Participant{UserID: u.ID, Name: u.Name, Role: TeamRoleOf(u)})
			to = append(to, notify.Recipient{UserID: u.ID, Email: u.Email})
		}
	}
	if err := a.Store.AddParticipants(ctx, by, id, ps); err != nil {
		return inc, err
	}
	a.tell(ctx, to, inc, inc.Ref()+" was escalated to the response team.")
	return inc, nil
}

// AddParticipant brings a person into an incident's response, e.g. an
// on-call specialist, so they can see and work it, and tells them.
// Returns fault.Invalid when they have no active account.
func (a *App) AddParticipant(ctx context.Context, u *auth.User, id, userID int64) (auth.User, error) {
	inc, err := a.work(ctx, u, id, auth.TriageIncident)
	if err != nil {
		return auth.User{}, err
	}
	p, err := a.Store.User(ctx, userID)
	if fault.CodeOf(err) != fault.NotFound && err != nil {
		return p, err
	}
	if err != nil || p.Disabled {
		return p, &fault.Error{Code: fault.Invalid, Message: "Choose a person with an active account.", Fields: map[string]string{"user_id": "Choose someone from the list."}}
	}
	if err := a.Store.AddParticipants(ctx, actorOf(u), id, []incident.Participant{{UserID: p.ID, Name: p.Name, Role: TeamRoleOf(p)}}); err != nil {
		return p, err
	}
	a.tell(ctx, []notify.Recipient{{UserID: p.ID, Email: p.Email}}, inc, "You were added to the response to "+inc.Ref()+".")
	return p, nil
}

// TeamRoleOf is how a person takes part in a response: their team role,
// else their role in breachdesk.
func TeamRoleOf(u auth.User) string {
	if l := auth.TeamRoleLabel(u.TeamRole); l != "" {
		return l
	}
	return "response team (" + u.Role.Label() + ")"
}
