package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

// TestEveryRouteChecksAccess walks every route as anonymous, as each role
// and as a reporter who did not make the report. Letters: A administrator,
// P privacy officer, R responder not on the incident, V viewer, S the
// staff member who reported it, T another staff member. Routes not allowed
// answer 403, or 404 where even the incident's existence must not show.
func TestEveryRouteChecksAccess(t *testing.T) {
	f := newFixture(t).withOrg()
	users := map[byte]auth.User{
		'A': f.user("admin@example.org", auth.Admin, true),
		'P': f.user("po@example.org", auth.PrivacyOfficer, true),
		'R': f.user("resp@example.org", auth.Responder, false),
		'V': f.user("view@example.org", auth.Viewer, false),
		'S': f.user("staff@example.org", auth.Reporter, false),
		'T': f.user("other@example.org", auth.Reporter, false),
	}
	inc := f.incident(users['S'], "Customer list emailed to the wrong supplier")
	tasks, _ := f.db.Tasks(context.Background(), inc.ID)
	st, err := f.srv.Files.Save(context.Background(), "notes.txt", strings.NewReader("call log"))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := f.db.AddEvidence(context.Background(), incident.Actor{UserID: users['P'].ID, Name: "po"}, incident.Evidence{IncidentID: inc.ID, Filename: st.Filename, ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(time.Hour)
	if err := f.db.SaveAssessment(context.Background(), incident.Actor{UserID: users['P'].ID, Name: "po"}, incident.Assessment{IncidentID: inc.ID,
		AssessedAt: time.Now(), RulesVersion: "test", Facts: "{}", Result: "{}", Summary: "Assessed.",
		Obligations: []incident.Obligation{{RuleID: "nz.commissioner", Regime: "nz_privacy_act", Audience: "regulator", Citation: "s 114", Decision: "required", TargetAt: &due}}}); err != nil {
		t.Fatal(err)
	}
	assessed, _ := f.db.Incident(context.Background(), inc.ID)
	job, _ := f.db.Enqueue(context.Background(), incident.Actor{Name: "po"}, jobs.Job{Kind: app.ScanKind, IncidentID: inc.ID, Input: f.dir, Label: "share.zip"})
	f.db.StartJob(context.Background(), job.ID)
	f.db.Finish(context.Background(), job.ID, jobs.End{Result: `{"summary":{"files":1,"counts":{}},"categories":[],"by_jurisdiction":{}}`})
	if _, err := f.srv.Blobs.Put(context.Background(), "scans/job-"+strconv.FormatInt(job.ID, 10)+"/findings.jsonl", strings.NewReader("{}\n")); err != nil {
		t.Fatal(err)
	}
	sc, _ := exercise.Find("usb-lost")
	ex, err := f.db.StartExercise(context.Background(), incident.Actor{UserID: users['P'].ID, Name: "po"}, sc, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	xp := "/exercises/" + strconv.FormatInt(ex.ID, 10)
	hist, _ := f.db.Assessments(context.Background(), inc.ID)
	x := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	api := "/api/v1" + x
	taskPath := x + "/tasks/" + strconv.FormatInt(tasks[0].ID, 10)
	scan := x + "/scans/" + strconv.FormatInt(job.ID, 10)
	routes := []struct {
		method, path string
		ok, hidden   string
	}{
		{"GET", "/incidents", "APRVST", ""},
		{"GET", "/report", "APRVST", ""},
		{"POST", "/report", "APRVST", ""},
		{"GET", x, "APVS", "RT"},
		{"POST", x + "/triage", "AP", ""},
		{"POST", x + "/escalate", "AP", ""},
		{"POST", x + "/steps/contain/start", "AP", "R"},
		{"POST", x + "/tasks", "AP", "R"},
		{"POST", taskPath, "AP", "R"},
		{"POST", x + "/notes", "AP", "R"},
		{"POST", x + "/evidence", "AP", "R"},
		{"GET", x + "/evidence/" + strconv.FormatInt(ev.ID, 10), "APV", "RST"}, // the team's evidence is not the reporter's
		{"GET", x + "/audit", "APV", "R"},
		{"POST", x + "/export.json", "APV", "R"},
		{"POST", x + "/export.pdf", "APV", "R"},
		{"GET", x + "/assess", "APVS", "RT"},
		{"POST", x + "/assess", "AP", "R"},
		{"POST", x + "/assess/preview", "AP", "R"},
		{"GET", x + "/assessments/" + strconv.FormatInt(hist[0].ID, 10), "APVS", "RT"},
		{"POST", x + "/obligations/" + strconv.FormatInt(assessed.Obligations[0].ID, 10), "AP", "R"},
		{"GET", x + "/matrix", "APVS", "RT"},
		{"GET", x + "/matrix.csv", "APV", "R"},
		{"GET", x + "/matrix.pdf", "APV", "R"},
		{"GET", x + "/notices", "APV", "RT"},
		{"GET", x + "/notices/individual/txt", "APV", "R"},
		{"POST", x + "/notices/publish", "AP", "R"},
		{"POST", x + "/notices/text", "AP", "R"},
		{"POST", x + "/review/notes", "AP", "R"},
		{"POST", x + "/review/causes", "AP", "R"},
		{"POST", x + "/review/actions", "AP", "R"},
		{"POST", x + "/review/actions/999", "AP", "R"},
		{"POST", x + "/close", "AP", ""},
		{"POST", x + "/reopen", "AP", ""},
		{"POST", x + "/scans", "AP", "R"},
		{"POST", x + "/people", "AP", "R"},
		{"POST", x + "/people/at-risk", "AP", "R"},
		{"GET", x + "/notices/individual/letters.pdf", "AP", "R"},
		{"POST", x + "/notices/individual/letters.pdf", "AP", "R"},
		{"GET", x + "/delivery", "AP", "R"},
		{"POST", x + "/delivery", "AP", ""},
		{"GET", x + "/delivery/problems.csv", "AP", "R"},
		{"POST", x + "/delivery/returned", "AP", "R"},
		{"POST", x + "/delivery/third-parties", "AP", "R"},
		{"POST", x + "/delivery/enquiries", "AP", "R"},
		{"POST", x + "/delivery/lookup", "AP", ""},
		{"GET", x + "/delivery/999", "AP", "R"},
		{"POST", x + "/delivery/999/pause", "AP", ""},
		{"GET", x + "/delivery/999/calls", "AP", "R"},
		{"POST", x + "/delivery/999/calls", "AP", "R"},
		{"GET", x + "/delivery/999/print/INC-0999-stage-1-00", "AP", ""},
		{"GET", x + "/print/INC-0999-stage-1-00-manifest.csv", "AP", ""},
		{"GET", scan, "APV", "RT"},
		{"GET", scan + "/findings.jsonl", "AP", "R"},
		{"GET", "/exercises", "APV", ""},
		{"POST", "/exercises", "AP", ""},
		{"GET", xp, "APV", ""},
		{"POST", xp + "/advance", "AP", ""},
		{"POST", xp + "/end", "AP", ""},
		{"POST", "/plan/review-period", "A", ""},
		{"GET", "/notifications", "APRVST", ""},
		{"GET", "/plan", "APRVST", ""},
		{"GET", "/team", "APV", ""},
		{"POST", "/team/experts", "AP", ""},
		{"POST", "/team/experts/999/delete", "AP", ""},
		{"POST", x + "/participants", "AP", ""},
		{"POST", "/plan", "AP", ""},
		{"POST", "/plan/approve", "A", ""},
		{"GET", "/register", "APV", ""},
		{"GET", "/dashboard", "APV", ""},
		{"GET", "/register/export/csv", "APV", ""},
		{"GET", "/metrics", "APV", ""},
		{"POST", "/notifications/read", "APRVST", ""},
		{"GET", "/admin/users", "A", ""},
		{"POST", "/admin/users", "A", ""},
		{"POST", "/admin/users/" + strconv.FormatInt(users['T'].ID, 10), "A", ""},
		{"GET", "/admin/audit", "A", ""},
		{"GET", "/", "APRVST", ""},
		{"GET", "/admin/organisation", "A", ""},
		{"POST", "/admin/organisation", "A", ""},
		{"GET", "/admin/escalation", "A", ""},
		{"POST", "/admin/escalation", "A", ""},
		{"GET", "/admin/templates", "AP", ""},
		{"GET", "/admin/templates/individual", "AP", ""},
		{"POST", "/admin/templates/individual", "AP", ""},
		{"GET", "/account/tokens", "APR", ""},
		{"POST", "/account/tokens", "APR", ""},
		{"POST", "/account/tokens/999/delete", "APR", ""},
		{"GET", "/api/v1/incidents", "APRVST", ""},
		{"POST", "/api/v1/incidents", "APRVST", ""},
		{"GET", api, "APVS", "RT"},
		{"GET", api + "/tasks", "APVS", "RT"},
		{"POST", api + "/tasks", "AP", "R"},
		{"PATCH", api + "/tasks/" + strconv.FormatInt(tasks[0].ID, 10), "AP", "R"},
		{"GET", api + "/timeline", "APVS", "RT"},
		{"POST", api + "/timeline", "AP", "R"},
		{"GET", api + "/evidence", "APVS", "RT"},
		{"POST", api + "/evidence", "AP", "R"},
		{"POST", api + "/triage", "AP", ""},
		{"POST", api + "/escalate", "AP", ""},
		{"POST", api + "/steps/contain/start", "AP", "R"},
		{"POST", api + "/close", "AP", ""},
		{"POST", api + "/reopen", "AP", ""},
		{"GET", api + "/participants", "APVS", "RT"},
		{"POST", api + "/participants", "AP", ""},
		{"GET", api + "/assessments", "APVS", "RT"},
		{"POST", api + "/assessments", "AP", "R"},
		{"GET", api + "/obligations", "APVS", "RT"},
		{"POST", api + "/obligations/" + strconv.FormatInt(assessed.Obligations[0].ID, 10), "AP", "R"},
		{"GET", api + "/review", "APVS", "RT"},
		{"PUT", api + "/review", "AP", "R"},
		{"POST", api + "/review/root-causes", "AP", "R"},
		{"POST", api + "/review/actions", "AP", "R"},
		{"PATCH", api + "/review/actions/999", "AP", "R"},
		{"GET", api + "/notices/notifyus", "APV", "RT"},
		{"GET", api + "/notice-text", "APV", "RT"},
		{"PUT", api + "/notice-text", "AP", "R"},
		{"POST", api + "/notices/public/publish", "AP", "R"},
		{"GET", api + "/people", "AP", "R"},
		{"POST", api + "/people", "AP", "R"},
		{"POST", api + "/people/at-risk", "AP", "R"},
		{"POST", api + "/scans", "AP", "R"},
		{"GET", "/api/v1" + scan, "APV", "RT"},
		{"POST", api + "/dossier", "APV", "R"},
		{"GET", "/api/v1/work", "APRVST", ""},
		{"GET", "/api/v1/organisation", "APRVST", ""},
		{"PUT", "/api/v1/organisation", "A", ""},
		{"POST", "/api/v1/assess", "APRVST", ""},
	}
	clients := map[byte]*client{}
	for k, u := range users {
		clients[k] = f.login(u.Email)
	}
	send := func(c *client, method, path string) *http.Response {
		var req *http.Request
		if strings.HasPrefix(path, "/api/") {
			req, _ = http.NewRequest(method, f.ts.URL+path, strings.NewReader("{}"))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-CSRF-Token", c.csrf)
		} else {
			form := url.Values{"csrf": {c.csrf}}
			req, _ = http.NewRequest(method, f.ts.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp := c.do(req)
		resp.Body.Close()
		return resp
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			resp := send(f.anon(), rt.method, rt.path)
			if strings.HasPrefix(rt.path, "/api/") || rt.path == "/metrics" {
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("anonymous: status %d, want 401", resp.StatusCode)
				}
			} else if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Errorf("anonymous: status %d to %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
			}
			for _, role := range []byte("APRVST") {
				got := send(clients[role], rt.method, rt.path).StatusCode
				switch {
				case strings.IndexByte(rt.ok, role) >= 0:
					if got == 401 || got == 403 || (got == 404 && !strings.Contains(rt.path, "999")) || got >= 500 {
						t.Errorf("%c: status %d, want access", role, got)
					}
				case strings.IndexByte(rt.hidden, role) >= 0:
					if got != http.StatusNotFound {
						t.Errorf("%c: status %d, want 404", role, got)
					}
				default:
					if got != http.StatusForbidden {
						t.Errorf("%c: status %d, want 403", role, got)
					}
				}
			}
		})
	}
}

// TestFormsWithoutCSRFTokenChangeNothing posts a valid report with a
// missing and a wrong token.
func TestFormsWithoutCSRFTokenChangeNothing(t *testing.T) {
	f := newFixture(t).withOrg()
	u := f.user("staff@example.org", auth.Reporter, false)
	c := f.login(u.Email)
	form := url.Values{"title": {"x"}, "what_happened": {"y"}, "discovered_at": {"2026-01-02T10:00"}}
	for _, tok := range []string{"", "forged"} {
		form.Set("csrf", tok)
		req, _ := http.NewRequest("POST", f.ts.URL+"/report", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp := c.do(req); resp.StatusCode != http.StatusForbidden {
			t.Errorf("token %q: status %d, want 403", tok, resp.StatusCode)
		}
	}
	if _, n, _ := f.db.Incidents(context.Background(), incident.Filter{}); n != 0 {
		t.Fatalf("%d incidents stored from forged forms", n)
	}
}

// TestParticipatingResponderMayWork: least privilege per incident.
func TestParticipatingResponderMayWork(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	r := f.user("resp@example.org", auth.Responder, true)
	inc := f.incident(po, "Laptop stolen from car")
	c := f.login(r.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	if resp := c.post(path+"/notes", url.Values{"text": {"hello"}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("before joining: %d", resp.StatusCode)
	}
	f.db.AddParticipants(context.Background(), incident.Actor{UserID: po.ID}, inc.ID, []incident.Participant{{UserID: r.ID, Name: "resp", Role: "IT"}})
	if resp := c.post(path+"/notes", url.Values{"text": {"Isolated the laptop's accounts."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after joining: %d", resp.StatusCode)
	}
}

func TestLoginIsThrottled(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, false)
	c := f.anon()
	tok := csrfField.FindStringSubmatch(c.get("/login"))[1]
	var last int
	for i := 0; i < 11; i++ {
		last = c.post("/login", url.Values{"csrf": {tok}, "email": {"po@example.org"}, "password": {"wrong password " + strconv.Itoa(i)}}).StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("11th failed attempt: %d, want 429", last)
	}
	// Even the right password is refused while throttled.
	if got := c.post("/login", url.Values{"csrf": {tok}, "email": {"po@example.org"}, "password": {testPassword}}).StatusCode; got != http.StatusTooManyRequests {
		t.Fatalf("right password while throttled: %d", got)
	}
}
