package app

import (
	"context"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/plan"
)

// PlanStatus is the response plan as it stands: its versions, whether it
// is due for review, and what has been learned since for that review.
type PlanStatus struct {
	Versions []plan.Version
	// Reminder says why the plan needs review; empty when it does not.
	Reminder string
	// ReviewMonths is how often it must be reviewed or tested.
	ReviewMonths int
	// Exercises are the exercises that have ended, newest first, with
	// their lessons.
	Exercises []exercise.Exercise
	// Reviews are the lessons and actions of incidents reviewed since the
	// plan was last approved, for its next review, with their incidents.
	Reviews []ReviewedIncident
}

// ReviewedIncident is one incident's review, for the plan's next review.
type ReviewedIncident struct {
	Inc    *incident.Incident
	Review incident.ReviewRecord
}

// Plan reads the response plan's status for anyone who may read it.
func (a *App) Plan(ctx context.Context, u *auth.User) (PlanStatus, error) {
	st, err := a.planReview(ctx, u)
	if err != nil {
		return st, err
	}
	var since time.Time
	if approved := plan.Approved(st.Versions); approved != nil && approved.ApprovedAt != nil {
		since = *approved.ApprovedAt
	}
	reviews, err := a.Store.ReviewedSince(ctx, since)
	if err != nil {
		return st, err
	}
	for _, rv := range reviews {
		inc, err := a.Store.Incident(ctx, rv.IncidentID)
		if err != nil {
			return st, err
		}
		st.Reviews = append(st.Reviews, ReviewedIncident{Inc: inc, Review: rv})
	}
	return st, nil
}

// PlanReminder says why the plan is due for review or testing, or ""
// when it is not: Plan's reminder without the lessons gathered for the
// review, which the pages that show the reminder on every visit (the
// work queue, the incident list) do not need.
func (a *App) PlanReminder(ctx context.Context, u *auth.User) (string, error) {
	st, err := a.planReview(ctx, u)
	return st.Reminder, err
}

// planReview reads the plan's versions, how often it must be reviewed,
// the exercises that tested it and whether it is due.
func (a *App) planReview(ctx context.Context, u *auth.User) (PlanStatus, error) {
	var st PlanStatus
	if err := may(u, auth.ReportIncident); err != nil {
		return st, err
	}
	var err error
	if st.Versions, err = a.Store.PlanVersions(ctx); err != nil {
		return st, err
	}
	o, err := a.Organisation(ctx)
	if err != nil {
		return st, err
	}
	st.ReviewMonths = o.PlanReviewMonths
	if st.ReviewMonths <= 0 {
		st.ReviewMonths = plan.DefaultReviewMonths
	}
	exs, err := a.Store.Exercises(ctx)
	if err != nil {
		return st, err
	}
	var tested *time.Time
	for _, e := range exs {
		if e.Ended() {
			st.Exercises = append(st.Exercises, e)
			if tested == nil || e.EndedAt.After(*tested) {
				tested = e.EndedAt
			}
		}
	}
	if due, why := plan.ReviewDue(st.Versions, st.ReviewMonths, tested, a.Now()); due {
		st.Reminder = why
	}
	return st, nil
}
