package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/org"
)

// factsChoices are the lists the facts form offers, with the ids of
// spec/facts.schema.json.
func factsChoices() map[string]any {
	return map[string]any{
		"Laws": org.Laws, "LawGroups": org.LawGroups(), "Categories": incident.DataCategories, "Causes": incident.Causes, "Recipients": incident.Recipients,
		"HarmTypes": HarmTypes,
		"Methods": []choice{{"misdirected_email", "Email to the wrong person"}, {"misdirected_mail", "Letter to the wrong person"},
			{"unintended_publication", "Published by mistake"}, {"lost_device", "Lost device"}, {"stolen_device", "Stolen device"},
			{"lost_paper", "Lost papers"}, {"stolen_paper", "Stolen papers"}, {"improper_disposal", "Not disposed of securely"},
			{"hacking", "Hacking"}, {"ransomware", "Ransomware"}, {"malware", "Malware"}, {"phishing", "Phishing"},
			{"credential_stuffing", "Stolen or reused passwords"}, {"social_engineering", "Someone was tricked"},
			{"unauthorised_staff_access", "Staff looked without need"}, {"former_staff_access", "Former staff still had access"},
			{"system_misconfiguration", "System set up wrongly"}, {"failure_to_redact", "Not redacted before release"},
			{"exposed_email_recipients", "Addresses in To or CC instead of BCC"}, {"other", "Other"}},
		"Likelihoods": []string{"remote", "possible", "likely", "almost_certain"},
		"Impacts":     []string{"minimal", "significant", "serious", "severe"},
		"Groups":      []string{"customers", "employees", "patients", "students", "children", "clients", "members", "applicants", "public"},
	}
}

// assessView is the Assess page: the facts form beside the assessment.
type assessView struct {
	// Head is the incident's summary and tabs; empty on the quick check.
	Head       incidentHead
	Inc        *incident.Incident
	Assessment *law.Assessment
	Problem    string
	History    []incident.Assessment
	Choices    map[string]any
	Action     string
	Preview    string
	CanWork    bool
	PreCSRF    string // the quick check's form token (no session there)
	// ScanNote says which scan's figures were put into the form.
	ScanNote string
	ScanID   int64
	// Loc is the zone times are shown and read in: the organisation's, or
	// on the quick check the browser's. UTCNow is the check's default
	// time of awareness, in UTC.
	Loc    *time.Location
	UTCNow string
}

// When formats a deadline in the page's zone, naming the zone.
func (v assessView) When(t *time.Time) string {
	if t == nil {
		return ""
	}
	loc := v.Loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}

// ZoneName names the page's zone.
func (v assessView) ZoneName() string {
	loc := v.Loc
	if loc == nil {
		loc = time.UTC
	}
	return zoneName(loc, time.Now())
}

// assessForm runs the engine on a form without storing anything.
func (s *Server) assessForm(form url.Values, o org.Organisation) (*facts.Facts, string, *law.Assessment, error) {
	f, raw, err := factsFromForm(form, o.Location())
	if err != nil {
		return nil, "", nil, err
	}
	a := s.Assess(f)
	return f, raw, &a, nil
}

func (s *Server) assessPage(w http.ResponseWriter, r *http.Request) {
	inc, acc, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o := s.orgOrDefault(r)
	form := formOfIncident(inc, o)
	v := assessView{Head: s.head(r, inc, o, string(incident.Assess)), Inc: inc, Choices: factsChoices(), Action: "/incidents/" + itoa(inc.ID) + "/assess", Loc: o.Location(),
		Preview: "/incidents/" + itoa(inc.ID) + "/assess/preview", CanWork: acc >= auth.WorkAccess && currentUser(r).Can(auth.WorkIncident)}
	// A finished scan feeds the facts: on request, or while none are saved.
	j, res, err := s.LatestScan(r.Context(), inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if j != nil {
		v.ScanID = j.ID
		if inc.Facts == "" || r.URL.Query().Get("scan") == itoa(j.ID) {
			applyScan(form, res)
			v.ScanNote = "Filled in from the scan of " + j.Label + ": kinds of information, number of people and where they live. Check them, then record the assessment."
		}
	}
	if _, _, a, err := s.assessForm(form, o); err == nil {
		v.Assessment = a
	} else {
		v.Problem = fault.MessageOf(err)
	}
	if v.History, err = s.Store.Assessments(r.Context(), inc.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderForm(w, r, "assess", "Assess "+inc.Ref(), v, form, nil)
}

func (s *Server) saveAssessment(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o := s.orgOrDefault(r)
	f, raw, _, err := s.assessForm(r.PostForm, o)
	if err == nil {
		_, err = s.RecordAssessment(r.Context(), currentUser(r), inc.ID, f, raw)
	}
	if err != nil {
		v := assessView{Head: s.head(r, inc, o, string(incident.Assess)), Inc: inc, Loc: o.Location(), Choices: factsChoices(), Action: "/incidents/" + itoa(inc.ID) + "/assess", Preview: "/incidents/" + itoa(inc.ID) + "/assess/preview", CanWork: true}
		var herr error
		if v.History, herr = s.Store.Assessments(r.Context(), inc.ID); herr != nil {
			s.renderError(w, r, herr)
			return
		}
		s.renderForm(w, r, "assess", "Assess "+inc.Ref(), v, r.PostForm, err)
		return
	}
	s.flash(w, "Assessment recorded. Its obligations are tracked on the Notify tab.")
	http.Redirect(w, r, tabHref(inc.ID, string(incident.Assess)), http.StatusSeeOther)
}

// previewAssessment answers the Assess page's live preview: the assessment
// panel for the facts as typed so far, stored nowhere.
func (s *Server) previewAssessment(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.incidentFor(r, auth.WorkAccess); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderAssessmentPanel(w, r)
}

func (s *Server) renderAssessmentPanel(w http.ResponseWriter, r *http.Request) {
	o := s.orgOrDefault(r)
	v := assessView{Loc: o.Location()}
	if _, _, a, err := s.assessForm(r.PostForm, o); err != nil {
		v.Problem = err.Error()
	} else {
		v.Assessment = a
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.pages["assess"].ExecuteTemplate(w, "assessment", v); err != nil && s.Log != nil {
		s.Log.Error("template", "page", "assessment", "error", err)
	}
}

func (s *Server) assessmentJSON(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	aid := pathID(r, "aid")
	list, err := s.Store.Assessments(r.Context(), inc.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, a := range list {
		if a.ID == aid {
			w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-assessment-%d.json"`, inc.Ref(), a.ID))
			writeJSON(w, http.StatusOK, map[string]any{"rules_version": a.RulesVersion, "assessed_by": a.ActorName, "facts": json.RawMessage(a.Facts), "assessment": json.RawMessage(a.Result)})
			return
		}
	}
	s.renderError(w, r, notFoundErr("That assessment was not found."))
}

// obligationChange reads the obligation form in the organisation's zone.
func obligationChange(form url.Values, loc *time.Location) (app.ObligationChange, error) {
	c := app.ObligationChange{Op: app.ObligationOp(form.Get("op")), Reference: form.Get("reference"), Notify: form.Get("notify") == "yes", Reason: form.Get("reason")}
	f := fault.Fields{}
	c.At = parseLocalTime(f, "done_at", form.Get("done_at"), loc)
	return c, f.Err()
}

func (s *Server) updateObligation(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	c, err := obligationChange(r.PostForm, s.orgOrDefault(r).Location())
	if err == nil {
		_, err = s.RecordObligation(r.Context(), currentUser(r), id, pathID(r, "oid"), c)
	}
	s.afterChange(w, r, id, "", err)
}

// quickCheck is the public self-assessment: no account, nothing stored.
// The quick check reads and shows times in the browser's time zone, which
// the page's script sends as "tz"; without it, in UTC, and it says so.
func (s *Server) quickCheck(w http.ResponseWriter, r *http.Request) {
	zone := browserZone(r.PostFormValue("tz"))
	v := assessView{Choices: factsChoices(), Action: "/check", PreCSRF: s.preToken(w, r), Loc: zone, UTCNow: s.Now().UTC().Format("2006-01-02T15:04")}
	form := r.PostForm
	var err error
	if r.Method == http.MethodGet {
		form = url.Values{}
		form.Set("timeline.discovered_at", v.UTCNow)
	} else {
		_, _, v.Assessment, err = s.assessForm(form, org.Organisation{TimeZone: zone.String()})
	}
	s.renderForm(w, r, "check", "Does this breach need to be notified?", v, form, err)
}

// browserZone is the IANA zone a browser named, or UTC when it named none
// that is known.
func browserZone(name string) *time.Location {
	if name != "" && name != "Local" && len(name) < 64 {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// applyScan puts a scan's figures into the facts form: its kinds of
// information are added, the number of people is raised to what it found,
// and where they live is filled in when the form has nothing yet.
func applyScan(form url.Values, res *app.ScanResult) {
	have := map[string]bool{}
	for _, c := range form["data.categories"] {
		have[c] = true
	}
	for _, c := range res.Categories {
		if !have[c] {
			form.Add("data.categories", c)
		}
	}
	if n, _ := strconv.Atoi(form.Get("people.count")); res.Summary.People > n {
		form.Set("people.count", strconv.Itoa(res.Summary.People))
	}
	if strings.TrimSpace(form.Get("people.by_jurisdiction")) == "" && len(res.ByJurisdiction) > 0 {
		var parts []string
		for k, n := range res.ByJurisdiction {
			parts = append(parts, k+"="+strconv.Itoa(n))
		}
		sort.Strings(parts)
		form.Set("people.by_jurisdiction", strings.Join(parts, ", "))
	}
}
