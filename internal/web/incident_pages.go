package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

const pageSize = 50

// listRow is one incident in the list, with its clocks worked out.
type listRow struct {
	*incident.Incident
	Clocks  []clockView
	Overdue bool
}

type clockView struct {
	incident.Clock
	Remaining string
	Late      bool
}

func (s *Server) clocks(inc *incident.Incident, laws []string) ([]clockView, bool) {
	now := s.Now()
	var out []clockView
	late := false
	for _, c := range inc.Clocks(laws) {
		cv := clockView{Clock: c, Remaining: c.Remaining(now), Late: c.Overdue(now)}
		late = late || (cv.Late && c.MetAt == nil && inc.Status != incident.StatusClosed)
		out = append(out, cv)
	}
	return out, late
}

func (s *Server) incidentList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	u := currentUser(r)
	o := s.orgOrDefault(r.Context())
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	owner, _ := strconv.ParseInt(q.Get("owner"), 10, 64)
	f := incident.Filter{Status: incident.Status(q.Get("status")), Kind: incident.Kind(q.Get("kind")), Severity: incident.Severity(q.Get("severity")),
		OwnerID: owner, Overdue: q.Get("overdue") == "1", OverdueAt: s.Now(), Laws: o.Laws, Query: q.Get("q"), Exercises: exerciseFilter(q.Get("exercise")),
		VisibleTo: visibility(u), Limit: pageSize, Offset: (page - 1) * pageSize}
	incs, total, err := s.Incidents.Incidents(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	rows := make([]listRow, len(incs))
	for k, inc := range incs {
		cs, late := s.clocks(inc, o.Laws)
		rows[k] = listRow{Incident: inc, Clocks: cs, Overdue: late}
	}
	var owners []auth.User
	if u.Can(auth.ViewAll) {
		all, _ := s.Users.Users(r.Context())
		for _, x := range all {
			if x.Can(auth.WorkIncident) {
				owners = append(owners, x)
			}
		}
	}
	next, prev := "", ""
	if page*pageSize < total {
		q.Set("page", strconv.Itoa(page+1))
		next = "?" + q.Encode()
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		prev = "?" + q.Encode()
	}
	reminder := ""
	if u.Can(auth.EditPlan) {
		if vs, err := s.Plan.PlanVersions(r.Context()); err == nil {
			reminder = s.planReminder(r.Context(), vs)
		}
	}
	s.renderForm(w, r, "list", "Incidents", map[string]any{"PlanReminder": reminder,
		"Rows": rows, "Total": total, "Page": page, "Next": next, "Prev": prev, "Owners": owners,
		"Statuses": incident.Statuses, "Kinds": incident.Kinds, "Severities": incident.Severities,
	}, q, nil)
}

func (s *Server) reportData() map[string]any {
	return map[string]any{"Categories": incident.DataCategories, "Ongoing": incident.OngoingAnswers, "Causes": incident.Causes, "Recipients": incident.Recipients}
}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{}
	if r.URL.Query().Get("near_miss") == "1" {
		form.Set("near_miss", "1")
	}
	s.renderForm(w, r, "report", "Report a breach or near miss", s.reportData(), form, nil)
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	o := s.orgOrDefault(r.Context())
	title, rep, err := reportFromForm(r.PostForm, o.Location(), s.Now())
	if err == nil {
		var inc *incident.Incident
		if inc, err = s.createIncident(r.Context(), actor(r), title, rep); err == nil {
			s.flash(w, "Thank you. "+inc.Ref()+" has been sent to the privacy officer, "+o.ContactName+".")
			http.Redirect(w, r, "/incidents/"+itoa(inc.ID), http.StatusSeeOther)
			return
		}
	}
	s.renderForm(w, r, "report", "Report a breach or near miss", s.reportData(), r.PostForm, err)
}

// stepView is one step of the incident page.
type stepView struct {
	Step      incident.Step
	Progress  incident.StepProgress
	Tasks     []incident.Task
	Done      int
	CanStart  bool
	StartHint string
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) {
	inc, acc, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	ctx := r.Context()
	u := currentUser(r)
	o := s.orgOrDefault(ctx)
	tasks, err := s.Incidents.Tasks(ctx, inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	timeline, _ := s.Incidents.Timeline(ctx, inc.ID)
	ev, _ := s.Incidents.EvidenceList(ctx, inc.ID)
	parts, _ := s.Incidents.Participants(ctx, inc.ID)
	var steps []stepView
	for _, st := range incident.AllSteps {
		sv := stepView{Step: st, Progress: inc.Steps[st]}
		for _, t := range tasks {
			if t.Step == st {
				sv.Tasks = append(sv.Tasks, t)
				if t.Done {
					sv.Done++
				}
			}
		}
		if err := inc.CanStart(st); err == nil {
			sv.CanStart = true
		} else if sv.Progress.State == incident.StepPending {
			sv.StartHint = fault.MessageOf(err)
		}
		steps = append(steps, sv)
	}
	var workers []auth.User
	if acc >= auth.WorkAccess {
		all, _ := s.Users.Users(ctx)
		for _, x := range all {
			if x.Can(auth.WorkIncident) && !x.Disabled {
				workers = append(workers, x)
			}
		}
	}
	cs, late := s.clocks(inc, o.Laws)
	var people []auth.User
	if u.Can(auth.TriageIncident) {
		all, _ := s.Users.Users(ctx)
		for _, x := range all {
			if !x.Disabled && x.Can(auth.ViewIncident) && x.Role != auth.Reporter {
				people = append(people, x)
			}
		}
	}
	experts, _ := s.Experts.Experts(ctx)
	rules, _ := s.Escalation.EscalationRules(ctx)
	review, err := s.Incidents.Review(ctx, inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var scans []jobs.Job
	if s.Jobs != nil {
		scans, _ = s.Jobs.JobsOf(r.Context(), inc.ID)
	}
	form := url.Values{}
	form.Set("kind", string(inc.Kind))
	form.Set("severity", string(inc.Severity))
	form.Set("owner_id", strconv.FormatInt(inc.OwnerID, 10))
	s.renderForm(w, r, "incident", inc.Ref()+" "+inc.Title, map[string]any{
		"Inc": inc, "Steps": steps, "Timeline": timeline, "Evidence": ev, "Participants": parts, "Workers": workers,
		"Clocks": cs, "Late": late, "SinceAware": incident.Human(s.Now().Sub(inc.Report.DiscoveredAt)),
		"Escalation": inc.EscalationReasons(rules), "Kinds": incident.Kinds, "Severities": incident.Severities,
		"CanWork": acc >= auth.WorkAccess && u.Can(auth.WorkIncident), "CanTriage": acc >= auth.WorkAccess && u.Can(auth.TriageIncident),
		"CanClose": u.Can(auth.CloseIncident) && acc >= auth.WorkAccess, "CanOverride": u.Can(auth.OverrideClose),
		"CanExport": u.Can(auth.ExportIncident), "CanAudit": u.Can(auth.ViewAudit), "MaxUploadMB": s.MaxUpload >> 20, "MaxScanMB": s.MaxScanUpload >> 20, "ScanRoots": s.ScanRoots, "Scans": scans,
		"Review": review, "CauseCategories": incident.CauseCategories, "People": people, "Experts": experts, "ExpertKinds": incident.ExpertKinds,
		"ShowReview": inc.Steps.State(incident.Review) != incident.StepPending || len(review.RootCauses) > 0 || review.Lessons != "",
	}, form, nil)
}

// afterChange sends the browser back to the incident with a message, or
// shows what went wrong.
func (s *Server) afterChange(w http.ResponseWriter, r *http.Request, id int64, msg string, err error) {
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if msg != "" {
		s.flash(w, msg)
	}
	http.Redirect(w, r, "/incidents/"+itoa(id)+"#"+r.PostFormValue("anchor"), http.StatusSeeOther)
}

func (s *Server) triage(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	owner, _ := strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
	_, err = s.triageIncident(r.Context(), actor(r), inc.ID, incident.Triage{Kind: incident.Kind(r.PostFormValue("kind")), Severity: incident.Severity(r.PostFormValue("severity")), OwnerID: owner})
	s.afterChange(w, r, inc.ID, "Triage saved.", err)
}

func (s *Server) escalate(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err = s.escalateIncident(r.Context(), actor(r), inc.ID)
	s.afterChange(w, r, inc.ID, "Escalated: the response team has been added and told.", err)
}

func (s *Server) stepAction(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	st, ok := incident.ParseStep(r.PathValue("step"))
	if !ok {
		s.renderError(w, r, notFoundErr("There is no such step."))
		return
	}
	_, err = s.moveStep(r.Context(), actor(r), inc.ID, st, r.PathValue("action"))
	s.afterChange(w, r, inc.ID, "", err)
}

func (s *Server) addTask(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	due, err := s.formDue(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	assignee, _ := strconv.ParseInt(r.PostFormValue("assignee_id"), 10, 64)
	_, err = s.Incidents.AddTask(r.Context(), actor(r), incident.Task{IncidentID: inc.ID, Step: incident.Step(r.PostFormValue("step")), Title: r.PostFormValue("title"), AssigneeID: assignee, DueAt: due})
	s.afterChange(w, r, inc.ID, "", err)
}

func (s *Server) updateTask(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	taskID, _ := strconv.ParseInt(r.PathValue("task"), 10, 64)
	switch r.PostFormValue("op") {
	case "done", "undo":
		_, err = s.setTaskDone(r.Context(), actor(r), inc.ID, taskID, r.PostFormValue("op") == "done")
	case "assign":
		var due *time.Time
		if due, err = s.formDue(r); err == nil {
			assignee, _ := strconv.ParseInt(r.PostFormValue("assignee_id"), 10, 64)
			_, err = s.assignTask(r.Context(), actor(r), inc.ID, taskID, assignee, due)
		}
	default:
		err = fault.Errorf(fault.Invalid, "Unknown task change.")
	}
	s.afterChange(w, r, inc.ID, "", err)
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	kind := incident.EntryNote
	if r.PostFormValue("kind") == "decision" {
		kind = incident.EntryDecision
	}
	_, err = s.Incidents.AddNote(r.Context(), actor(r), inc.ID, kind, r.PostFormValue("text"))
	s.afterChange(w, r, inc.ID, "", err)
}

func (s *Server) closeIncident(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	override := r.PostFormValue("override") == "1"
	if override && !currentUser(r).Can(auth.OverrideClose) {
		s.renderError(w, r, fault.Errorf(fault.Forbidden, "Only an administrator can close an incident before its review is complete."))
		return
	}
	reason := r.PostFormValue("reason")
	_, err = s.Incidents.UpdateIncident(r.Context(), actor(r), inc.ID, func(i *incident.Incident) (incident.Change, error) {
		text := "Closed the incident."
		if override {
			text = "Closed the incident before its review was complete (administrator override): " + reason
		}
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.close", Text: text, Details: map[string]any{"override": override}},
			i.Close(reason, override, s.Now())
	})
	s.afterChange(w, r, inc.ID, "Incident closed.", err)
}

func (s *Server) reopenIncident(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err = s.Incidents.UpdateIncident(r.Context(), actor(r), inc.ID, func(i *incident.Incident) (incident.Change, error) {
		return incident.Change{Kind: incident.EntryDecision, Action: "incident.reopen", Text: "Reopened the incident."}, i.ReopenIncident()
	})
	s.afterChange(w, r, inc.ID, "Incident reopened.", err)
}

func (s *Server) incidentAudit(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	entries, err := s.Audit.AuditForIncident(r.Context(), inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "audit", "Audit history of "+inc.Ref(), map[string]any{"Inc": inc, "Entries": entries})
}

// exerciseFilter reads the list's exercise choice; anything unknown
// includes exercises, the default.
func exerciseFilter(v string) incident.ExerciseFilter {
	switch f := incident.ExerciseFilter(v); f {
	case incident.NoExercises, incident.OnlyExercises:
		return f
	}
	return incident.WithExercises
}
