package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
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
// incident list; a path on this site is kept.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	for in, want := range map[string]string{
		"/%09/evil.example":     "/incidents",
		"/\t/evil.example":      "/incidents",
		"/\n/evil.example":      "/incidents",
		"//evil.example":        "/incidents",
		"/\\evil.example":       "/incidents",
		"/%2F/evil.example":     "/incidents",
		"https://evil.example/": "/incidents",
		"javascript:alert(1)":   "/incidents",
		" /incidents":           "/incidents",
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
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/incidents" {
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
	for run := 0; run < 2; run++ { // the first run's process "crashed" before Finish
		if _, err := f.srv.RunScan(ctx, &j, func(int64, int64, int64) {}); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := f.db.AffectedPeople(ctx, inc.ID)
	if err != nil || len(ps) != 2 {
		t.Fatalf("want the 2 people once, got %d (%v)", len(ps), err)
	}
}
