package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/auth"
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
