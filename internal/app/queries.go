package app

import (
	"context"
	"encoding/json"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/dashboard"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/org"
)

// Workspace is everything the incident page shows, read for one person.
type Workspace struct {
	Inc          *incident.Incident
	Access       auth.Access
	Org          org.Organisation
	Tasks        []incident.Task
	Timeline     []incident.Entry
	Evidence     []incident.Evidence
	Participants []incident.Participant
	Review       incident.ReviewRecord
	Assessments  []incident.Assessment
	Scans        []jobs.Job
	Experts      []incident.Expert
	Escalation   []incident.EscalationRule
	// Users are the active accounts, for choosing owners, assignees and
	// participants; empty for people who cannot choose.
	Users []auth.User
}

// Workspace reads an incident and everything around it for a person who
// may read it. A failed read is an error, never an empty list.
func (a *App) Workspace(ctx context.Context, u *auth.User, id int64) (*Workspace, error) {
	inc, acc, err := a.Open(ctx, u, id, auth.ReadAccess)
	if err != nil {
		return nil, err
	}
	w := &Workspace{Inc: inc, Access: acc}
	steps := []func() error{
		func() (err error) { w.Org, err = a.Organisation(ctx); return },
		func() (err error) { w.Tasks, err = a.Store.Tasks(ctx, id); return },
		func() (err error) { w.Timeline, err = a.Store.Timeline(ctx, id); return },
		func() (err error) { w.Evidence, err = a.Store.EvidenceList(ctx, id); return },
		func() (err error) { w.Participants, err = a.Store.Participants(ctx, id); return },
		func() (err error) { w.Review, err = a.Store.Review(ctx, id); return },
		func() (err error) { w.Assessments, err = a.Store.Assessments(ctx, id); return },
		func() (err error) { w.Scans, err = a.Store.JobsOf(ctx, id); return },
		func() (err error) { w.Experts, err = a.Store.Experts(ctx); return },
		func() (err error) { w.Escalation, err = a.Store.EscalationRules(ctx); return },
	}
	if acc >= auth.WorkAccess {
		steps = append(steps, func() error {
			all, err := a.Store.Users(ctx)
			for _, x := range all {
				if !x.Disabled {
					w.Users = append(w.Users, x)
				}
			}
			return err
		})
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return w, a.hideTeamWork(ctx, u, w)
}

// List returns the incidents a person may see that match f, with the
// total for paging.
func (a *App) List(ctx context.Context, u *auth.User, f incident.Filter) ([]*incident.Incident, int, error) {
	if err := may(u, auth.ViewIncident); err != nil {
		return nil, 0, err
	}
	f.VisibleTo = Visibility(u)
	return a.Store.Incidents(ctx, f)
}

// Dashboard computes the dashboard's figures from every real incident.
func (a *App) Dashboard(ctx context.Context, u *auth.User) (dashboard.Dashboard, error) {
	if err := may(u, auth.ViewAll); err != nil {
		return dashboard.Dashboard{}, err
	}
	var all []*incident.Incident
	for after := ""; ; {
		incs, _, err := a.Store.Incidents(ctx, incident.Filter{Exercises: incident.NoExercises, Limit: 500, After: after})
		if err != nil {
			return dashboard.Dashboard{}, err
		}
		all = append(all, incs...)
		if len(incs) < 500 {
			break
		}
		after = incident.CursorOf(incs[len(incs)-1])
	}
	harms := map[int64]dashboard.Harm{}
	for _, inc := range all {
		if inc.Status == incident.StatusClosed || inc.Facts == "" {
			continue
		}
		as, err := a.Store.Assessments(ctx, inc.ID)
		if err != nil {
			return dashboard.Dashboard{}, err
		}
		if len(as) > 0 {
			var r struct{ Harm dashboard.Harm }
			if json.Unmarshal([]byte(as[0].Result), &r) == nil {
				harms[inc.ID] = r.Harm
			}
		}
	}
	actions, err := a.Store.OpenActions(ctx)
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	d := dashboard.Build(all, actions, harms, a.Now())
	enq, err := a.Store.EnquiryCounts(ctx)
	if err != nil {
		return d, err
	}
	d.Enquiries = dashboard.EnquiryChart(enq, deliver.EnquiryCategories)
	return d, nil
}
