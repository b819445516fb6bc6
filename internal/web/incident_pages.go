package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

const pageSize = 50

// listRow is one incident in the list: where it stands and its next
// deadline. Its fields are worked out in Go: looking fields up through
// the embedded incident cost the template more than the page's queries.
type listRow struct {
	ID                                int64
	Ref, Title, Kind, Step, OwnerName string
	Severity                          incident.Severity
	SeverityLabel                     string
	IsExercise, Escalated, Overdue    bool
	Next                              *listClock
	More                              int
}

// listClock is a row's next deadline: its class, name, time and what is left.
type listClock struct{ Class, Name, Due, Remaining string }

func (s *Server) newListRow(inc *incident.Incident, o org.Organisation) listRow {
	next, more, late := s.nextClock(inc, o.Laws)
	r := listRow{ID: inc.ID, Ref: inc.Ref(), Title: inc.Title, Step: stepNow(inc), OwnerName: inc.OwnerName, Severity: inc.Severity,
		SeverityLabel: inc.Severity.Label(), IsExercise: inc.IsExercise(), Escalated: inc.Escalated, Overdue: late, More: more}
	switch {
	case inc.Triaged:
		r.Kind = inc.Kind.Label()
	case inc.Report.NearMiss:
		r.Kind = "Near miss?"
	default:
		r.Kind = "Suspected breach"
	}
	if c := next; c != nil {
		r.Next = &listClock{Name: c.Name, Due: orgTime(o, c.Due), Remaining: c.Remaining}
		if c.Late {
			r.Next.Class = "late"
		}
	}
	return r
}

// nextClock is an open incident's first unmet deadline, how many more run
// after it, and whether any has run out.
func (s *Server) nextClock(inc *incident.Incident, laws []string) (next *clockView, more int, late bool) {
	if inc.Status == incident.StatusClosed {
		return nil, 0, false
	}
	cs, late := s.clocks(inc, laws)
	unmet := 0
	for k := range cs {
		if c := &cs[k]; c.MetAt == nil {
			unmet++
			if next == nil || c.Due.Before(next.Due) {
				next = c
			}
		}
	}
	return next, max(0, unmet-1), late
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
	// The filters' choices; Owners only for those who see every incident.
	Owners, Statuses, Kinds, Severities []choice
}

// The list's filters by status, kind and severity.
var statusChoices, kindChoices, severityChoices = choicesOf(incident.Statuses), choicesOf(incident.Kinds), choicesOf(incident.Severities)

// choicesOf lists values with their labels.
func choicesOf[T interface {
	~string
	Label() string
}](vs []T) []choice {
	out := make([]choice, len(vs))
	for k, v := range vs {
		out[k] = choice{string(v), v.Label()}
	}
	return out
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
	d := listPage{Total: total, Counted: total != incident.Uncounted, Statuses: statusChoices, Kinds: kindChoices, Severities: severityChoices}
	d.Rows = make([]listRow, len(incs))
	for k, inc := range incs {
		d.Rows[k] = s.newListRow(inc, o)
	}
	if u.Can(auth.ViewAll) {
		all, err := s.Store.Users(r.Context())
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		for _, x := range all {
			if x.Can(auth.WorkIncident) {
				d.Owners = append(d.Owners, choice{itoa(x.ID), x.Name})
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

// htmlText escapes text as html/template does in text and quoted
// attributes.
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "'", "&#39;", "&", "&amp;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// RowsHTML writes the list's rows. They are written here rather than by
// the template: html/template makes a reflective call for each value it
// escapes, which over fifty rows of a dozen values each was a third of
// the page's time.
func (d listPage) RowsHTML() template.HTML {
	var b strings.Builder
	b.Grow(len(d.Rows) * 700)
	e := func(s string) { htmlText.WriteString(&b, s) }
	for _, r := range d.Rows {
		id := strconv.FormatInt(r.ID, 10)
		b.WriteString(`<tr class="`)
		if r.Overdue {
			b.WriteString("overdue")
		}
		b.WriteString(`">` + "\n" + `<td><a href="/incidents/` + id + `">`)
		e(r.Ref)
		b.WriteString(`</a></td>` + "\n" + `<td><a href="/incidents/` + id + `">`)
		e(r.Title)
		b.WriteString(`</a>`)
		if r.IsExercise {
			b.WriteString(` <span class="tag exercise">exercise</span>`)
		}
		if r.Escalated {
			b.WriteString(` <span class="tag">escalated</span>`)
		}
		b.WriteString(`</td>` + "\n" + `<td>`)
		e(r.Kind)
		b.WriteString(`</td>` + "\n" + `<td class="step-now">`)
		e(r.Step)
		b.WriteString(`</td>` + "\n" + `<td><span class="sev sev-`)
		e(string(r.Severity))
		b.WriteString(`">`)
		e(r.SeverityLabel)
		b.WriteString(`</span></td>` + "\n" + `<td>`)
		if r.OwnerName != "" {
			e(r.OwnerName)
		} else {
			b.WriteString("-")
		}
		b.WriteString(`</td>` + "\n" + `<td>`)
		if c := r.Next; c != nil {
			b.WriteString(`<div class="clock `)
			e(c.Class)
			b.WriteString(`">`)
			e(c.Name)
			b.WriteString(": ")
			e(c.Due)
			b.WriteString(`<br><small class="remaining">`)
			e(c.Remaining)
			b.WriteString(`</small></div>`)
		} else {
			b.WriteString("-")
		}
		if r.More != 0 {
			b.WriteString(` <small>and ` + strconv.Itoa(r.More) + ` more</small>`)
		}
		b.WriteString("</td>\n</tr>\n")
	}
	return template.HTML(b.String())
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
	_, err := s.MoveStep(r.Context(), currentUser(r), id, st, action, r.PostFormValue("override"))
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
	c := app.TaskChange{Op: app.TaskOp(r.PostFormValue("op")), AssigneeID: formID(r, "assignee_id"), Reason: r.PostFormValue("reason")}
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

// auditPage is an incident's audit history, each entry as a sentence.
type auditPage struct {
	Head    incidentHead
	Inc     *incident.Incident
	Entries []auditRow
}

// auditRow is one audit entry with what it says in words.
type auditRow struct {
	audit.Entry
	Sentence string
}

func (s *Server) incidentAudit(w http.ResponseWriter, r *http.Request) {
	ws, err := s.Workspace(r.Context(), currentUser(r), pathID(r, "id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	entries, err := s.Store.AuditForIncident(r.Context(), ws.Inc.ID)
	var users []auth.User
	if err == nil {
		users, err = s.Store.Users(r.Context())
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	names := newAuditNames(ws.Inc, ws.Tasks, users)
	d := auditPage{Head: s.head(r, ws.Inc, ws.Org, ""), Inc: ws.Inc}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{Entry: e, Sentence: names.sentence(e)})
	}
	s.render(w, r, "audit", "Audit history of "+ws.Inc.Ref(), d)
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

// stepNow says where an incident's response stands, in a few words.
func stepNow(inc *incident.Incident) string {
	switch {
	case inc.Status == incident.StatusClosed:
		return "Closed"
	case !inc.Triaged:
		return "Awaiting triage"
	}
	var active []string
	for _, st := range incident.AllSteps {
		if inc.Steps.State(st) == incident.StepActive {
			active = append(active, st.Label())
		}
	}
	if len(active) > 0 {
		return strings.Join(active, ", ")
	}
	for _, st := range incident.AllSteps {
		if inc.Steps.State(st) == incident.StepPending {
			return st.Label() + " to start"
		}
	}
	return "Ready to close"
}
