package web

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
)

// The incident page has one tab per step of the response, beside the
// report (with triage and the team), the timeline and the evidence.
const (
	tabReport   = "report"
	tabTimeline = "timeline"
	tabEvidence = "evidence"
)

var tabOrder = []struct{ ID, Label string }{
	{tabReport, "Report"}, {string(incident.Contain), "Contain"}, {string(incident.Assess), "Assess"},
	{string(incident.Notify), "Notify"}, {string(incident.Review), "Review"}, {tabTimeline, "Timeline"}, {tabEvidence, "Evidence"},
}

func validTab(t string) bool {
	for _, x := range tabOrder {
		if x.ID == t {
			return true
		}
	}
	return false
}

// tabLink is one tab of the incident page.
type tabLink struct {
	ID, Label, Href string
	// State is the step's state for a step tab ("" for the others).
	State   incident.StepState
	Current bool
}

// nextAction is what the person should do next, and where.
type nextAction struct {
	Text, Href string
}

// incidentHead is the summary at the top of every page of an incident:
// status, severity, the next deadline, owner and people affected, what to
// do next, and the tabs.
type incidentHead struct {
	Inc        *incident.Incident
	Tab        string
	Tabs       []tabLink
	Status     string
	Next       *clockView
	MoreClocks int
	People     string
	Action     nextAction
	CanExport  bool
	CanAudit   bool
}

// tabHref is the address of an incident's tab.
func tabHref(id int64, tab string) string {
	return "/incidents/" + itoa(id) + "?tab=" + tab
}

// defaultTab is where an incident opens: the step being worked.
func defaultTab(inc *incident.Incident) string {
	if !inc.Triaged || inc.Status == incident.StatusClosed {
		return tabReport
	}
	for _, st := range incident.AllSteps {
		if inc.Steps.State(st) == incident.StepActive {
			return string(st)
		}
	}
	for _, st := range incident.AllSteps {
		if inc.Steps.State(st) == incident.StepPending && inc.CanStart(st) == nil {
			return string(st)
		}
	}
	return string(incident.Review)
}

// head builds the summary of an incident for a person, with tab current.
func (s *Server) head(r *http.Request, inc *incident.Incident, o org.Organisation, tab string) incidentHead {
	u := currentUser(r)
	h := incidentHead{Inc: inc, Tab: tab, CanExport: u.Can(auth.ExportIncident), CanAudit: u.Can(auth.ViewAudit)}
	for _, t := range tabOrder {
		tl := tabLink{ID: t.ID, Label: t.Label, Href: tabHref(inc.ID, t.ID), Current: t.ID == tab}
		if st, ok := incident.ParseStep(t.ID); ok {
			tl.State = inc.Steps.State(st)
		}
		h.Tabs = append(h.Tabs, tl)
	}
	h.Status = inc.Status.Label()
	if inc.Status == incident.StatusOpen {
		var active []string
		for _, st := range incident.AllSteps {
			if inc.Steps.State(st) == incident.StepActive {
				active = append(active, st.Label())
			}
		}
		if len(active) > 0 {
			h.Status += ": " + strings.Join(active, " and ") + " in progress"
		}
	}
	h.Next, h.MoreClocks, _ = s.nextClock(inc, o.Laws)
	if n := inc.PeopleAffected(); n != nil {
		h.People = strconv.Itoa(*n)
	} else {
		h.People = "not known yet"
	}
	h.Action = nextStep(inc, u)
	return h
}

// nextStep says what the response needs next, linking to where it is done.
func nextStep(inc *incident.Incident, u *auth.User) nextAction {
	id := inc.ID
	switch {
	case inc.Status == incident.StatusClosed:
		return nextAction{Text: "Closed: " + inc.CloseReason, Href: tabHref(id, string(incident.Review)) + "#close"}
	case !inc.Triaged && u.Can(auth.TriageIncident):
		return nextAction{Text: "Triage this report: is it a breach, how severe, who owns it?", Href: tabHref(id, tabReport) + "#triage"}
	case !inc.Triaged:
		return nextAction{Text: "Waiting for the privacy officer to triage this report.", Href: tabHref(id, tabReport)}
	}
	for _, st := range incident.AllSteps {
		switch inc.Steps.State(st) {
		case incident.StepActive:
			if st == incident.Assess && inc.Kind == incident.KindBreach && inc.Facts == "" {
				return nextAction{Text: "Record the assessment under each law.", Href: "/incidents/" + itoa(id) + "/assess"}
			}
			if st == incident.Notify {
				for _, o := range inc.Obligations {
					if o.Open() {
						return nextAction{Text: "Notify: " + incident.RegimeLabel(o.Regime) + " " + strings.ToLower(o.AudienceLabel()) + ", and the other obligations still to do.", Href: tabHref(id, string(incident.Notify)) + "#obligations"}
					}
				}
			}
			return nextAction{Text: "Work through the " + st.Label() + " checklist, then complete the step.", Href: tabHref(id, string(st))}
		case incident.StepPending:
			if inc.CanStart(st) == nil {
				return nextAction{Text: "Start " + st.Label() + ": " + strings.ToLower(st.Purpose()[:1]) + st.Purpose()[1:], Href: tabHref(id, string(st))}
			}
		}
	}
	return nextAction{Text: "Every step is done: close the incident.", Href: tabHref(id, string(incident.Review)) + "#close"}
}

// stepView is one step of the incident page.
type stepView struct {
	Step      incident.Step
	Progress  incident.StepProgress
	Tasks     []incident.Task
	Settled   int
	CanStart  bool
	StartHint string
	// Outstanding is what must be done before the step can complete.
	Outstanding []string
}

// incidentPage is what the incident page shows.
type incidentPage struct {
	*app.Workspace
	Head                         incidentHead
	Tab                          string
	Step                         *stepView
	Steps                        []stepView
	Workers, People              []auth.User
	Clocks                       []clockView
	SinceAware                   string
	EscalationReasons            []string
	Kinds                        []incident.Kind
	Severities                   []incident.Severity
	CauseCategories, ExpertKinds []incident.Choice
	CanWork, CanTriage, CanClose bool
	CanOverride                  bool
	MaxUploadMB, MaxScanMB       int64
	ScanRoots                    []string
	ObligationsOpen              int
	KeepUntil                    *time.Time
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

// incidentView renders one tab of an incident. A refusal (err) is shown
// beside the form named failed, keeping what was typed, with the status
// of the error.
func (s *Server) incidentView(w http.ResponseWriter, r *http.Request, id int64, tab, failed string, err error) {
	u := currentUser(r)
	ws, werr := s.Workspace(r.Context(), u, id)
	if werr != nil {
		s.renderError(w, r, werr)
		return
	}
	inc := ws.Inc
	if !validTab(tab) {
		tab = defaultTab(inc)
	}
	d := incidentPage{Workspace: ws, Tab: tab, Head: s.head(r, inc, ws.Org, tab), Kinds: incident.Kinds, Severities: incident.Severities,
		CauseCategories: incident.CauseCategories, ExpertKinds: incident.ExpertKinds,
		SinceAware: incident.Human(s.Now().Sub(inc.Report.DiscoveredAt)), EscalationReasons: inc.EscalationReasons(ws.Escalation),
		CanWork: ws.Access >= auth.WorkAccess && u.Can(auth.WorkIncident), CanTriage: ws.Access >= auth.WorkAccess && u.Can(auth.TriageIncident),
		CanClose: u.Can(auth.CloseIncident) && ws.Access >= auth.WorkAccess, CanOverride: u.Can(auth.OverrideClose),
		MaxUploadMB: s.MaxUpload >> 20, MaxScanMB: s.MaxScanUpload >> 20, ScanRoots: s.ScanRoots}
	for _, st := range incident.AllSteps {
		sv := stepView{Step: st, Progress: inc.Steps[st], Outstanding: inc.Unfinished(st, ws.Tasks)}
		for _, t := range ws.Tasks {
			if t.Step == st {
				sv.Tasks = append(sv.Tasks, t)
				if t.Settled() {
					sv.Settled++
				}
			}
		}
		if st == incident.Review {
			for _, m := range ws.Review.Missing() {
				sv.Outstanding = append(sv.Outstanding, "record "+m)
			}
		}
		if err := inc.CanStart(st); err == nil {
			sv.CanStart = true
		} else if sv.Progress.State == incident.StepPending {
			sv.StartHint = fault.MessageOf(err)
		}
		d.Steps = append(d.Steps, sv)
	}
	if st, ok := incident.ParseStep(tab); ok {
		for k := range d.Steps {
			if d.Steps[k].Step == st {
				d.Step = &d.Steps[k]
			}
		}
	}
	for _, x := range ws.Users {
		if x.Can(auth.WorkIncident) {
			d.Workers = append(d.Workers, x)
		}
		if u.Can(auth.TriageIncident) && x.Can(auth.ViewIncident) && x.Role != auth.Reporter {
			d.People = append(d.People, x)
		}
	}
	for _, o := range inc.Obligations {
		if o.Open() {
			d.ObligationsOpen++
		}
	}
	if inc.ClosedAt != nil {
		keep := inc.ClosedAt.AddDate(ws.Org.Retention(), 0, 0)
		d.KeepUntil = &keep
	}
	d.Clocks, _ = s.clocks(inc, ws.Org.Laws)
	form := url.Values{}
	form.Set("kind", string(inc.Kind))
	form.Set("severity", string(inc.Severity))
	form.Set("owner_id", strconv.FormatInt(inc.OwnerID, 10))
	v := s.view(w, r, inc.Ref()+" "+inc.Title, d)
	v.Form, v.Failed = form, failed
	status := http.StatusOK
	if err != nil {
		v.Form, v.Errors, v.Message = r.PostForm, fault.FieldsOf(err), fault.MessageOf(err)
		if strings.HasPrefix(v.Failed, "override-") && !d.CanOverride { // the form is not on their page
			v.Failed = "step-" + strings.TrimPrefix(v.Failed, "override-")
		}
		if v.Failed == "" {
			v.Failed = "page"
		}
		status = statusOf(err)
		s.logIfInternal(r, err)
	}
	s.renderView(w, r, status, "incident", v)
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request) {
	s.incidentView(w, r, pathID(r, "id"), r.URL.Query().Get("tab"), "", nil)
}

// afterChange answers a form on an incident's page: on success, back to
// the tab the person was on with a message; on a refusal, that tab again
// with the refusal beside the form they used and what they typed kept.
// Each form names its tab and itself in the hidden fields "tab" and
// "form".
func (s *Server) afterChange(w http.ResponseWriter, r *http.Request, id int64, msg string, err error) {
	tab := r.PostFormValue("tab")
	if err != nil {
		if code := fault.CodeOf(err); code == fault.NotFound || code == fault.Forbidden && !s.canRead(r, id) {
			s.renderError(w, r, err)
			return
		}
		s.incidentView(w, r, id, tab, r.PostFormValue("form"), err)
		return
	}
	if msg != "" {
		s.flash(w, msg)
	}
	if !validTab(tab) {
		tab = ""
	}
	to := "/incidents/" + itoa(id)
	if tab != "" {
		to = tabHref(id, tab)
	}
	if a := r.PostFormValue("anchor"); a != "" {
		to += "#" + url.PathEscape(a)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// canRead says whether the signed-in person may read the incident, so a
// refusal can be shown on its page.
func (s *Server) canRead(r *http.Request, id int64) bool {
	_, _, err := s.Open(r.Context(), currentUser(r), id, auth.ReadAccess)
	return err == nil
}
