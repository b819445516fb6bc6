package app

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/fault"
)

// StartExercise turns a scenario of the library into an exercise and its
// incident, which then goes through the real workflow: the privacy
// officer is told and the escalation rules run, as for any report.
// Returns fault.Invalid for a scenario not in the library.
func (a *App) StartExercise(ctx context.Context, u *auth.User, scenarioID string) (*exercise.Exercise, error) {
	if err := may(u, auth.TriageIncident); err != nil {
		return nil, err
	}
	sc, ok := exercise.Find(scenarioID)
	if !ok {
		return nil, &fault.Error{Code: fault.Invalid, Message: "Choose a scenario from the library.", Fields: map[string]string{"scenario": "Choose a scenario."}}
	}
	e, err := a.Store.StartExercise(ctx, actorOf(u), sc, a.Now())
	if err != nil {
		return nil, err
	}
	if err := a.advance(ctx, u, e, 0); err != nil {
		return e, err
	}
	inc, err := a.Store.Incident(ctx, e.IncidentID)
	if err != nil {
		return e, err
	}
	a.tellPrivacyOfficers(ctx, inc, "Tabletop exercise started as "+inc.Ref()+": "+sc.Title+". It needs triage.")
	a.applyEscalationRules(ctx, e.IncidentID)
	return e, nil
}

// AdvanceExercise moves an exercise's simulated clock by d, revealing the
// injects that fall due. Returns fault.Conflict for an exercise that has
// ended.
func (a *App) AdvanceExercise(ctx context.Context, u *auth.User, e *exercise.Exercise, d time.Duration) error {
	if err := may(u, auth.TriageIncident); err != nil {
		return err
	}
	return a.advance(ctx, u, e, d)
}

func (a *App) advance(ctx context.Context, u *auth.User, e *exercise.Exercise, d time.Duration) error {
	due, err := e.Advance(d, a.Now())
	if err != nil {
		return err
	}
	return a.Store.SaveAdvance(ctx, actorOf(u), e, d, due)
}

// EndExercise scores the exercise's incident as it stands, records the
// lessons for the plan's next review and closes the incident. Returns
// fault.Invalid, naming the field, without lessons.
func (a *App) EndExercise(ctx context.Context, u *auth.User, e *exercise.Exercise, lessons string) (exercise.Score, error) {
	var score exercise.Score
	if err := may(u, auth.TriageIncident); err != nil {
		return score, err
	}
	inc, err := a.Store.Incident(ctx, e.IncidentID)
	if err != nil {
		return score, err
	}
	tasks, err := a.Store.Tasks(ctx, inc.ID)
	if err != nil {
		return score, err
	}
	o, err := a.Organisation(ctx)
	if err != nil {
		return score, err
	}
	now := a.Now()
	score = exercise.Compute(inc, tasks, o.Laws, now)
	if err := e.End(score, lessons, actorOf(u).Name, now); err != nil {
		return score, err
	}
	return score, a.Store.SaveEnd(ctx, actorOf(u), e)
}
