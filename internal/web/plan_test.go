package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
)

func TestPlanVersionsApprovalReminderAndStaffPage(t *testing.T) {
	f := newFixture(t).withOrg()
	admin := f.user("admin@example.org", auth.Admin, true)
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	staff := f.user("staff@example.org", auth.Reporter, false)
	c := f.login(po.Email)
	if list := c.get("/incidents"); !strings.Contains(list, "There is no breach response plan yet") {
		t.Fatal("no reminder without a plan")
	}
	page := c.get("/plan")
	if !strings.Contains(page, "Data breach response plan: Test Org") || !strings.Contains(page, "Pat Privacy, privacy@example.org") {
		t.Fatal("the template is not filled with the organisation's details")
	}
	if resp := c.post("/plan", url.Values{"op": {"save"}, "body": {"no sections here"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("plan without sections: %d", resp.StatusCode)
	}
	body := "# Plan\n## What counts as a breach\n- A letter to the wrong client\n## Who to tell\nTell Pat Privacy at once.\n"
	if resp := c.post("/plan", url.Values{"op": {"save"}, "body": {body}, "note": {"first version"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if list := c.get("/incidents"); !strings.Contains(list, "has not been approved") {
		t.Fatal("no reminder for an unapproved plan")
	}
	// A privacy officer cannot record the approval: the page says who can.
	if p := c.get("/plan"); !strings.Contains(between(p, "Not yet approved", 300), "an administrator ("+admin.Name+")") || strings.Contains(p, `action="/plan/approve"`) {
		t.Fatalf("the plan page does not say who records the approval: %s", between(p, "Not yet approved", 300))
	}
	if resp := c.post("/plan/approve", url.Values{"version": {"1"}, "approver": {"Jo Smith, Chief Executive"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a privacy officer recorded the executive's approval: %d", resp.StatusCode)
	}
	a := f.login(admin.Email)
	if resp := a.post("/plan/approve", url.Values{"version": {"1"}, "approver": {"Jo Smith, Chief Executive"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	if resp := a.post("/plan/approve", url.Values{"version": {"1"}, "approver": {"Jo Smith"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("approving twice: %d", resp.StatusCode)
	}
	if list := c.get("/incidents"); strings.Contains(list, "breach response plan") {
		t.Fatal("reminder shown for a fresh, approved plan")
	}
	if page := f.login(staff.Email).get("/plan"); !strings.Contains(page, "Approved by Jo Smith, Chief Executive") {
		t.Fatal("staff cannot read the approved plan")
	}
	resp, err := http.Get(f.ts.URL + "/staff")
	if err != nil {
		t.Fatal(err)
	}
	buf := new(strings.Builder)
	bufCopy(buf, resp)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(buf.String(), "Pat Privacy") || !strings.Contains(buf.String(), "A letter to the wrong client") || !strings.Contains(buf.String(), "Near misses count too") {
		t.Fatalf("staff page: %d", resp.StatusCode)
	}
	f.srv.Now = func() time.Time { return time.Now().AddDate(1, 1, 0) }
	if list := f.login(po.Email).get("/incidents"); !strings.Contains(list, "review and test it") {
		t.Fatal("no reminder 13 months after approval")
	}
}
