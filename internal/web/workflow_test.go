package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// postPage posts a form and returns the status and the page it answers.
func (c *client) postPage(path string, form url.Values) (int, string) {
	c.f.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.f.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// refusedInPlace checks that a refused form answered with the incident's
// page, the refusal beside the form (not a dead end), and what was typed.
func refusedInPlace(t *testing.T, what string, code, want int, page, message string, kept ...string) {
	t.Helper()
	if code != want {
		t.Fatalf("%s: status %d, want %d", what, code, want)
	}
	if strings.Contains(page, "<h1>Cannot do that</h1>") || !strings.Contains(page, `id="tabs"`) || !strings.Contains(page, `class="error-box refusal"`) {
		t.Fatalf("%s: refused on a dead-end page, not in place: %.600s", what, page)
	}
	if !strings.Contains(page, message) {
		t.Fatalf("%s: the refusal does not say %q", what, message)
	}
	for _, k := range kept {
		if !strings.Contains(page, k) {
			t.Fatalf("%s: what was typed is lost: %q", what, k)
		}
	}
}

// Bugs of issue 14: a breach closed with no assessment, its steps
// completed with their tasks open; review answers lost when a root cause
// was added; refusals ending on a dead-end page.
func TestStepsAndClosingNeedTheirWorkRefusedInPlace(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	admin := f.user("admin@example.org", auth.Admin, true)
	inc := f.incident(po, "USB stick with client files lost")
	c, a := f.login(po.Email), f.login(admin.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	ok := func(c *client, p string, v url.Values) {
		t.Helper()
		if code, page := c.postPage(path+p, v); code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", p, code, between(page, "refusal", 600))
		}
	}
	ok(c, "/triage", url.Values{"kind": {"breach"}, "severity": {"medium"}, "tab": {"report"}, "form": {"triage"}})
	ok(c, "/steps/contain/start", url.Values{"tab": {"contain"}, "form": {"step-contain"}})

	code, page := c.postPage(path+"/steps/contain/complete", url.Values{"tab": {"contain"}, "form": {"step-contain"}})
	refusedInPlace(t, "contain with its tasks open", code, http.StatusConflict, page, "Before completing Contain, tick each task or mark it not applicable")

	tasks, _ := f.db.Tasks(context.Background(), inc.ID)
	police := tasks[6]
	if !strings.Contains(police.Title, "police") {
		t.Fatalf("checklist changed: %q", police.Title)
	}
	taskPath := "/tasks/" + strconv.FormatInt(police.ID, 10)
	code, page = c.postPage(path+taskPath, url.Values{"op": {"na"}, "reason": {"  "}, "tab": {"contain"}, "form": {"task-" + strconv.FormatInt(police.ID, 10)}})
	refusedInPlace(t, "not applicable without a reason", code, http.StatusUnprocessableEntity, page, "Say why the task does not apply")
	ok(c, taskPath, url.Values{"op": {"na"}, "reason": {"Nothing was stolen: the stick was lost."}, "tab": {"contain"}})
	f.settle(c, inc.ID, incident.Contain)
	ok(c, "/steps/contain/complete", url.Values{"tab": {"contain"}})

	ok(c, "/steps/assess/start", url.Values{"tab": {"assess"}})
	f.settle(c, inc.ID, incident.Assess)
	code, page = c.postPage(path+"/steps/assess/complete", url.Values{"tab": {"assess"}, "form": {"step-assess"}})
	refusedInPlace(t, "assess without an assessment", code, http.StatusConflict, page, "record the assessment under each law")
	code, page = c.postPage(path+"/steps/assess/complete", url.Values{"tab": {"assess"}, "form": {"override-assess"}, "override": {"Board decided"}})
	refusedInPlace(t, "an override by a privacy officer", code, http.StatusForbidden, page, "Only an administrator")
	ok(a, "/steps/assess/complete", url.Values{"tab": {"assess"}, "override": {"The insurer's assessor is assessing it; recorded in their report"}})
	if tl, _ := f.db.Timeline(context.Background(), inc.ID); !strings.Contains(tl[len(tl)-1].Text, "(administrator override): The insurer's assessor") || !strings.Contains(tl[len(tl)-1].Text, "Outstanding: record the assessment") {
		t.Fatalf("the override is not recorded with what was outstanding: %q", tl[len(tl)-1].Text)
	}

	ok(c, "/steps/review/start", url.Values{"tab": {"review"}})
	code, page = c.postPage(path+"/review/causes", url.Values{"tab": {"review"}, "form": {"review"}, "went_well": {"We found it fast"}, "lessons": {"Encrypt every stick"},
		"category": {"technical_control_missing"}, "description": {""}})
	refusedInPlace(t, "a root cause without a description", code, http.StatusUnprocessableEntity, page, "Say what the cause was", "We found it fast", "Encrypt every stick")
	ok(c, "/review/causes", url.Values{"tab": {"review"}, "went_well": {"We found it fast"}, "went_badly": {"Nobody knew who to call"}, "lessons": {""},
		"category": {"technical_control_missing"}, "description": {"USB sticks were not encrypted"}})
	rv, _ := f.db.Review(context.Background(), inc.ID)
	if rv.WentWell != "We found it fast" || rv.WentBadly != "Nobody knew who to call" || len(rv.RootCauses) != 1 {
		t.Fatalf("the review's answers were lost when a root cause was added: %+v", rv)
	}
	f.settle(c, inc.ID, incident.Review)
	code, page = c.postPage(path+"/steps/review/complete", url.Values{"tab": {"review"}, "form": {"step-review"}})
	refusedInPlace(t, "the review without lessons", code, http.StatusConflict, page, "record the lessons learned")
	ok(c, "/review/notes", url.Values{"tab": {"review"}, "went_well": {"We found it fast"}, "lessons": {"Encrypt every stick"}})
	ok(c, "/steps/review/complete", url.Values{"tab": {"review"}})

	code, page = c.postPage(path+"/close", url.Values{"tab": {"review"}, "form": {"close"}, "reason": {"Response complete"}})
	refusedInPlace(t, "closing a breach never assessed", code, http.StatusConflict, page, "Record an assessment", `value="Response complete"`)
	got, _ := f.db.Incident(context.Background(), inc.ID)
	if got.Status == incident.StatusClosed {
		t.Fatal("a breach closed without a recorded assessment")
	}
	if page := c.get(path + "?tab=timeline"); strings.Contains(page, "<h1>Cannot do that") || !strings.Contains(page, "Not applicable: Contact the police") {
		t.Fatal("the timeline does not show the task marked not applicable")
	}
}

// Bug: a near miss ran the 72-hour clocks until it was triaged.
func TestNearMissShowsNoClocks(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	staff := f.user("staff@example.org", auth.Reporter, false)
	s := f.login(staff.Email)
	found := time.Now().In(mustZone(t, "Pacific/Auckland")).Add(-80 * time.Hour).Format("2006-01-02T15:04")
	if code, page := s.postPage("/report", url.Values{"near_miss": {"1"}, "title": {"Letter caught before posting"}, "what_happened": {"A letter to the wrong client was caught in the mail room."},
		"discovered_at": {found}, "ongoing": {"no"}}); code != http.StatusSeeOther {
		t.Fatalf("report: %d %.300s", code, page)
	}
	c := f.login(po.Email)
	page := c.get("/incidents/1")
	if strings.Contains(page, "GDPR: notify") || strings.Contains(page, "NZ: notify the Privacy Commissioner") || !strings.Contains(page, "none: a near miss has no notification deadline") {
		t.Fatalf("a near miss awaiting triage shows clocks: %.2000s", page)
	}
	if list := c.get("/incidents?overdue=1"); strings.Contains(list, "Letter caught") {
		t.Fatal("a near miss is listed as overdue")
	}
	if home := c.get("/"); strings.Contains(home, "overdue by") {
		t.Fatal("the work queue shows a near miss as overdue")
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Bug: the notifications badge stayed after /notifications was visited.
func TestNotificationsBadgeClears(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	staff := f.user("staff@example.org", auth.Reporter, false)
	c := f.login(po.Email)
	if _, err := f.srv.Report(context.Background(), &staff, "Laptop stolen", incident.Report{WhatHappened: "Stolen from a car.", DiscoveredAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if home := c.get("/"); !strings.Contains(home, `class="badge"`) {
		t.Fatal("no badge for a new report")
	}
	if page := c.get("/notifications"); !strings.Contains(page, "New suspected breach reported as INC-0001") {
		t.Fatal("the notification is not listed")
	}
	if home := c.get("/"); strings.Contains(home, `class="badge"`) {
		t.Fatal("the badge stays after the notifications were seen")
	}
}

// Bug: /check read a time typed in New Zealand as UTC; the Assess page
// showed UTC while the rest showed New Zealand time.
func TestTimesAreReadAndShownInTheRightZone(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	anon := f.anon()
	m := csrfField.FindStringSubmatch(anon.get("/check"))
	form := url.Values{"csrf": {m[1]}, "organisation.subject_to": {"eu_gdpr"}, "timeline.discovered_at": {"2026-03-02T09:00"},
		"data.categories": {"health", "name"}, "recipient.kind": {"malicious_actor"}, "tz": {"Pacific/Auckland"}}
	code, page := anon.postPage("/check", form)
	if code != http.StatusOK || !strings.Contains(page, "Thu 5 Mar 2026 09:00 NZDT") || !strings.Contains(page, "Pacific/Auckland") {
		t.Fatalf("the quick check did not read and show the browser's zone: %d %s", code, between(page, `id="assessment"`, 1500))
	}
	form.Set("tz", "")
	if _, page := anon.postPage("/check", form); !strings.Contains(page, "Thu 5 Mar 2026 09:00 UTC") {
		t.Fatalf("without the browser's zone the check reads UTC and says so: %s", between(page, `id="assessment"`, 1500))
	}
	inc := f.incident(po, "Client list emailed to a competitor")
	c := f.login(po.Email)
	// The Assess page's panel, as the live preview draws it for facts
	// typed in the organisation's zone (New Zealand).
	form.Del("tz")
	form.Del("csrf")
	code, panel := c.postPage("/incidents/"+strconv.FormatInt(inc.ID, 10)+"/assess/preview", form)
	if code != http.StatusOK || !strings.Contains(panel, "Thu 5 Mar 2026 09:00 NZDT") || strings.Contains(panel, " UTC") || !strings.Contains(panel, "Times in Pacific/Auckland") {
		t.Fatalf("the Assess page's times are not in the organisation's zone: %d %s", code, panel)
	}
}

// between returns n bytes of s from the first occurrence of mark.
func between(s, mark string, n int) string {
	i := strings.Index(s, mark)
	if i < 0 {
		return ""
	}
	return s[i:min(len(s), i+n)]
}

// The organisation's settings can be changed after setup, and what staff
// and regulators read follows.
func TestSettingsChangeWhatPeopleRead(t *testing.T) {
	f := newFixture(t).withOrg()
	admin := f.user("admin@example.org", auth.Admin, true)
	a := f.login(admin.Email)
	form := url.Values{"name": {"Test Org"}, "contact_name": {"Hine Walker"}, "contact_title": {"Chief Privacy Officer"}, "contact_email": {"hine@example.org"},
		"contact_phone": {"+64 4 555 0199"}, "sector": {"Health"}, "industry": {"Q"}, "laws": {"nz_privacy_act"}, "time_zone": {"Mars/Olympus"}, "retention_years": {"10"}}
	code, page := a.postPage("/admin/organisation", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Choose a time zone from the list") || !strings.Contains(page, `value="Chief Privacy Officer"`) {
		t.Fatalf("a zone not in the list: %d", code)
	}
	form.Set("time_zone", "Australia/Melbourne")
	if code, page := a.postPage("/admin/organisation", form); code != http.StatusSeeOther {
		t.Fatalf("save settings: %d %.300s", code, page)
	}
	if staff := f.anon().get("/staff"); !strings.Contains(staff, "Hine Walker") {
		t.Fatal("the staff page still names the old privacy officer")
	}
	o, _ := f.db.Organisation(context.Background())
	if o.ContactTitle != "Chief Privacy Officer" || o.Industry != "Q" || o.TimeZone != "Australia/Melbourne" || o.RetentionYears != 10 || o.PlanReviewMonths != 12 {
		t.Fatalf("settings stored: %+v", o)
	}
	if home := a.get("/"); !strings.Contains(home, "Australia/Melbourne") {
		t.Fatal("pages do not name the new zone")
	}
	// NotifyUs's job title and industry questions, and the contact in a
	// notice to people, are answered from the settings.
	inc := f.incident(admin, "Client list emailed to a competitor")
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	if code, page := a.postPage(path+"/assess", url.Values{"organisation.subject_to": {"nz_privacy_act"}, "timeline.discovered_at": {time.Now().Add(-3 * time.Hour).Format("2006-01-02T15:04")},
		"data.categories": {"name", "health"}, "recipient.kind": {"other_organisation"}}); code != http.StatusSeeOther {
		t.Fatalf("assess: %d %s", code, between(page, "error-box", 300))
	}
	if nu := a.get(path + "/notices?kind=notifyus"); !strings.Contains(nu, "Chief Privacy Officer") || !strings.Contains(nu, "Health Care and Social Assistance") || !strings.Contains(nu, "Hine Walker") {
		t.Fatalf("NotifyUs is not answered from the settings: %s", between(nu, "job title", 300))
	}
	if ind := a.get(path + "/notices?kind=individual"); !strings.Contains(ind, "Hine Walker") || strings.Contains(ind, "Pat Privacy") {
		t.Fatal("the notice to people does not name the privacy officer of the settings")
	}
}

// The dossier holds the review and every notice given; OVIC's "what will
// be done to stop a similar breach" is answered from the review.
func TestDossierAndOVICFollowTheReview(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "USB stick with client files lost")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	form := url.Values{"organisation.subject_to": {"nz_privacy_act", "vic_pdp"}, "timeline.discovered_at": {time.Now().UTC().Add(-2 * time.Hour).Format("2006-01-02T15:04")},
		"data.categories": {"name", "health"}, "recipient.kind": {"unknown"}, "summary": {"A USB stick with client files was lost on a bus."}}
	if code, page := c.postPage(path+"/assess", form); code != http.StatusSeeOther {
		t.Fatalf("assess: %d %s", code, between(page, "error-box", 300))
	}
	got, _ := f.db.Incident(context.Background(), inc.ID)
	for _, o := range got.Obligations {
		if o.Open() {
			if code, _ := c.postPage(path+"/obligations/"+strconv.FormatInt(o.ID, 10), url.Values{"op": {"done"}, "reference": {"Told on " + o.Regime + ", ref 77"}}); code != http.StatusSeeOther {
				t.Fatalf("obligation done: %d", code)
			}
		}
	}
	due := time.Now().AddDate(0, 1, 0).Format("2006-01-02T15:04")
	for _, v := range []url.Values{
		{"went_well": {"Fast"}, "lessons": {"Encrypt removable media"}, "category": {"technical_control_missing"}, "description": {"USB sticks were not encrypted"}},
		{"title": {"Buy encrypted USB sticks"}, "owner_id": {strconv.FormatInt(po.ID, 10)}, "due_at": {due}},
	} {
		p := "/review/causes"
		if v.Get("title") != "" {
			p = "/review/actions"
		}
		if code, page := c.postPage(path+p, v); code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", p, code, between(page, "refusal", 300))
		}
	}
	req, _ := http.NewRequest("POST", f.ts.URL+path+"/export.json", strings.NewReader(url.Values{"csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var d struct {
		Review struct {
			Lessons string
			Actions []struct{ Title string }
		}
		Notices []struct{ To, Law, Detail string }
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("dossier: %v %.300s", err, body)
	}
	if d.Review.Lessons != "Encrypt removable media" || len(d.Review.Actions) != 1 || len(d.Notices) == 0 || !strings.Contains(d.Notices[0].Detail, "ref 77") {
		t.Fatalf("the dossier lacks the review or the notices given: %+v", d)
	}
	if ovic := c.get(path + "/notices?kind=ovic"); !strings.Contains(between(ovic, "What will be done to stop a similar breach?", 400), "Buy encrypted USB sticks") {
		t.Fatalf("OVIC's prevention question is not answered from the review: %s", between(ovic, "What will be done", 400))
	}
}

// An escalation rule's threshold that is not a number is refused with
// what to type, not a parser's message.
func TestEscalationRuleThresholdRefusedInWords(t *testing.T) {
	f := newFixture(t).withOrg()
	admin := f.user("admin@example.org", auth.Admin, true)
	a := f.login(admin.Email)
	code, page := a.postPage("/admin/escalation", url.Values{"kind": {"people_over"}, "threshold": {"lots"}, "enabled": {"1"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Give the threshold as a whole number") || strings.Contains(page, "strconv") {
		t.Fatalf("a threshold in words: %d %s", code, between(page, "error-box", 300))
	}
	if code, _ := a.postPage("/admin/escalation", url.Values{"kind": {"people_over"}, "threshold": {"100"}, "enabled": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("a rule: %d", code)
	}
	rules, err := f.db.EscalationRules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rules {
		found = found || r.Kind == "people_over" && r.Threshold == 100
	}
	if !found {
		t.Fatalf("the rule was not saved: %+v", rules)
	}
}

// Bug: the incident page dropped its store errors, so a failed read of
// the timeline showed an empty timeline. A failed read shows an error.
func TestAFailedReadShowsAnErrorNotAnEmptyTimeline(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "USB stick lost")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10) + "?tab=timeline"
	if page := c.get(path); !strings.Contains(page, `class="timeline"`) {
		t.Fatal("no timeline before the failure")
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(f.dir, "breachdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`ALTER TABLE timeline RENAME TO timeline_gone`); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", f.ts.URL+path, nil)
	resp := c.do(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 500 || strings.Contains(string(body), `class="timeline"`) || !strings.Contains(string(body), "error-box") {
		t.Fatalf("a failed read of the timeline: %d %.300s", resp.StatusCode, between(string(body), "<main", 600))
	}
}
