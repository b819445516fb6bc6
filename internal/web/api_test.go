package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// apiToken creates a token for u through the web form, as a person would.
func (f *fixture) apiToken(email string) string {
	f.t.Helper()
	c := f.login(email)
	req, _ := http.NewRequest("POST", f.ts.URL+"/account/tokens", strings.NewReader(url.Values{"csrf": {c.csrf}, "name": {"test script"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	i := bytes.Index(body, []byte("bd_"))
	if i < 0 {
		f.t.Fatalf("token not shown: %s", body)
	}
	return string(body[i : i+46])
}

func (f *fixture) callAPI(token, method, path, contentType string, body io.Reader) (int, map[string]any) {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.ts.URL+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		f.t.Fatalf("%s %s: body is not JSON (%v): %s", method, path, err, raw)
	}
	return resp.StatusCode, out
}

func TestAPIReportWorkAndBadInput(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	tok := f.apiToken("po@example.org")

	cases := []struct {
		name, body, code string
		status           int
		field            string
	}{
		{"malformed JSON", `{"title": "x",`, "invalid", 422, ""},
		{"empty body", ``, "invalid", 422, ""},
		{"unknown field", `{"title":"x","colour":"red"}`, "invalid", 422, ""},
		{"wrong type", `{"title": 5}`, "invalid", 422, "title"},
		{"missing fields", `{"title":"Lost laptop"}`, "invalid", 422, "discovered_at"},
		{"future date", `{"title":"Lost laptop","what_happened":"x","discovered_at":"2999-01-01T00:00:00Z"}`, "invalid", 422, "discovered_at"},
		{"bad date", `{"title":"Lost laptop","what_happened":"x","discovered_at":"yesterday"}`, "invalid", 422, ""},
		{"unknown category", `{"title":"Lost laptop","what_happened":"x","discovered_at":"2026-01-01T00:00:00Z","data_categories":["shoe_size"]}`, "invalid", 422, "data_categories"},
		{"too large", `{"title":"` + strings.Repeat("x", 2<<20) + `"}`, "too_large", 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := f.callAPI(tok, "POST", "/api/v1/incidents", "application/json", strings.NewReader(c.body))
			if status != c.status || body["code"] != c.code || body["message"] == "" {
				t.Fatalf("got %d %v", status, body)
			}
			if c.field != "" {
				fields, _ := body["fields"].(map[string]any)
				if fields[c.field] == nil {
					t.Fatalf("no message for %s: %v", c.field, body)
				}
			}
		})
	}
	if _, n, _ := f.db.Incidents(context.Background(), incident.Filter{}); n != 0 {
		t.Fatalf("bad requests stored %d incidents", n)
	}

	status, inc := f.callAPI(tok, "POST", "/api/v1/incidents", "application/json", strings.NewReader(
		`{"title":"Lost laptop","what_happened":"Left on a bus","discovered_at":"2026-01-01T00:00:00Z","data_categories":["name","health"],"people_count":30,"cause":"theft_or_loss"}`))
	if status != 201 || inc["ref"] != "INC-0001" || inc["overdue"] != true {
		t.Fatalf("create: %d %v", status, inc)
	}
	path := "/api/v1/incidents/1"
	if status, _ := f.callAPI(tok, "PATCH", path+"/tasks/1", "application/json", strings.NewReader(`{"done":true}`)); status != 200 {
		t.Fatalf("tick task: %d", status)
	}
	if status, body := f.callAPI(tok, "PATCH", path+"/tasks/1", "application/json", strings.NewReader(`{"done":true}`)); status != 409 || body["code"] != "conflict" {
		t.Fatalf("tick twice: %d %v", status, body)
	}
	if status, _ := f.callAPI(tok, "POST", path+"/timeline", "application/json", strings.NewReader(`{"kind":"decision","text":"Notify the OPC today."}`)); status != 201 {
		t.Fatalf("note: %d", status)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "log.txt")
	fw.Write([]byte("access log extract"))
	mw.Close()
	status, ev := f.callAPI(tok, "POST", path+"/evidence", mw.FormDataContentType(), &buf)
	if status != 201 || ev["sha256"] == "" || !strings.HasPrefix(ev["content_type"].(string), "text/plain") {
		t.Fatalf("evidence: %d %v", status, ev)
	}
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	fw, _ = mw.CreateFormFile("file", "big.bin")
	fw.Write(bytes.Repeat([]byte{1}, 2<<20))
	mw.Close()
	if status, body := f.callAPI(tok, "POST", path+"/evidence", mw.FormDataContentType(), &buf); status != 413 || body["code"] != "too_large" {
		t.Fatalf("oversized evidence: %d %v", status, body)
	}
	if es, _ := f.db.EvidenceList(context.Background(), 1); len(es) != 1 {
		t.Fatalf("evidence after the refused upload: %d", len(es))
	}
	_, tl := f.callAPI(tok, "GET", path+"/timeline", "", nil)
	var texts []string
	for _, e := range tl["timeline"].([]any) {
		texts = append(texts, e.(map[string]any)["text"].(string))
	}
	joined := strings.Join(texts, "\n")
	for _, want := range []string{"Reported as a suspected breach", "Escalation rule fired (Sensitive information is involved)", "Escalated to the response team", "Done: Confirm", "Notify the OPC today", "Attached evidence log.txt"} {
		if !strings.Contains(joined, want) {
			t.Errorf("timeline lacks %q:\n%s", want, joined)
		}
	}
	if status, body := f.callAPI("bd_not-a-token", "GET", "/api/v1/incidents", "", nil); status != 401 || body["code"] != "unauthorized" {
		t.Fatalf("bad token: %d %v", status, body)
	}
}

// TestOpenAPIMatchesRoutes fails when the document lists an operation the
// server does not route, or the server routes one the document omits.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	tok := f.apiToken("po@example.org")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	resp, err := http.Get(f.ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi document: %v %q", err, doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for method := range ops {
			m := strings.ToUpper(method)
			path := "/api/v1" + strings.NewReplacer("{id}", "1", "{task}", "1").Replace(p)
			documented[m+" "+p] = true
			req, _ := http.NewRequest(m, f.ts.URL+path, strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusMethodNotAllowed || (resp.StatusCode == 404 && resp.Header.Get("Content-Type") == "") {
				t.Errorf("%s %s is documented but not routed (%d)", m, path, resp.StatusCode)
			}
		}
	}
	for _, r := range []string{"GET /incidents", "POST /incidents", "GET /incidents/{id}", "GET /incidents/{id}/tasks", "POST /incidents/{id}/tasks",
		"PATCH /incidents/{id}/tasks/{task}", "GET /incidents/{id}/timeline", "POST /incidents/{id}/timeline", "GET /incidents/{id}/evidence", "POST /incidents/{id}/evidence", "POST /assess"} {
		if !documented[r] {
			t.Errorf("%s is routed but not documented", r)
		}
	}
}

func TestAPIAssess(t *testing.T) {
	f := newFixture(t).withOrg()
	f.user("staff@example.org", auth.Reporter, false)
	c := f.login("staff@example.org")
	post := func(body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/assess", strings.NewReader(body))
		req.Header.Set("X-CSRF-Token", c.csrf)
		resp := c.do(req)
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, a := post("schema: breachdesk/facts/v1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\norganisation: {subject_to: [eu_gdpr]}\ncause: malicious_external\ndata: {categories: [name, health]}\nrecipient: {kind: malicious_actor}\n")
	if status != 200 || a["schema"] != "breachdesk/assessment/v1.1" || len(a["obligations"].([]any)) != 4 {
		t.Fatalf("assess: %d %v", status, a)
	}
	status, e := post(`{"schema":"breachdesk/facts/v1","timeline":{"discovered_at":"2026-03-02T09:00:00Z"},"cause":"aliens"}`)
	fields, _ := e["fields"].(map[string]any)
	if status != 422 || e["code"] != "invalid" || fields["/cause"] == nil {
		t.Fatalf("invalid facts: %d %v", status, e)
	}
}
