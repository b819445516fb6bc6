package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

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
// server does not route. The document is generated by huma from the
// operations' Go types, so an operation cannot be routed without being
// documented; the test also fails when a JSON route is added to the mux
// by hand, outside huma, where it would be routed but not documented.
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
	params := strings.NewReplacer("{id}", "1", "{task}", "1", "{step}", "contain", "{action}", "start", "{oid}", "1", "{aid}", "1", "{kind}", "notifyus", "{jid}", "1", "{cid}", "1", "{mid}", "1")
	n := 0
	for p, ops := range doc.Paths {
		for method, op := range ops {
			n++
			m := strings.ToUpper(method)
			path := "/api/v1" + params.Replace(p)
			if strings.Contains(path, "{") {
				t.Errorf("%s %s: a path parameter the test does not know", m, p)
				continue
			}
			if !strings.Contains(fmt.Sprint(op["description"]), "Requires the permission") {
				t.Errorf("%s %s does not say which permission it requires", m, p)
			}
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
	if n < 40 {
		t.Errorf("the document lists %d operations", n)
	}
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(name)
		if regexp.MustCompile(`"(GET|POST|PUT|PATCH|DELETE) /api/`).Match(src) {
			t.Errorf("%s routes a JSON path outside huma, so it would not be in the document", name)
		}
	}
}

// TestAPICoversTheWorkflow checks that every action of the response has
// an operation, with the permission the page for it requires.
func TestAPICoversTheWorkflow(t *testing.T) {
	f := newFixture(t).withOrg()
	ops := map[string]*huma.Operation{}
	for _, item := range f.srv.jsonAPI.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil {
				ops[op.OperationID] = op
			}
		}
	}
	for id, p := range map[string]auth.Permission{
		"reportIncident": auth.ReportIncident, "triageIncident": auth.TriageIncident, "escalateIncident": auth.TriageIncident,
		"moveStep": auth.WorkIncident, "updateTask": auth.WorkIncident, "addTask": auth.WorkIncident, "addNote": auth.WorkIncident,
		"attachEvidence": auth.WorkIncident, "addParticipant": auth.TriageIncident, "recordAssessment": auth.WorkIncident,
		"recordObligation": auth.WorkIncident, "importPeople": auth.WorkIncident, "markAtRisk": auth.WorkIncident,
		"startScan": auth.WorkIncident, "getScan": auth.ViewIncident, "saveNoticeText": auth.WorkIncident, "publishNotice": auth.WorkIncident,
		"saveReview": auth.WorkIncident, "addRootCause": auth.WorkIncident, "addReviewAction": auth.WorkIncident, "setReviewAction": auth.WorkIncident,
		"closeIncident": auth.CloseIncident, "reopenIncident": auth.TriageIncident, "exportDossier": auth.ExportIncident,
		"saveOrganisation": auth.ManageOrg, "workQueue": auth.ViewIncident,
	} {
		op := ops[id]
		if op == nil {
			t.Errorf("no operation %s", id)
			continue
		}
		if got := op.Metadata[apiPermission]; got != p {
			t.Errorf("%s requires %v, want %v as its page does", id, got, p)
		}
	}
	for id, op := range ops {
		if _, ok := op.Metadata[apiPermission].(auth.Permission); !ok {
			t.Errorf("%s names no permission", id)
		}
	}
}

// TestAPIWalksTheResponse takes an incident from report to close through
// the API alone, and meets the same refusals as the pages.
func TestAPIWalksTheResponse(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	tok := f.apiToken(po.Email)
	call := func(method, path, body string, want int) map[string]any {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		status, out := f.callAPI(tok, method, "/api/v1/incidents/1"+path, ct, strings.NewReader(body))
		if status != want {
			t.Fatalf("%s %s: %d %v, want %d", method, path, status, out, want)
		}
		return out
	}
	if status, body := f.callAPI(tok, "POST", "/api/v1/incidents", "application/json", strings.NewReader(
		`{"title":"Payroll file emailed to the wrong person","what_happened":"Sent to a namesake","discovered_at":"2026-01-01T00:00:00Z","data_categories":["name","financial_account"],"people_count":40,"cause":"human_error"}`)); status != 201 {
		t.Fatalf("report: %d %v", status, body)
	}
	call("POST", "/steps/contain/start", "", 409) // not triaged
	call("POST", "/triage", `{"kind":"breach","severity":"high","owner_id":`+strconv.FormatInt(po.ID, 10)+`}`, 200)
	finish := func(step string) {
		t.Helper()
		if call("GET", "", "", 200)["steps"].(map[string]any)[step] == "pending" {
			call("POST", "/steps/"+step+"/start", "", 200)
		}
		tasks := call("GET", "/tasks", "", 200)["tasks"].([]any)
		for i, x := range tasks {
			task := x.(map[string]any)
			if task["step"] != step || task["done"] == true {
				continue
			}
			body := `{"done":true}`
			if i%2 == 1 {
				body = `{"not_applicable":"Nothing of the kind here."}`
			}
			call("PATCH", "/tasks/"+strconv.FormatInt(int64(task["id"].(float64)), 10), body, 200)
		}
		call("POST", "/steps/"+step+"/complete", "", 200)
	}
	call("POST", "/steps/contain/start", "", 200)
	if e := call("POST", "/steps/contain/complete", "", 409); !strings.Contains(e["message"].(string), "task") {
		t.Fatalf("complete with tasks open: %v", e)
	}
	finish("contain")
	call("POST", "/close", `{}`, 409) // no assessment
	call("POST", "/assessments", `{"schema":"breachdesk/facts/v1","timeline":{"discovered_at":"2026-01-01T00:00:00Z"},"organisation":{"subject_to":["nz_privacy_act"]},"cause":"human_error","data":{"categories":["name","financial_account"]},"people":{"count":40},"recipient":{"kind":"trusted_recipient"}}`, 201)
	finish("assess")
	obls := call("GET", "/obligations", "", 200)["obligations"].([]any)
	if len(obls) == 0 {
		t.Fatal("the assessment gave no obligations")
	}
	call("POST", "/steps/notify/start", "", 200)
	if e := call("POST", "/steps/notify/complete", "", 409); !strings.Contains(e["message"].(string), "bligation") {
		t.Fatalf("notify complete with obligations open: %v", e)
	}
	for _, x := range obls {
		o := x.(map[string]any)
		call("POST", "/obligations/"+strconv.FormatInt(int64(o["id"].(float64)), 10), `{"op":"decide","reason":"The recipient deleted it and confirmed in writing."}`, 200)
	}
	call("PUT", "/notice-text", `{"what_happened":"A payroll file was sent to the wrong person.","steps":["We asked them to delete it."]}`, 200)
	if n := call("GET", "/notices/individual", "", 200); !strings.Contains(n["text"].(string), "A payroll file was sent to the wrong person.") {
		t.Fatalf("the notice does not say what the team wrote: %v", n["text"])
	}
	finish("notify")
	r := call("POST", "/review/root-causes", `{"category":"human_error","description":"Autocomplete picked a namesake."}`, 201)
	if r["id"] == nil {
		t.Fatalf("root cause: %v", r)
	}
	call("PUT", "/review", `{"lessons":"Check the address before sending payroll.","went_well":"Quick recall."}`, 200)
	rv := call("GET", "/review", "", 200)
	if rv["went_well"] != "Quick recall." || len(rv["root_causes"].([]any)) != 1 {
		t.Fatalf("review: %v", rv)
	}
	call("POST", "/close", `{}`, 409) // review step not finished
	finish("review")
	inc := call("POST", "/close", "", 200)
	if inc["status"] != "closed" {
		t.Fatalf("close: %v", inc)
	}
	if _, q := f.callAPI(tok, "GET", "/api/v1/work", "", nil); q["overdue"] == nil {
		t.Fatalf("work queue: %v", q)
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
