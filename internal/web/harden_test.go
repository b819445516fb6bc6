package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// sessionAPI calls the API as a signed-in browser does, with its CSRF
// header, and returns the status and the body.
func (c *client) sessionAPI(method, path, contentType string, body io.Reader) (int, string) {
	c.f.t.Helper()
	req, _ := http.NewRequest(method, c.f.ts.URL+path, body)
	req.Header.Set("X-CSRF-Token", c.csrf)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Any signed-in role may assess facts; a short YAML document whose
// aliases expand to a gigabyte gets 413 and a message, not 36 s of work.
func TestAssessRefusesAliasBombFromReporter(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("rep@example.org", auth.Reporter, false)
	c := f.login("rep@example.org")
	var b strings.Builder
	fmt.Fprintf(&b, "schema: breachdesk.facts/v1\nbig: &a %s\nmany:\n", strings.Repeat("x", 300_000))
	for range 2_000 {
		b.WriteString("  - *a\n")
	}
	code, body := c.sessionAPI("POST", "/api/v1/assess", "application/yaml", strings.NewReader(b.String()))
	var e apiError
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("body is not an API error: %s", body)
	}
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(e.Message, "aliases") {
		t.Fatalf("want 413 naming aliases, got %d %s", code, body)
	}
}

// anonFrom is a browser at another address of the loopback network, so the
// server sees sign-ins from different places.
func (f *fixture) anonFrom(ip string) *client {
	c := f.anon()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c.http.Transport = &http.Transport{DialContext: d.DialContext}
	return c
}

// signIn posts the sign-in form and returns the status.
func (c *client) signIn(email, pw string) int {
	c.f.t.Helper()
	m := csrfField.FindStringSubmatch(c.get("/login"))
	if m == nil {
		c.f.t.Fatal("no csrf on the sign-in page")
	}
	return c.post("/login", url.Values{"csrf": {m[1]}, "email": {email}, "password": {pw}}).StatusCode
}

// Forty wrong sign-ins sent at once from one address: the throttle counts
// each before its password is hashed, so no more than the address's limit
// are hashed and the rest get 429 at once (all forty were hashed before).
func TestSignInIsThrottledBeforeHashing(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	c := f.anonFrom("127.0.0.21")
	m := csrfField.FindStringSubmatch(c.get("/login"))
	var wg sync.WaitGroup
	codes := make(chan int, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := url.Values{"csrf": {m[1]}, "email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"wrong password here"}}.Encode()
			req, _ := http.NewRequest("POST", f.ts.URL+"/login", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := c.http.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			resp.Body.Close()
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	n := map[int]int{}
	for c := range codes {
		n[c]++
	}
	if n[http.StatusUnauthorized] > 20 || n[http.StatusTooManyRequests] < 20 || n[0] > 0 {
		t.Fatalf("want at most 20 checked and the rest refused with 429, got %v", n)
	}
}

// Guessing at an account from one address never locks its owner out at
// another.
func TestThrottleDoesNotLockTheOwnerOut(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	attacker := f.anonFrom("127.0.0.22")
	for range 12 {
		attacker.signIn("po@example.org", "not the password")
	}
	if got := attacker.signIn("po@example.org", testPassword); got != http.StatusTooManyRequests {
		t.Fatalf("the guessing address is not throttled: %d", got)
	}
	if got := f.anonFrom("127.0.0.23").signIn("po@example.org", testPassword); got != http.StatusSeeOther {
		t.Fatalf("the owner at another address is locked out: %d", got)
	}
}

// Signing in to one's own account between guesses does not reset the
// count of guesses from that address.
func TestOwnSignInDoesNotResetTheThrottle(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	f.user("mallory@example.org", auth.Reporter, false)
	c := f.anonFrom("127.0.0.24")
	failures := 0
	for round := 0; round < 4; round++ {
		for range 9 {
			switch c.signIn("po@example.org", "guess number x") {
			case http.StatusTooManyRequests:
				if failures > 20 {
					t.Fatalf("refused only after %d failures", failures)
				}
				return
			case http.StatusUnauthorized:
				failures++
			}
		}
		c.signIn("mallory@example.org", testPassword)
	}
	t.Fatalf("%d failures from one address and never refused", failures)
}

// A next= that browsers would resolve to another host is replaced by the
// work queue; a path on this site is kept.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	for in, want := range map[string]string{
		"/%09/evil.example":     "/",
		"/\t/evil.example":      "/",
		"/\n/evil.example":      "/",
		"//evil.example":        "/",
		"/\\evil.example":       "/",
		"/%2F/evil.example":     "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		" /incidents":           "/",
		"/incidents/7?tab=a":    "/incidents/7?tab=a",
		"/incidents/7#notes":    "/incidents/7#notes",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	c := f.anon()
	m := csrfField.FindStringSubmatch(c.get("/login?next=/%09/evil.example"))
	resp := c.post("/login", url.Values{"csrf": {m[1]}, "email": {"po@example.org"}, "password": {testPassword}, "next": {"/\t/evil.example"}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
		t.Fatalf("redirected to %q (%d)", loc, resp.StatusCode)
	}
}

// A scan re-queued after a crash runs again; the people it found are on
// the list once, not once per run (2,000 instead of 1,000 before).
func TestRerunScanAppliesItsPeopleOnce(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "Client list on a public share")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "clients.csv"), []byte("name,email\nAroha Ngata,aroha@example.nz\nBen Smith,ben@example.au\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	j, err := f.db.Enqueue(ctx, incident.Actor{Name: "t"}, jobs.Job{Kind: app.ScanKind, IncidentID: inc.ID, Input: dir, Label: "share"})
	if err != nil {
		t.Fatal(err)
	}
	// The first run's process "crashed" once the scan was done and before
	// its outcome was stored; River runs the job again, and again after
	// that (a second delivery).
	if _, err := f.srv.RunScan(ctx, &j, func(int64, int64, int64) {}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.srv.RunScanJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := f.db.AffectedPeople(ctx, inc.ID)
	if err != nil || len(ps) != 2 {
		t.Fatalf("want the 2 people once, got %d (%v)", len(ps), err)
	}
}

// A password reset used to end sessions but leave API tokens working.
func TestPasswordResetRevokesAPITokens(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("admin@example.org", auth.Admin, false)
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	tok := f.apiToken(po.Email)
	if code, _ := f.callAPI(tok, "GET", "/api/v1/incidents", "", nil); code != http.StatusOK {
		t.Fatalf("token before the reset: %d", code)
	}
	admin := f.login("admin@example.org")
	resp := admin.post(fmt.Sprintf("/admin/users/%d", po.ID), url.Values{"role": {"privacy_officer"}, "response_team": {"1"}, "password": {"a brand new passphrase"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	code, body := f.callAPI(tok, "GET", "/api/v1/incidents", "", nil)
	if code != http.StatusUnauthorized || !strings.Contains(fmt.Sprint(body["message"]), "revoked") {
		t.Fatalf("token after the reset: %d %v", code, body)
	}
	if page := admin.get("/admin/users"); !strings.Contains(page, "revokes their API tokens") {
		t.Fatal("the users page does not say a reset revokes tokens")
	}
}

// logBuffer collects the server's log for a test to read.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// A token that could not be checked (the database failing) answers 503
// and is logged; it used to answer 401 "revoked", silently.
func TestTokenCheckFailureIs503AndLogged(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	tok := f.apiToken("po@example.org")
	var logs logBuffer
	f.srv.Log = slog.New(slog.NewTextHandler(&logs, nil))
	if code, _ := f.callAPI("bd_unknown", "GET", "/api/v1/incidents", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("unknown token: %d", code)
	}
	f.db.Close()
	code, body := f.callAPI(tok, "GET", "/api/v1/incidents", "", nil)
	if code != http.StatusServiceUnavailable || body["code"] != "unavailable" {
		t.Fatalf("token check on a failing database: %d %v", code, body)
	}
	if !strings.Contains(logs.String(), "api token check") || strings.Contains(logs.String(), tok) {
		t.Fatalf("the failure is not logged, or the token is: %s", logs.String())
	}
}

// Reading with a token writes its last use at most once a minute, after
// the answer, not on every request.
func TestTokenUseIsNotedAtMostOnceAMinute(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	tok := f.apiToken(po.Email)
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	f.srv.Now = func() time.Time { return now }
	lastUsed := func() time.Time {
		f.srv.Wait()
		ts, err := f.db.APITokens(context.Background(), po.ID)
		if err != nil || len(ts) != 1 || ts[0].LastUsedAt == nil {
			t.Fatalf("tokens: %v %v", ts, err)
		}
		return *ts[0].LastUsedAt
	}
	f.callAPI(tok, "GET", "/api/v1/incidents", "", nil)
	if got := lastUsed(); !got.Equal(now) {
		t.Fatalf("first use noted at %v", got)
	}
	first := now
	for range 5 {
		now = now.Add(10 * time.Second)
		f.callAPI(tok, "GET", "/api/v1/incidents", "", nil)
	}
	if got := lastUsed(); !got.Equal(first) {
		t.Fatalf("uses within the minute were written: %v", got)
	}
	now = first.Add(2 * time.Minute)
	f.callAPI(tok, "GET", "/api/v1/incidents", "", nil)
	if got := lastUsed(); !got.Equal(now) {
		t.Fatalf("a use after the minute was not noted: %v", got)
	}
}

// An export writes to the timeline and the audit log, so a GET (a link
// followed from another site) must not make one; the page's form does.
func TestExportIsAPostWithCSRF(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "Lost laptop")
	c := f.login(po.Email)
	x := fmt.Sprintf("/incidents/%d", inc.ID)
	exports := func() int {
		entries, err := f.db.AuditForIncident(context.Background(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if strings.Contains(e.Details, "Exported") || strings.Contains(e.Action, "export") {
				n++
			}
		}
		tl, err := f.db.Timeline(context.Background(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			if strings.HasPrefix(e.Text, "Exported") {
				n++
			}
		}
		return n
	}
	req, _ := http.NewRequest("GET", f.ts.URL+x+"/export.json", nil)
	resp := c.do(req)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || exports() != 0 {
		t.Fatalf("GET export: %d, %d exports recorded", resp.StatusCode, exports())
	}
	if code := c.post(x+"/export.json", url.Values{"csrf": {"forged"}}).StatusCode; code != http.StatusForbidden || exports() != 0 {
		t.Fatalf("export without the form's token: %d", code)
	}
	if !strings.Contains(c.get(x), `action="`+x+`/export.pdf"`) {
		t.Fatal("the incident page has no export form")
	}
	if code := c.post(x+"/export.json", url.Values{}).StatusCode; code != http.StatusOK || exports() == 0 {
		t.Fatalf("export by the form: %d, %d recorded", code, exports())
	}
}

// A search of 1,000 words answered 500; now it says what to change.
func TestLongSearchIsRefusedClearly(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	f.incident(po, "Lost laptop")
	c := f.login(po.Email)
	q := url.QueryEscape(strings.TrimSpace(strings.Repeat("laptop ", 1000)))
	req, _ := http.NewRequest("GET", f.ts.URL+"/incidents?q="+q, nil)
	resp := c.do(req)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "at most 10 words") {
		t.Fatalf("1,000-word search: %d", resp.StatusCode)
	}
	code, body := c.sessionAPI("GET", "/api/v1/incidents?q="+q, "", nil)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "at most 10 words") {
		t.Fatalf("1,000-word API search: %d %s", code, body)
	}
	if !strings.Contains(c.get("/incidents?q=lost+laptop"), "Lost laptop") {
		t.Fatal("an ordinary search no longer finds the incident")
	}
}

// A scan upload named ".." answered 500; the name is cleaned and the scan
// queued.
func TestScanUploadNamedDotDot(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "Share")
	c := f.login(po.Email)
	for _, name := range []string{"..", "../../etc/passwd", "."} {
		resp := c.upload(fmt.Sprintf("/incidents/%d/scans", inc.ID), "file", name, []byte("name,email\nA B,a@example.org\n"), nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload named %q: %d", name, resp.StatusCode)
		}
	}
}

// A request its client gave up on is logged as such, not as an internal
// error with status 500.
func TestCancelledRequestIsNotAnError(t *testing.T) {
	f := newFixture(t).withOrg()
	var logs logBuffer
	f.srv.Log = slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := f.db.Incidents(ctx, incident.Filter{})
	if err == nil {
		t.Fatal("the store ignored the cancelled context")
	}
	req := httptest.NewRequest("GET", "/incidents", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	f.srv.renderError(rec, req, err)
	if rec.Code != statusClientClosed || strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "cancelled by the client") {
		t.Fatalf("status %d, log %s", rec.Code, logs.String())
	}
}

// The reporter of an incident sees what they reported and its status, not
// the people to notify, their letters, scans or the evidence the team
// attached (all were readable before).
func TestReporterDoesNotSeeTheTeamsWork(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	rep := f.user("staff@example.org", auth.Reporter, false)
	inc := f.incident(rep, "Customer list emailed to the wrong supplier")
	ctx := context.Background()
	if err := f.db.AddAffected(ctx, po.ID, po.Name, inc.ID, []notice.Affected{{Person: notice.Person{Name: "Aroha Ngata", Email: "aroha@example.nz"}}}); err != nil {
		t.Fatal(err)
	}
	save := func(by auth.User, name, body string) incident.Evidence {
		st, err := f.srv.Files.Save(context.Background(), name, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		ev, err := f.db.AddEvidence(ctx, incident.Actor{UserID: by.ID, Name: by.Name}, incident.Evidence{IncidentID: inc.ID, Filename: st.Filename, ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256})
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	teams := save(po, "people.csv", "Aroha Ngata,aroha@example.nz")
	own := save(rep, "screenshot.txt", "what I saw")
	c := f.login(rep.Email)
	x := fmt.Sprintf("/incidents/%d", inc.ID)
	page := c.get(x + "?tab=evidence")
	if strings.Contains(page, "people.csv") || !strings.Contains(page, "screenshot.txt") {
		t.Fatal("the incident page shows the team's evidence, or not the reporter's own")
	}
	for _, p := range []string{x + "/notices", x + "/notices?kind=individual&person=1"} {
		if body := c.get(p); strings.Contains(body, "Aroha") {
			t.Fatalf("%s shows the people to notify", p)
		}
	}
	get := func(p string) int {
		req, _ := http.NewRequest("GET", f.ts.URL+p, nil)
		resp := c.do(req)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(fmt.Sprintf("%s/evidence/%d", x, teams.ID)); code != http.StatusNotFound {
		t.Fatalf("the team's evidence downloads: %d", code)
	}
	if code := get(fmt.Sprintf("%s/evidence/%d", x, own.ID)); code != http.StatusOK {
		t.Fatalf("the reporter's own evidence: %d", code)
	}
	code, body := c.sessionAPI("GET", "/api/v1"+x+"/evidence", "", nil)
	if code != http.StatusOK || strings.Contains(body, "people.csv") || !strings.Contains(body, "screenshot.txt") {
		t.Fatalf("API evidence for the reporter: %d %s", code, body)
	}
	if body := f.login(po.Email).get(x + "/notices"); !strings.Contains(body, "Aroha") {
		t.Fatal("the privacy officer no longer sees the people")
	}
}

// A store that fails shows an error, never a page that looks empty: the
// sign-in page used to show its form when the accounts could not be
// counted (and a fresh install's setup was skipped).
func TestSignInPageShowsAFailingStore(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	c := f.anon()
	if body := c.get("/login"); !strings.Contains(body, `name="password"`) {
		t.Fatalf("the sign-in form is missing on a working store: %s", body)
	}
	f.db.Close()
	req, _ := http.NewRequest("GET", f.ts.URL+"/login", nil)
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 500 || strings.Contains(string(b), `name="password"`) {
		t.Fatalf("sign-in page on a failing store: %d, form shown: %v", resp.StatusCode, strings.Contains(string(b), `name="password"`))
	}
}
