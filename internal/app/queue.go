package app

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// WorkKind is the sort of thing to do in the work queue.
type WorkKind string

// The kinds of work.
const (
	WorkTriage     WorkKind = "triage"     // classify a new report
	WorkDeadline   WorkKind = "deadline"   // a clock of the law, before the assessment
	WorkObligation WorkKind = "obligation" // an obligation the assessment found
	WorkTask       WorkKind = "task"       // a task of a step's checklist
	WorkAction     WorkKind = "action"     // an action decided in review
	WorkOwned      WorkKind = "owned"      // an incident the person owns
)

// WorkItem is one thing to do, with what it belongs to, so a page can
// link to the place where it is done.
type WorkItem struct {
	Kind WorkKind
	Inc  *incident.Incident
	Text string
	// Due is when it must be done; nil when no time is set.
	Due *time.Time
	// Mine says it is the person's own: assigned to them, owned by them,
	// or a report they are to triage.
	Mine bool
	// Step is where a task or an incident's work stands.
	Step incident.Step
	// ID is the task's, obligation's or action's id.
	ID int64
}

// Overdue says whether the item is past its time at now.
func (w WorkItem) Overdue(now time.Time) bool { return w.Due != nil && now.After(*w.Due) }

// WorkQueue is a person's work across incidents: what is overdue, what is
// due in the next 24 hours, and what else is theirs. Each item is listed
// once, in the most urgent list it belongs to.
type WorkQueue struct {
	Overdue, Soon, Mine []WorkItem
	// Reports are the person's own reports, for staff who report.
	Reports []*incident.Incident
}

// Queue gathers the work of the incidents a person may see.
func (a *App) Queue(ctx context.Context, u *auth.User) (WorkQueue, error) {
	var q WorkQueue
	if err := may(u, auth.ViewIncident); err != nil {
		return q, err
	}
	if u.SeesReportsOnly() {
		mine, _, err := a.List(ctx, u, incident.Filter{Limit: 50})
		q.Reports = mine
		return q, err
	}
	now := a.Now()
	o, err := a.Organisation(ctx)
	if err != nil {
		return q, err
	}
	var open []*incident.Incident
	for _, st := range []incident.Status{incident.StatusReported, incident.StatusOpen} {
		for offset := 0; ; offset += 500 {
			incs, total, err := a.List(ctx, u, incident.Filter{Status: st, Limit: 500, Offset: offset})
			if err != nil {
				return q, err
			}
			open = append(open, incs...)
			if offset+500 >= total {
				break
			}
		}
	}
	var items []WorkItem
	byID := map[int64]*incident.Incident{}
	ids := make([]int64, 0, len(open))
	for _, inc := range open {
		byID[inc.ID], ids = inc, append(ids, inc.ID)
		owned := inc.OwnerID == u.ID
		if !inc.Triaged {
			if u.Can(auth.TriageIncident) {
				items = append(items, WorkItem{Kind: WorkTriage, Inc: inc, Text: "Triage the report", Due: earliest(inc, o.Laws), Mine: true})
			}
			continue
		}
		if len(inc.Obligations) > 0 {
			for _, ob := range inc.Obligations {
				if ob.Open() {
					items = append(items, WorkItem{Kind: WorkObligation, Inc: inc, ID: ob.ID, Due: ob.Deadline(), Mine: owned,
						Text: incident.RegimeLabel(ob.Regime) + ": " + strings.ToLower(ob.AudienceLabel()), Step: incident.Notify})
				}
			}
		} else {
			for _, c := range inc.Clocks(o.Laws) {
				if c.MetAt == nil {
					due := c.Due
					items = append(items, WorkItem{Kind: WorkDeadline, Inc: inc, Due: &due, Mine: owned, Text: c.Name, Step: c.StopsWhen})
				}
			}
		}
		if owned {
			items = append(items, WorkItem{Kind: WorkOwned, Inc: inc, Mine: true, Text: "You own this response", Step: currentStep(inc)})
		}
	}
	tasks, err := a.Store.OpenTasks(ctx, ids)
	if err != nil {
		return q, err
	}
	for _, t := range tasks {
		if t.AssigneeID == u.ID || t.DueAt != nil {
			items = append(items, WorkItem{Kind: WorkTask, Inc: byID[t.IncidentID], ID: t.ID, Due: t.DueAt, Mine: t.AssigneeID == u.ID, Text: t.Title, Step: t.Step})
		}
	}
	actions, err := a.Store.OpenActions(ctx)
	if err != nil {
		return q, err
	}
	for _, act := range actions {
		inc := byID[act.IncidentID]
		if inc == nil { // closed incidents' actions are still the owner's
			if act.OwnerID != u.ID {
				continue
			}
			if inc, err = a.Store.Incident(ctx, act.IncidentID); err != nil {
				return q, err
			}
		}
		items = append(items, WorkItem{Kind: WorkAction, Inc: inc, ID: act.ID, Due: act.DueAt, Mine: act.OwnerID == u.ID, Text: act.Title, Step: incident.Review})
	}
	soon := now.Add(24 * time.Hour)
	for _, it := range items {
		switch {
		case it.Due != nil && now.After(*it.Due):
			q.Overdue = append(q.Overdue, it)
		case it.Due != nil && it.Due.Before(soon):
			q.Soon = append(q.Soon, it)
		case it.Mine:
			q.Mine = append(q.Mine, it)
		}
	}
	for _, l := range [][]WorkItem{q.Overdue, q.Soon, q.Mine} {
		sort.SliceStable(l, func(i, j int) bool {
			a, b := l[i].Due, l[j].Due
			switch {
			case a == nil:
				return false
			case b == nil:
				return true
			}
			return a.Before(*b)
		})
	}
	return q, nil
}

// earliest is the incident's first unmet clock, nil when none runs.
func earliest(inc *incident.Incident, laws []string) *time.Time {
	var first *time.Time
	for _, c := range inc.Clocks(laws) {
		if c.MetAt == nil && (first == nil || c.Due.Before(*first)) {
			due := c.Due
			first = &due
		}
	}
	return first
}

// currentStep is the first step in progress, else the first not done.
func currentStep(inc *incident.Incident) incident.Step {
	for _, st := range incident.AllSteps {
		if inc.Steps.State(st) == incident.StepActive {
			return st
		}
	}
	for _, st := range incident.AllSteps {
		if inc.Steps.State(st) != incident.StepDone {
			return st
		}
	}
	return incident.Review
}
