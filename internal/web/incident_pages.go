package web

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

const pageSize = 50

// listRow is one incident in the list, with its clocks worked out.
// Its fields are worked out in Go: looking fields up through the embedded
// incident cost the template more than the page's queries.
type listRow struct {
	ID                                  int64
	Ref, Title, Kind, Status, OwnerName string
	Severity                            incident.Severity
	SeverityLabel, Found                string
	IsExercise, Escalated, Overdue      bool
	Clocks                              []listClock
}

// listClock is one clock in a row: its class and its text.
type listClock struct{ Class, Text string }

func newListRow(inc *incident.Incident, cs []clockView, late bool, found string) listRow {
	r := listRow{ID: inc.ID, Ref: inc.Ref(), Title: inc.Title, Status: inc.Status.Label(), OwnerName: inc.OwnerName,
		Severity: inc.Severity, SeverityLabel: inc.Severity.Label(), Found: found, IsExercise: inc.IsExercise(), Escalated: inc.Escalated, Overdue: late}
	switch {
	case inc.Triaged:
		r.Kind = inc.Kind.Label()
	case inc.Report.NearMiss:
		r.Kind = "Near miss?"
	default:
		r.Kind = "Suspected breach"
	}
	for _, c := range cs {
		class := ""
		if c.Late && c.MetAt == nil {
			class = "late"
		} else if c.MetAt != nil {
			class = "met"
		}
		r.Clocks = append(r.Clocks, listClock{Class: class, Text: c.Name + ": " + c.Remaining})
	}
	return r
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

// listPage is the incident list.
type listPage struct {
	PlanReminder string
	Rows         []listRow
	// Total is the number of matches when Counted (the overdue filter
	// is not counted).
	Total       int
	Counted     bool
	Next, First string
	Owners      []auth.User
	Statuses    []incident.Status
	Kinds       []incident.Kind
	Severities  []incident.Severity
}

func (s *Server) incidentList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	u := currentUser(r)
	o := s.orgOrDefault(r)
	owner, _ := strconv.ParseInt(q.Get("owner"), 10, 64)
	// One row more than a page says whether there is a next page.
	f := incident.Filter{Status: incident.Status(q.Get("status")), Kind: incident.Kind(q.Get("kind")), Severity: incident.Severity(q.Get("severity")),
		OwnerID: owner, Overdue: q.Get("overdue") == "1", OverdueAt: s.Now(), Laws: o.Laws, Query: q.Get("q"), Exercises: exerciseFilter(q.Get("exercise")),
		Limit: pageSize + 1, After: q.Get("after")}
	incs, total, err := s.List(r.Context(), u, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	more := len(incs) > pageSize
	if more {
		incs = incs[:pageSize]
	}
	d := listPage{Total: total, Counted: total != incident.Uncounted, Statuses: incident.Statuses, Kinds: incident.Kinds, Severities: incident.Severities}
	d.Rows = make([]listRow, len(incs))
	for k, inc := range incs {
		cs, late := s.clocks(inc, o.Laws)
		d.Rows[k] = newListRow(inc, cs, late, orgTime(o, inc.Report.DiscoveredAt))
	}
	if u.Can(auth.ViewAll) {
		all, err := s.Store.Users(r.Context())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, x := range all {
			if x.Can(auth.WorkIncident) {
				d.Owners = append(d.Owners, x)
			}
		}
	}
	if more {
		q.Set("after", incident.CursorOf(incs[len(incs)-1]))
		d.Next = "?" + q.Encode()
	}
	if f.After != "" {
		q.Del("after")
		d.First = "?" + q.Encode()
	}
	if u.Can(auth.EditPlan) {
		if d.PlanReminder, err = s.planReminder(r); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.renderForm(w, r, "list", "Incidents", d, q, nil)
}

// reportPage is the report form's lists.
type reportPage struct {
	Categories, Causes, Recipients []incident.Choice
	Ongoing                        []string
}

var reportData = reportPage{Categories: incident.DataCategories, Ongoing: incident.OngoingAnswers, Causes: incident.Causes, Recipients: incident.Recipients}

func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) {
	form := url.Values{}
	if r.URL.Query().Get("near_miss") == "1" {
		form.Set("near_miss", "1")
	}
	s.renderForm(w, r, "report", "Report a breach or near miss", reportData, form, nil)
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	o := s.orgOrDefault(r)
	title, rep, err := reportFromForm(r.PostForm, o.Location(), s.Now())
	if err == nil {
		var inc *incident.Incident
		if inc, err = s.Report(r.Context(), currentUser(r), title, rep); err == nil {
			s.flash(w, "Thank you. "+inc.Ref()+" has been sent to the privacy officer, "+o.ContactName+".")
			http.Redirect(w, r, "/incidents/"+itoa(inc.ID), http.StatusSeeOther)
			return
		}
	}
	s.renderForm(w, r, "report", "Report a breach or near miss", reportData, r.PostForm, err)
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

// incidentPage is what the incident page shows.
type incidentPage struct {
	*app.Workspace
	Steps                            []stepView
	Workers, People                  []auth.User
	Clocks                           []clockView
	Late                             bool
	SinceAware                       string
	EscalationReasons                []string
	Kinds                            []incident.Kind
	Severities                       []incident.Severity
	CauseCategories, ExpertKinds     []incident.Choice
	CanWork, CanTriage, CanClose     bool
	CanOverride, CanExport, CanAudit bool
	MaxUploadMB, MaxScanMB           int64
	ScanRoots                        []string
	ShowReview                       bool
}

// WorkerOptions are the options of a task's assignee list, written in Go:
// a list of every worker under every task was most of the page's time
// when the template wrote each option.
func (d incidentPage) WorkerOptions(selected int64) template.HTML {
	var b strings.Builder
	b.WriteString(`<option value="0">Nobody</option>`)
	for _, w := range d.Workers {
		b.WriteString(`<option value="`)
		b.WriteString(strconv.FormatInt(w.ID, 10))
		b.WriteByte('"')
		if w.ID == selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(html.EscapeString(w.Name))
		b.WriteString(`</option>`)
	}
	return template.HTML(b.String())
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) {
	ws, err := s.Workspace(r.Context(), currentUser(r), pathID(r, "id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	inc := ws.Inc
	u := currentUser(r)
	d := incidentPage{Workspace: ws, Kinds: incident.Kinds, Severities: incident.Severities,
		CauseCategories: incident.CauseCategories, ExpertKinds: incident.ExpertKinds,
		SinceAware: incident.Human(s.Now().Sub(inc.Report.DiscoveredAt)), EscalationReasons: inc.EscalationReasons(ws.Escalation),
		CanWork: ws.Access >= auth.WorkAccess && u.Can(auth.WorkIncident), CanTriage: ws.Access >= auth.WorkAccess && u.Can(auth.TriageIncident),
		CanClose: u.Can(auth.CloseIncident) && ws.Access >= auth.WorkAccess, CanOverride: u.Can(auth.OverrideClose),
		CanExport: u.Can(auth.ExportIncident), CanAudit: u.Can(auth.ViewAudit), MaxUploadMB: s.MaxUpload >> 20, MaxScanMB: s.MaxScanUpload >> 20,
		ScanRoots:  s.ScanRoots,
		ShowReview: inc.Steps.State(incident.Review) != incident.StepPending || len(ws.Review.RootCauses) > 0 || ws.Review.Lessons != ""}
	for _, st := range incident.AllSteps {
		sv := stepView{Step: st, Progress: inc.Steps[st]}
		for _, t := range ws.Tasks {
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
		d.Steps = append(d.Steps, sv)
	}
	for _, x := range ws.Users {
		if x.Can(auth.WorkIncident) {
			d.Workers = append(d.Workers, x)
		}
		if u.Can(auth.TriageIncident) && x.Can(auth.ViewIncident) && x.Role != auth.Reporter {
			d.People = append(d.People, x)
		}
	}
	d.Clocks, d.Late = s.clocks(inc, ws.Org.Laws)
	form := url.Values{}
	form.Set("kind", string(inc.Kind))
	form.Set("severity", string(inc.Severity))
	form.Set("owner_id", strconv.FormatInt(inc.OwnerID, 10))
	s.renderForm(w, r, "incident", inc.Ref()+" "+inc.Title, d, form, nil)
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
	id := pathID(r, "id")
	_, err := s.Triage(r.Context(), currentUser(r), id, incident.Triage{Kind: incident.Kind(r.PostFormValue("kind")), Severity: incident.Severity(r.PostFormValue("severity")), OwnerID: formID(r, "owner_id")})
	s.afterChange(w, r, id, "Triage saved.", err)
}

func (s *Server) escalate(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	_, err := s.Escalate(r.Context(), currentUser(r), id)
	s.afterChange(w, r, id, "Escalated: the response team has been added and told.", err)
}

func (s *Server) stepAction(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	st, ok := incident.ParseStep(r.PathValue("step"))
	action, aok := app.ParseStepAction(r.PathValue("action"))
	if !ok || !aok {
		s.renderError(w, r, notFoundErr("There is no such step or step action."))
		return
	}
	_, err := s.MoveStep(r.Context(), currentUser(r), id, st, action)
	s.afterChange(w, r, id, "", err)
}

func (s *Server) addTask(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	due, err := s.formDue(r)
	if err == nil {
		_, err = s.AddTask(r.Context(), currentUser(r), incident.Task{IncidentID: id, Step: incident.Step(r.PostFormValue("step")), Title: r.PostFormValue("title"), AssigneeID: formID(r, "assignee_id"), DueAt: due})
	}
	s.afterChange(w, r, id, "", err)
}

func (s *Server) updateTask(w http.ResponseWriter, r *http.Request) {
	id, taskID := pathID(r, "id"), pathID(r, "task")
	c := app.TaskChange{Op: app.TaskOp(r.PostFormValue("op")), AssigneeID: formID(r, "assignee_id")}
	var err error
	if c.Op == app.TaskAssign {
		c.Due, err = s.formDue(r)
	}
	if err == nil {
		_, err = s.UpdateTask(r.Context(), currentUser(r), id, taskID, c)
	}
	s.afterChange(w, r, id, "", err)
}

func (s *Server) addNote(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	kind := incident.EntryNote
	if r.PostFormValue("kind") == "decision" {
		kind = incident.EntryDecision
	}
	_, err := s.AddNote(r.Context(), currentUser(r), id, kind, r.PostFormValue("text"))
	s.afterChange(w, r, id, "", err)
}

func (s *Server) closeIncident(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	_, err := s.Close(r.Context(), currentUser(r), id, r.PostFormValue("reason"), r.PostFormValue("override") == "1")
	s.afterChange(w, r, id, "Incident closed.", err)
}

func (s *Server) reopenIncident(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	_, err := s.Reopen(r.Context(), currentUser(r), id)
	s.afterChange(w, r, id, "Incident reopened.", err)
}

// auditPage is an incident's audit history.
type auditPage struct {
	Inc     *incident.Incident
	Entries []audit.Entry
}

func (s *Server) incidentAudit(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	entries, err := s.Store.AuditForIncident(r.Context(), inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "audit", "Audit history of "+inc.Ref(), auditPage{Inc: inc, Entries: entries})
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
