package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
)

func TestNoticesPublishAndPublicPage(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "Client list emailed to a competitor")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	if page := c.get(path + "/notices"); !strings.Contains(page, "has not been assessed yet") {
		t.Fatal("notices before any assessment should say to assess first")
	}
	form := url.Values{"organisation.subject_to": {"nz_privacy_act"}, "timeline.discovered_at": {time.Now().UTC().Add(-3 * time.Hour).Format("2006-01-02T15:04")},
		"data.categories": {"name", "contact", "health"}, "recipient.kind": {"other_organisation"}, "recipient.accessed": {"yes"}, "people.vulnerable": {"no"},
		"people.groups": {"clients"}, "notification_constraints.contact_details_available": {"no"}, "summary": {"We emailed a list of our clients to another company by mistake."},
		"remediation.steps": {"We asked the company to delete the email and confirm it in writing"}}
	if resp := c.post(path+"/assess", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("assess: %d", resp.StatusCode)
	}
	page := c.get(path + "/notices?kind=notifyus")
	if !strings.Contains(page, "Is the problem that caused this breach ongoing?") || !strings.Contains(page, "Test Org") {
		t.Fatal("NotifyUs answers not rendered from the incident")
	}
	for _, format := range []string{"txt", "html", "pdf"} {
		req, _ := http.NewRequest("GET", f.ts.URL+path+"/notices/oaic/"+format, nil)
		resp := c.do(req)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) < 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "INC-0001-oaic."+format) {
			t.Fatalf("download %s: %d %d bytes", format, resp.StatusCode, len(body))
		}
	}
	if page := c.get(path + "/notices?kind=individual&stage=2&previous=Letter+of+3+March"); !strings.Contains(page, "An update about the privacy breach") || !strings.Contains(page, "Letter of 3 March") {
		t.Fatal("a staged update does not refer to the earlier notice")
	}
	// The Commissioner has not been told yet, so the public notice may not
	// say so: publishing is blocked until a person records why.
	code, refused := c.postPage(path+"/notices/publish", url.Values{"override": {""}})
	if code != http.StatusConflict || strings.Contains(refused, "<h1>Cannot do that") || !strings.Contains(between(refused, `id="publish"`, 1500), "The public notice is not ready") {
		t.Fatalf("blocked publish is not refused beside its form on the notices page: %d", code)
	}
	if resp := c.post(path+"/notices/publish", url.Values{"override": {"The Commissioner is being notified today; the notice must go out now."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish with reason: %d", resp.StatusCode)
	}
	// The facts say the people cannot be contacted, so that is why the
	// notice stands in for telling them directly: nobody is asked again.
	if page := c.get(path + "/notices?kind=oaic"); !strings.Contains(page, "contact details are not available") {
		t.Fatal("the OAIC statement does not say why direct notification was not practicable")
	}
	page = c.get(path + "/notices?kind=public")
	slug := regexp.MustCompile(`/notices/(test-org-[0-9-]+-[0-9a-f]{6})`).FindStringSubmatch(page)
	if slug == nil || !strings.Contains(page, "Social media post") {
		t.Fatalf("published address not shown: %v", slug)
	}
	resp, err := http.Get(f.ts.URL + "/notices/" + slug[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	html := string(body)
	if resp.StatusCode != 200 || !strings.Contains(html, "<title>Notice of a privacy breach at Test Org</title>") || !strings.Contains(html, `<meta name="description"`) ||
		resp.Header.Get("Set-Cookie") != "" || strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("public page: %d %v", resp.StatusCode, resp.Header)
	}
	if strings.Contains(html, "po@example.org") {
		t.Fatal("the public notice shows a staff member's email")
	}
	if r2, _ := http.Get(f.ts.URL + "/notices/nothing-here"); r2.StatusCode != 404 {
		t.Fatalf("unknown notice: %d", r2.StatusCode)
	}
	tl, _ := f.db.Timeline(context.Background(), inc.ID)
	joined := ""
	for _, e := range tl {
		joined += e.Text + "\n"
	}
	if !strings.Contains(joined, "Published the public notice at /notices/"+slug[1]) || !strings.Contains(joined, "despite failing checks") {
		t.Fatalf("timeline: %s", joined)
	}
	if _, err := audit.Verify(context.Background(), f.db, nil); err != nil {
		t.Fatal(err)
	}
}
