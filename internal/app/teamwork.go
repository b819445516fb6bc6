package app

import (
	"context"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// SeesTeamWork says whether u sees what the response team adds to an
// incident: the people to notify and their letters, the evidence the team
// attached, scans and the team's timeline entries. Those who see every
// incident, its owner and its participants do; a person who only reported
// it sees what they reported and the incident's status.
func (a *App) SeesTeamWork(ctx context.Context, u *auth.User, inc *incident.Incident) (bool, error) {
	if u.Can(auth.ViewAll) || inc.OwnerID == u.ID {
		return true, nil
	}
	return a.Store.IsParticipant(ctx, inc.ID, u.ID)
}

// errTeamOnly refuses a reporter a part of the team's work.
var errTeamOnly = fault.Errorf(fault.Forbidden, "This part of the incident is for the response team. You can follow your report's status on the incident page.")

// teamOnly returns errTeamOnly when u does not see the team's work on inc.
func (a *App) teamOnly(ctx context.Context, u *auth.User, inc *incident.Incident) error {
	team, err := a.SeesTeamWork(ctx, u, inc)
	if err != nil {
		return err
	}
	if !team {
		return errTeamOnly
	}
	return nil
}

// ownEvidence keeps the evidence u attached.
func ownEvidence(u *auth.User, list []incident.Evidence) []incident.Evidence {
	var own []incident.Evidence
	for _, e := range list {
		if e.UploadedByID == u.ID {
			own = append(own, e)
		}
	}
	return own
}

// ownTimeline keeps the report, the changes of status and u's own entries.
func ownTimeline(u *auth.User, list []incident.Entry) []incident.Entry {
	var out []incident.Entry
	for _, e := range list {
		if e.Kind == incident.EntryReport || e.Kind == incident.EntryState || e.ActorID == u.ID {
			out = append(out, e)
		}
	}
	return out
}

// hideTeamWork leaves out of w what a person who only reported the
// incident does not see.
func (a *App) hideTeamWork(ctx context.Context, u *auth.User, w *Workspace) error {
	team, err := a.SeesTeamWork(ctx, u, w.Inc)
	if err != nil || team {
		return err
	}
	w.Evidence, w.Timeline, w.Scans = ownEvidence(u, w.Evidence), ownTimeline(u, w.Timeline), nil
	return nil
}

// EvidenceList lists the incident's evidence that u may see.
func (a *App) EvidenceList(ctx context.Context, u *auth.User, id int64) ([]incident.Evidence, error) {
	inc, _, err := a.Open(ctx, u, id, auth.ReadAccess)
	if err != nil {
		return nil, err
	}
	list, err := a.Store.EvidenceList(ctx, id)
	if err != nil {
		return nil, err
	}
	if team, err := a.SeesTeamWork(ctx, u, inc); err != nil || team {
		return list, err
	}
	return ownEvidence(u, list), nil
}

// Timeline lists the incident's timeline as far as u may see it.
func (a *App) Timeline(ctx context.Context, u *auth.User, id int64) ([]incident.Entry, error) {
	inc, _, err := a.Open(ctx, u, id, auth.ReadAccess)
	if err != nil {
		return nil, err
	}
	list, err := a.Store.Timeline(ctx, id)
	if err != nil {
		return nil, err
	}
	if team, err := a.SeesTeamWork(ctx, u, inc); err != nil || team {
		return list, err
	}
	return ownTimeline(u, list), nil
}
