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

// SavePlan keeps a new version of the response plan, which an executive
// then approves. Returns fault.Forbidden for anyone who may not edit the
// plan and fault.Invalid for an empty plan.
func (a *App) SavePlan(ctx context.Context, u *auth.User, v plan.Version) (plan.Version, error) {
	if err := may(u, auth.EditPlan); err != nil {
		return v, err
	}
	return a.Store.SavePlan(ctx, u.ID, u.Name, v)
}

// ApprovePlan records that an executive (approver, "name, title")
// approved a version of the plan; an administrator records it. Returns
// fault.Invalid without the approver's name and fault.NotFound for a
// version that does not exist.
func (a *App) ApprovePlan(ctx context.Context, u *auth.User, version int, approver string) error {
	if err := may(u, auth.ManageOrg); err != nil {
		return err
	}
	return a.Store.ApprovePlan(ctx, u.ID, u.Name, version, approver)
}

// SetPlanReviewMonths sets how often the plan is due for review or
// testing, 1 to 60 months (fault.Invalid otherwise).
func (a *App) SetPlanReviewMonths(ctx context.Context, u *auth.User, months int) error {
	if err := may(u, auth.ManageOrg); err != nil {
		return err
	}
	return a.Store.SetPlanReviewMonths(ctx, u.ID, u.Name, months)
}

// AddExpert adds an outside expert (forensics, lawyers, insurers, PR) to
// the response team's list. Returns fault.Invalid, naming the field, for
// a kind not in incident.ExpertKinds or a missing name or contact.
func (a *App) AddExpert(ctx context.Context, u *auth.User, e incident.Expert) (incident.Expert, error) {
	if err := may(u, auth.EditPlan); err != nil {
		return e, err
	}
	return a.Store.AddExpert(ctx, actorOf(u), e)
}

// DeleteExpert takes an outside expert off the list (fault.NotFound when
// there is no such expert).
func (a *App) DeleteExpert(ctx context.Context, u *auth.User, id int64) error {
	if err := may(u, auth.EditPlan); err != nil {
		return err
	}
	return a.Store.DeleteExpert(ctx, actorOf(u), id)
}
