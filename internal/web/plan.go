package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/plan"
)

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	s.planView(w, r, http.StatusOK, "", nil)
}

func (s *Server) planView(w http.ResponseWriter, r *http.Request, status int, body string, err error) {
	vs, lerr := s.Plan.PlanVersions(r.Context())
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	u := currentUser(r)
	data := map[string]any{"Versions": vs, "CanEdit": u.Can(auth.EditPlan), "CanApprove": u.Can(auth.ManageOrg)}
	if len(vs) > 0 {
		data["Doc"], data["Current"] = notice.Parse(vs[0].Body), vs[0]
		if body == "" {
			body = vs[0].Body
		}
	}
	if body == "" {
		body = plan.Template(s.orgOrDefault(r.Context()))
	}
	data["Body"] = body
	ended := s.endedExercises(r.Context())
	data["Reminder"], data["Lessons"] = s.reminderFor(r.Context(), vs, ended), ended
	data["ReviewMonths"] = s.reviewMonths(r.Context())
	v := s.view(w, r, "Breach response plan", data)
	if err != nil {
		v.Message = err.Error()
	}
	s.renderView(w, r, status, "plan", v)
}

func (s *Server) savePlan(w http.ResponseWriter, r *http.Request) {
	by := actor(r)
	body := r.PostFormValue("body")
	if r.PostFormValue("op") == "template" {
		s.planView(w, r, http.StatusOK, plan.Template(s.orgOrDefault(r.Context())), nil)
		return
	}
	v, err := s.Plan.SavePlan(r.Context(), by.UserID, by.Name, plan.Version{Body: body, Note: r.PostFormValue("note")})
	if err != nil {
		s.planView(w, r, statusOf(err), body, err)
		return
	}
	s.flash(w, "Saved as version "+strconv.Itoa(v.Version)+". An executive's approval is recorded under Approve.")
	http.Redirect(w, r, "/plan", http.StatusSeeOther)
}

func (s *Server) approvePlan(w http.ResponseWriter, r *http.Request) {
	by := actor(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.Plan.ApprovePlan(r.Context(), by.UserID, by.Name, version, r.PostFormValue("approver")); err != nil {
		s.planView(w, r, statusOf(err), "", err)
		return
	}
	s.flash(w, "Approval recorded.")
	http.Redirect(w, r, "/plan", http.StatusSeeOther)
}

// reviewMonths is the organisation's plan review period.
func (s *Server) reviewMonths(ctx context.Context) int {
	if m := s.orgOrDefault(ctx).PlanReviewMonths; m > 0 {
		return m
	}
	return plan.DefaultReviewMonths
}

// planReminder says why the plan needs review, or "" when it does not.
func (s *Server) planReminder(ctx context.Context, vs []plan.Version) string {
	return s.reminderFor(ctx, vs, s.endedExercises(ctx))
}

// reminderFor is planReminder given the ended exercises: an exercise that
// ended tests the plan as much as an approval reviews it.
func (s *Server) reminderFor(ctx context.Context, vs []plan.Version, ended []exercise.Exercise) string {
	var tested *time.Time
	for _, e := range ended {
		if tested == nil || e.EndedAt.After(*tested) {
			tested = e.EndedAt
		}
	}
	if due, why := plan.ReviewDue(vs, s.reviewMonths(ctx), tested, s.Now()); due {
		return why
	}
	return ""
}

// endedExercises are the exercises that have ended, newest first; none
// when they cannot be read (the reminder then runs from approvals alone).
func (s *Server) endedExercises(ctx context.Context) []exercise.Exercise {
	exs, err := s.Exercises.Exercises(ctx)
	if err != nil {
		return nil
	}
	var out []exercise.Exercise
	for _, e := range exs {
		if e.Ended() {
			out = append(out, e)
		}
	}
	return out
}

func (s *Server) setReviewPeriod(w http.ResponseWriter, r *http.Request) {
	by := actor(r)
	months, _ := strconv.Atoi(r.PostFormValue("months"))
	if err := s.Plan.SetPlanReviewMonths(r.Context(), by.UserID, by.Name, months); err != nil {
		s.planView(w, r, statusOf(err), "", err)
		return
	}
	s.flash(w, "The plan is now due for review or testing every "+strconv.Itoa(months)+" months.")
	http.Redirect(w, r, "/plan", http.StatusSeeOther)
}

// staffPage is "what to do if something goes wrong" for every member of
// staff, from the plan: who the privacy officer is, that near misses
// count, and the simple policies of seed 000. It needs no account, so an
// intranet can link to it.
func (s *Server) staffPage(w http.ResponseWriter, r *http.Request) {
	o := s.orgOrDefault(r.Context())
	data := map[string]any{}
	if vs, err := s.Plan.PlanVersions(r.Context()); err == nil && len(vs) > 0 {
		p := plan.Approved(vs)
		if p == nil {
			p = &vs[0]
		}
		doc := notice.Parse(p.Body)
		for _, h := range []string{"What counts as a breach", "Who to tell"} {
			if sec := doc.Section(h); sec != nil {
				data[map[string]string{"What counts as a breach": "What", "Who to tell": "Who"}[h]] = sec
			}
		}
	}
	v := s.view(w, r, "What to do if something goes wrong", data)
	v.Org = o
	s.renderView(w, r, http.StatusOK, "staff", v)
}
