package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/vault"
)

func (c *client) upload(path, field, name string, body []byte, extra url.Values) *http.Response {
	c.f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", c.csrf)
	for k, vs := range extra {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if name != "" {
		w, _ := mw.CreateFormFile(field, name)
		w.Write(body)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.f.ts.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := c.do(req)
	resp.Body.Close()
	return resp
}

// A scan of uploaded files runs as a background job, is summarised on the
// incident, feeds the Assess step, and keeps no raw values.
func TestScanJobFeedsTheIncident(t *testing.T) {
	f := newFixture(t).withOrg()
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	outsider := f.user("other@example.org", auth.Responder, false)
	inc := f.incident(po, "Client list on a public share")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10)

	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("share/clients.csv")
	w.Write([]byte("name,email,mobile,IRD number,diagnosis\nAroha Ngata,aroha@example.nz,021 234 5678,49-091-850,asthma\nBen Smith,ben@example.au,0412 345 678,,\n"))
	zw.Close()

	if code := f.login(outsider.Email).upload(path+"/scans", "file", "share.zip", zb.Bytes(), nil).StatusCode; code != http.StatusNotFound {
		t.Fatalf("a responder outside the incident started a scan: %d", code)
	}
	if code := c.upload(path+"/scans", "file", "", nil, nil).StatusCode; code != http.StatusUnprocessableEntity {
		t.Fatalf("scan without a file: %d", code)
	}
	if code := c.upload(path+"/scans", "file", "x", nil, url.Values{"folder": {"/etc"}}).StatusCode; code != http.StatusSeeOther {
		// Without scan roots the folder field is ignored and the (empty) upload is scanned.
		t.Fatalf("folder without scan roots: %d", code)
	}
	resp := c.upload(path+"/scans", "file", "share.zip", zb.Bytes(), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	scanPath := resp.Header.Get("Location")
	if page := c.get(scanPath); !strings.Contains(page, "Waiting to start") || !strings.Contains(page, `http-equiv="refresh"`) {
		t.Fatal("a queued scan's page does not say so or refresh")
	}
	tok := f.apiToken(po.Email)
	metrics := func() string {
		req, _ := http.NewRequest("GET", f.ts.URL+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return string(b)
	}
	m := metrics()
	for _, want := range []string{"breachdesk_jobs_queued 2", `breachdesk_queue_depth{kind="scan"} 2`, `breachdesk_queue_running{kind="scan"} 0`,
		`breachdesk_queue_oldest_job_age_seconds{kind="scan"} `, "go_goroutines ", "process_resident_memory_bytes ",
		`breachdesk_http_request_duration_seconds_count{code="303",method="POST",route="POST /incidents/{id}/scans"} 2`,
		`breachdesk_incidents_open{kind="breach"} 1`} {
		if !strings.Contains(m, want) {
			t.Fatalf("/metrics lacks %q:\n%s", want, m)
		}
	}
	if strings.Contains(m, "share.zip") || strings.Contains(m, path) {
		t.Fatal("/metrics names a file or a path")
	}
	f.work()
	if m := metrics(); !strings.Contains(m, "breachdesk_jobs_queued 0") || !strings.Contains(m, "breachdesk_jobs_running 0") {
		t.Fatalf("queue after the run: %s", m)
	}
	js, _ := f.db.JobsOf(context.Background(), inc.ID)
	if len(js) != 2 || js[0].State != jobs.Done {
		t.Fatalf("jobs: %+v", js)
	}
	left := 0
	if err := f.srv.Blobs.List(context.Background(), strings.TrimPrefix(js[0].Input, "blob:"), func(string, int64) error { left++; return nil }); err != nil || left != 0 || !strings.HasPrefix(js[0].Input, "blob:scans/upload-") {
		t.Fatalf("the uploaded copy of %s was kept: %d files (%v)", js[0].Input, left, err)
	}
	page := c.get(scanPath)
	for _, want := range []string{"2 people", "1 in NZ", "1 in AU", "IRD numbers (NZ)", "Health information", "The uploaded copy was deleted"} {
		if !strings.Contains(page, want) {
			t.Fatalf("scan page lacks %q", want)
		}
	}
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Fatal("a finished scan's page still refreshes")
	}
	req, _ := http.NewRequest("GET", f.ts.URL+scanPath+"/findings.jsonl", nil)
	r := c.do(req)
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.Contains(string(body), `"path":"share.zip!/share/clients.csv"`) || strings.Contains(string(body), "aroha@example.nz") {
		t.Fatalf("findings download: %d %s", r.StatusCode, body)
	}
	if tl := c.get(path + "?tab=timeline"); !strings.Contains(tl, "Scan of share.zip finished: 1 file, 2 people found") {
		t.Fatal("the timeline does not record the scan's end")
	}
	// The people found join the encrypted list to notify; Aroha's IRD
	// number and health details put her at risk, Ben's contact details not.
	if page := c.get(path + "/notices?kind=individual"); !strings.Contains(page, "2 people on the list (stored encrypted): 1 at risk") {
		t.Fatal("the scan's people are not on the list to notify")
	}
	listed, _ := f.db.AffectedPeople(context.Background(), inc.ID)
	if len(listed) != 2 || listed[0].Email != "aroha@example.nz" || listed[0].Name != "Aroha Ngata" {
		t.Fatalf("listed: %+v", listed)
	}
	// The people file is masked, and sealed in the file store.
	pr, err := f.srv.Blobs.Open(context.Background(), "scans/job-"+strconv.FormatInt(js[0].ID, 10)+"/people.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	pf, err := io.ReadAll(pr)
	pr.Close()
	if err != nil || len(pf) == 0 || strings.Contains(string(pf), "aroha@example.nz") || strings.Contains(string(pf), "Ngata") {
		t.Fatalf("the people file is not masked: %s (%v)", pf, err)
	}
	raw, err := os.ReadFile(filepath.Join(f.dir, "scans", "job-"+strconv.FormatInt(js[0].ID, 10), "people.jsonl"))
	if err != nil || !strings.HasPrefix(string(raw), vault.StreamMagic) {
		t.Fatalf("the people file on disk is not sealed (%v)", err)
	}
	assess := c.get(path + "/assess")
	for _, want := range []string{`id="scan-note"`, `value="ird_number" checked`, `value="health" checked`, "AU=1, NZ=1"} {
		if !strings.Contains(assess, want) {
			t.Fatalf("the assessment form is not fed by the scan: lacks %q", want)
		}
	}
}

func TestScanFolderMustBeInsideTheRoots(t *testing.T) {
	f := newFixture(t).withOrg()
	root := filepath.Join(f.dir, "exports")
	os.MkdirAll(filepath.Join(root, "hr"), 0o755)
	os.WriteFile(filepath.Join(root, "hr", "staff.csv"), []byte("email\nkiri@example.nz\n"), 0o644)
	f.srv.ScanRoots = []string{root}
	po := f.user("po@example.org", auth.PrivacyOfficer, true)
	inc := f.incident(po, "HR export exposed")
	c := f.login(po.Email)
	path := "/incidents/" + strconv.FormatInt(inc.ID, 10) + "/scans"
	for _, bad := range []string{"/etc", filepath.Join(root, "..", "evidence"), "relative/path", filepath.Join(root, "missing")} {
		if code := c.post(path, url.Values{"folder": {bad}}).StatusCode; code != http.StatusForbidden && code != http.StatusUnprocessableEntity {
			t.Errorf("folder %q: %d", bad, code)
		}
	}
	if code := c.post(path, url.Values{"folder": {filepath.Join(root, "hr")}}).StatusCode; code != http.StatusSeeOther {
		t.Fatalf("folder inside the root: %d", code)
	}
	f.work()
	js, _ := f.db.JobsOf(context.Background(), inc.ID)
	if len(js) != 1 || js[0].State != jobs.Done || !strings.Contains(js[0].Result, `"people":1`) {
		t.Fatalf("folder scan: %+v", js)
	}
	if _, err := os.Stat(filepath.Join(root, "hr", "staff.csv")); err != nil {
		t.Fatal("a scanned server folder must be left alone")
	}
}
