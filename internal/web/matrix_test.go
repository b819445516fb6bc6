package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/matrix"
)

// TestNotificationMatrix: after an assessment with people in three US
// states and Quebec, the incident's matrix lists each law's obligations
// with its places, sorts and filters them, and exports CSV and PDF.
func TestNotificationMatrix(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "Customer database copied")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)
	if page := c.get(path + "/matrix"); !strings.Contains(page, "No assessment has been recorded yet") {
		t.Fatal("before an assessment the page says to assess")
	}
	aware := time.Now().UTC().Add(-48 * time.Hour).Format("2006-01-02T15:04")
	form := url.Values{"timeline.discovered_at": {aware}, "data.categories": {"name", "government_id"}, "people.count": {"2400"},
		"people.by_jurisdiction": {"US-CA=1200, US-NY=800, US-TX=100, CA-QC=300"}, "recipient.kind": {"malicious_actor"}, "method": {"hacking"}}
	if resp := c.post(path+"/assess", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record: %d", resp.StatusCode)
	}
	page := c.get(path + "/matrix")
	for _, want := range []string{"Cal. Civ. Code § 1798.82(f)", "US-CA", "1200", "Quebec", "CA-QC", "the California Attorney General", "Tex. Bus. &amp; Com. Code"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the matrix lacks %q", want)
		}
	}
	if only := c.get(path + "/matrix?only=required&sort=people"); strings.Contains(only, ">not required<") {
		t.Fatal("only=required shows rows not required")
	}
	req, _ := http.NewRequest("GET", f.ts.URL+path+"/matrix.csv?sort=law", nil)
	resp := c.do(req)
	rows, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || len(rows) < 8 || strings.Join(rows[0], ",") != strings.Join(matrix.CSVHeader, ",") {
		t.Fatalf("csv: %v %d rows", err, len(rows))
	}
	statuses := map[string]bool{}
	for _, r := range rows[1:] {
		statuses[r[10]] = true
	}
	if !statuses["pending"] {
		t.Fatalf("the CSV gives the obligations' state on the incident: %v", statuses)
	}
	req, _ = http.NewRequest("GET", f.ts.URL+path+"/matrix.pdf", nil)
	resp = c.do(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "%PDF-") {
		t.Fatalf("pdf: %d %.40q", resp.StatusCode, body)
	}
}
