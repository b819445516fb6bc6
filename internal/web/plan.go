package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/plan"
)

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) {
	s.planView(w, r, http.StatusOK, "", nil)
}

// planPage is the response plan's page.
type planPage struct {
	app.PlanStatus
	Doc                 *notice.Document
	Current             *plan.Version
	Body                string
	CanEdit, CanApprove bool
	// Approvers are the administrators, who record an executive's
	// approval.
	Approvers []string
}

func (s *Server) planView(w http.ResponseWriter, r *http.Request, status int, body string, err error) {
	u := currentUser(r)
	st, lerr := s.Plan(r.Context(), u)
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	d := planPage{PlanStatus: st, CanEdit: u.Can(auth.EditPlan), CanApprove: u.Can(auth.ManageOrg)}
	if d.Approvers, lerr = s.approvers(r); lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	if len(st.Versions) > 0 {
		doc := notice.Parse(st.Versions[0].Body)
		d.Doc, d.Current = &doc, &st.Versions[0]
		if body == "" {
			body = st.Versions[0].Body
		}
	}
	if body == "" {
		body = plan.Template(s.orgOrDefault(r))
	}
	d.Body = body
	v := s.view(w, r, "Breach response plan", d)
	if err != nil {
		v.Message, v.Errors = fault.MessageOf(err), fault.FieldsOf(err)
	}
	s.renderView(w, r, status, "plan", v)
}

func (s *Server) savePlan(w http.ResponseWriter, r *http.Request) {
	body := r.PostFormValue("body")
	if r.PostFormValue("op") == "template" {
		s.planView(w, r, http.StatusOK, plan.Template(s.orgOrDefault(r)), nil)
		return
	}
	v, err := s.SavePlan(r.Context(), currentUser(r), plan.Version{Body: body, Note: r.PostFormValue("note")})
	if err != nil {
		s.planView(w, r, statusOf(err), body, err)
		return
	}
	who, err := s.approvers(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Saved as version "+strconv.Itoa(v.Version)+". An executive approves it; an administrator ("+strings.Join(who, ", ")+") records that approval on this page.")
	http.Redirect(w, r, "/plan", http.StatusSeeOther)
}

func (s *Server) approvePlan(w http.ResponseWriter, r *http.Request) {
	version, _ := strconv.Atoi(r.PostFormValue("version")) // the form's own hidden field; 0 is not found
	if err := s.ApprovePlan(r.Context(), currentUser(r), version, r.PostFormValue("approver")); err != nil {
		s.planView(w, r, statusOf(err), "", err)
		return
	}
	s.flash(w, "Approval recorded.")
	http.Redirect(w, r, "/plan", http.StatusSeeOther)
}

// approvers names the active administrators, who record approvals.
func (s *Server) approvers(r *http.Request) ([]string, error) {
	users, err := s.Store.Users(r.Context())
	var names []string
	for _, u := range users {
		if !u.Disabled && u.Can(auth.ManageOrg) {
			names = append(names, u.Name)
		}
	}
	return names, err
}

// planReminder says why the plan needs review, or "" when it does not.
func (s *Server) planReminder(r *http.Request) (string, error) {
	return s.PlanReminder(r.Context(), currentUser(r))
}

func (s *Server) setReviewPeriod(w http.ResponseWriter, r *http.Request) {
	months, _ := strconv.Atoi(r.PostFormValue("months")) // not a number is 0, refused as out of range
	if err := s.SetPlanReviewMonths(r.Context(), currentUser(r), months); err != nil {
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
	o := s.orgOrDefault(r)
	var data staffPage
	vs, err := s.Store.PlanVersions(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(vs) > 0 {
		p := plan.Approved(vs)
		if p == nil {
			p = &vs[0]
		}
		doc := notice.Parse(p.Body)
		data.What, data.Who = doc.Section("What counts as a breach"), doc.Section("Who to tell")
	}
	v := s.view(w, r, "What to do if something goes wrong", data)
	v.Org = o
	s.renderView(w, r, http.StatusOK, "staff", v)
}

// staffPage is what every member of staff reads: the plan's sections on
// what counts as a breach and whom to tell, when the plan has them.
type staffPage struct {
	What, Who *notice.Section
}
