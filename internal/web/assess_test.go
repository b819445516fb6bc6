package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// TestAssessmentDrivesObligationsAndClocks records an assessment through
// the form, then works its obligations as a privacy officer would.
func TestAssessmentDrivesObligationsAndClocks(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "Client list emailed to a competitor")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	aware := time.Now().UTC().Add(-100 * time.Hour).Format("2006-01-02T15:04")
	form := url.Values{"organisation.subject_to": {"nz_privacy_act", "eu_gdpr"}, "timeline.discovered_at": {aware}, "data.categories": {"name", "health"},
		"recipient.kind": {"malicious_actor"}, "people.vulnerable": {"no"}, "harms": {"identity_theft"}, "harms.identity_theft.likelihood": {"likely"}}

	bad := url.Values{"timeline.discovered_at": {"yesterday"}, "people.count": {"-4"}, "cause": {"aliens"}}
	resp := c.post(path+"/assess", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad facts: %d", resp.StatusCode)
	}
	if as, _ := f.db.Assessments(context.Background(), inc.ID); len(as) != 0 {
		t.Fatal("a rejected form recorded an assessment")
	}
	if resp := c.post(path+"/assess", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d", resp.StatusCode)
	}
	got, _ := f.db.Incident(context.Background(), inc.ID)
	var gdpr *incident.Obligation
	for k := range got.Obligations {
		if got.Obligations[k].RuleID == "eu.authority" {
			gdpr = &got.Obligations[k]
		}
	}
	if len(got.Obligations) != 8 || gdpr == nil || gdpr.Status != incident.ObligationPending || gdpr.DueAt == nil || !gdpr.Overdue(time.Now()) {
		t.Fatalf("obligations after assessing: %d, GDPR %+v", len(got.Obligations), gdpr)
	}
	if !strings.Contains(got.Facts, `"malicious_actor"`) {
		t.Fatalf("facts not stored: %s", got.Facts)
	}
	overdue := func() int {
		incs, _, err := f.db.Incidents(context.Background(), incident.Filter{Overdue: true, OverdueAt: time.Now(), Laws: []string{"nz_privacy_act"}})
		if err != nil {
			t.Fatal(err)
		}
		return len(incs) // the overdue filter is not counted: the page is all of them
	}
	if overdue() != 1 {
		t.Fatal("a pending obligation past its deadline makes the incident overdue")
	}
	op := path + "/obligations/" + strconv.FormatInt(gdpr.ID, 10)
	if resp := c.post(op, url.Values{"op": {"done"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("done without reference: %d", resp.StatusCode)
	}
	if resp := c.post(op, url.Values{"op": {"decide"}, "notify": {"no"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("override without reason: %d", resp.StatusCode)
	}
	for _, o := range got.Obligations {
		if o.Status != incident.ObligationPending {
			continue
		}
		v := url.Values{"op": {"done"}, "reference": {"Filed; reference CP-2026-0042"}}
		if o.RuleID == "nz.individuals" {
			v = url.Values{"op": {"decide"}, "notify": {"no"}, "reason": {"s 116: police asked us to wait"}}
		}
		if resp := c.post(path+"/obligations/"+strconv.FormatInt(o.ID, 10), v); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", o.RuleID, resp.StatusCode)
		}
	}
	if overdue() != 0 {
		t.Fatal("with every obligation done or decided the incident is no longer overdue")
	}
	got, _ = f.db.Incident(context.Background(), inc.ID)
	for _, cl := range got.Clocks(nil) {
		if cl.MetAt == nil {
			t.Fatalf("clock %s not met after the obligation was done", cl.Name)
		}
	}
	// A second assessment keeps what people decided.
	if resp := c.post(path+"/assess", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("reassess")
	}
	got, _ = f.db.Incident(context.Background(), inc.ID)
	for _, o := range got.Obligations {
		if o.RuleID == "nz.individuals" && (o.Status != incident.ObligationOverridden || !strings.Contains(o.StatusReason, "police")) {
			t.Fatalf("reassessment lost the decision: %+v", o)
		}
	}
	page := c.get(path + "?tab=notify")
	if !strings.Contains(page, "CP-2026-0042") || !strings.Contains(page, "police asked us to wait") {
		t.Fatal("the incident page does not show references and reasons")
	}
	tl, _ := f.db.Timeline(context.Background(), inc.ID)
	if last := tl[len(tl)-1].Text; !strings.Contains(last, "Assessed (rules") {
		t.Fatalf("assessment not on the timeline: %q", last)
	}
}

// TestQuickCheckIsPublicAndStoresNothing.
func TestQuickCheckIsPublicAndStoresNothing(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	c := f.anon()
	page := c.get("/check")
	m := csrfField.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "Does this breach need to be notified?") {
		t.Fatal("quick check page")
	}
	form := url.Values{"csrf": {m[1]}, "organisation.subject_to": {"au_ndb"}, "timeline.discovered_at": {"2026-03-02T09:00"},
		"data.categories": {"name", "payment_card"}, "recipient.kind": {"malicious_actor"}, "cause": {"malicious_external"}, "people.vulnerable": {"no"}}
	req, _ := http.NewRequest("POST", f.ts.URL+"/check", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	defer resp.Body.Close()
	buf := new(strings.Builder)
	if _, err := bufCopy(buf, resp); err != nil || resp.StatusCode != 200 || !strings.Contains(buf.String(), "Notifiable Data Breaches") {
		t.Fatalf("quick check result: %d", resp.StatusCode)
	}
	// The same engine, with the facts of version 1.1: it says what it
	// assumed and which unknown facts would change a decision.
	page = c.get("/check")
	m = csrfField.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `name="recipient.relation"`) || !strings.Contains(page, `name="effects.availability_criticality"`) {
		t.Fatal("the quick check does not ask for the facts of version 1.1")
	}
	form = url.Values{"csrf": {m[1]}, "organisation.subject_to": {"nz_privacy_act"}, "timeline.discovered_at": {"2026-03-02T09:00"},
		"data.categories": {"name", "health"}, "method": {"misdirected_mail"}, "recipient.relation": {"stranger"}}
	req, _ = http.NewRequest("POST", f.ts.URL+"/check", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp2 := c.do(req)
	defer resp2.Body.Close()
	buf.Reset()
	if _, err := bufCopy(buf, resp2); err != nil || !strings.Contains(buf.String(), "Assumed:") || !strings.Contains(buf.String(), "Would change if") ||
		!strings.Contains(buf.String(), "recipient.accessed") {
		t.Fatalf("quick check with assumptions: %d", resp2.StatusCode)
	}
	n := 0
	f.db.EachAudit(context.Background(), func(e auditEntry) error { n++; return nil })
	if n != 2 { // the user and the organisation
		t.Fatalf("the quick check wrote %d audit entries", n-2)
	}
	if _, total, _ := f.db.Incidents(context.Background(), incident.Filter{}); total != 0 {
		t.Fatal("the quick check stored an incident")
	}
}
