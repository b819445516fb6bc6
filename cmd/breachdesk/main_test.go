package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestDemoUserAuditAndExport(t *testing.T) {
	data := t.TempDir()
	if code, out, errs := runCLI(t, "", "demo", "--data", data); code != 0 || !strings.Contains(out, "demo-password-2026") {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	if code, _, _ := runCLI(t, "", "demo", "--data", data); code != 1 {
		t.Fatal("the demo must refuse a database that has accounts")
	}
	if code, out, _ := runCLI(t, "a long enough password\n", "user", "add", "--data", data, "--email", "new@example.org", "--name", "New Person", "--role", "responder"); code != 0 || !strings.Contains(out, "Responder") {
		t.Fatalf("user add: %d %s", code, out)
	}
	if code, _, errs := runCLI(t, "short\n", "user", "add", "--data", data, "--email", "x@example.org", "--name", "X"); code != 2 || !strings.Contains(errs, "12 characters") {
		t.Fatalf("weak password: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "a long enough password\n", "user", "add", "--data", data, "--email", "y@example.org", "--name", "Y", "--role", "boss"); code != 2 || !strings.Contains(errs, "unknown role") {
		t.Fatalf("bad role: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "weak\n", "user", "passwd", "--data", data, "--email", "new@example.org"); code != 2 || !strings.Contains(errs, "12 characters") {
		t.Fatalf("weak new password: %d %s", code, errs)
	}
	if code, out, errs := runCLI(t, "another long password\n", "user", "passwd", "--data", data, "--email", "new@example.org"); code != 0 || !strings.Contains(out, "Password changed") {
		t.Fatalf("user passwd: %d %s %s", code, out, errs)
	}
	if code, out, _ := runCLI(t, "", "user", "list", "--data", data); code != 0 || !strings.Contains(out, "new@example.org") || !strings.Contains(out, "privacy@demo.breachdesk.test") {
		t.Fatalf("user list: %s", out)
	}
	code, out, _ := runCLI(t, "", "audit", "verify", "--data", data)
	if code != 0 || !strings.HasPrefix(out, "OK") {
		t.Fatalf("verify intact: %d %s", code, out)
	}

	code, out, _ = runCLI(t, "", "export", "--data", data, "--id", "4")
	var d map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &d) != nil || d["schema"] != "breachdesk/dossier/v1" {
		t.Fatalf("export json: %d %.200s", code, out)
	}
	pdf := filepath.Join(data, "inc4.pdf")
	if code, _, errs := runCLI(t, "", "export", "--data", data, "--id", "4", "--format", "pdf", "--out", pdf); code != 0 {
		t.Fatalf("export pdf: %s", errs)
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if p, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command(p, pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Family violence client records", "Deadlines", "Obligations under each law", "GDPR art 33(1)", "Audit trail", "Response steps and tasks"} {
			if !bytes.Contains(txt, []byte(want)) {
				t.Errorf("PDF text lacks %q", want)
			}
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but pdftotext (poppler-utils) is missing")
	}
	if code, _, errs := runCLI(t, "", "export", "--data", data, "--id", "999"); code != 1 || !strings.Contains(errs, "not found") {
		t.Fatalf("missing incident: %d %s", code, errs)
	}

	// Someone with the file edits an entry behind the application's back.
	db, err := sql.Open("sqlite", filepath.Join(data, "breachdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET actor = 'someone else' WHERE seq = 7`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	code, out, _ = runCLI(t, "", "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(out, "BROKEN at entry 7") {
		t.Fatalf("verify tampered: %d %s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, errs := runCLI(t, "", "frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Fatalf("unknown command: %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, "", "serve", "--no-such-flag"); code != 2 {
		t.Fatalf("bad flag: %d", code)
	}
	if code, _, errs := runCLI(t, "", "serve", "--help"); code != 0 || !strings.Contains(errs, "BREACHDESK_ADDR") {
		t.Fatalf("serve --help: %d %s", code, errs)
	}
	if code, out, _ := runCLI(t, "", "version"); code != 0 || !strings.HasPrefix(out, "breachdesk") {
		t.Fatalf("version: %s", out)
	}
}

// syncBuffer lets the test read what serve prints while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeStartsWithDemoAndStops runs the README's first command.
func TestServeStartsWithDemoAndStops(t *testing.T) {
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--demo"}, strings.NewReader(""), &out, &errb)
	}()
	var addr string
	// The demo's accounts are added as any account is, each password
	// hashed (argon2id, 64 MiB): on a loaded machine that takes seconds.
	for i := 0; i < 1200 && addr == ""; i++ {
		if _, rest, ok := strings.Cut(out.String(), "running at "); ok {
			addr = strings.Fields(rest)[0]
		}
		time.Sleep(25 * time.Millisecond)
	}
	if addr == "" {
		t.Fatalf("serve printed no address: %s %s", out.String(), errb.String())
	}
	resp, err := http.Get(addr + "/login")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("sign-in page: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	if strings.Contains(errb.String(), "demo.breachdesk.test") || strings.Contains(errb.String(), "Family violence") {
		t.Fatal("the log contains personal data or incident details")
	}
}

func TestAssessCommand(t *testing.T) {
	code, out, errs := runCLI(t, "", "assess", "--at", "2026-03-06T09:00:00Z", "../../examples/university-spreadsheet.yaml")
	for _, want := range []string{"RISK OF HARM: VERY HIGH", "Tell the affected people: RECOMMENDED", "ASSUMED:", "recipient.relation:",
		"Would change if:", "(recipient.accessed: \"no\"): NOT REQUIRED", "Decided on: unknown facts taken with caution"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("report lacks %q: %d %s %s", want, code, out, errs)
		}
	}
	code, out, _ = runCLI(t, "", "assess", "--json", "../../examples/university-spreadsheet.yaml")
	var a map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &a) != nil || a["schema"] != "breachdesk/assessment/v1.1" || a["assumptions"] == nil {
		t.Fatalf("--json: %d %.300s", code, out)
	}
	code, _, errs = runCLI(t, `{"schema":"breachdesk/facts/v1","timeline":{"discovered_at":"2026-03-02T09:00:00Z"},"colour":"red"}`, "assess", "-")
	if code != 2 || !strings.Contains(errs, "colour") {
		t.Fatalf("invalid facts: %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, "", "assess", "--at", "soon", "../../examples/university-spreadsheet.yaml"); code != 2 {
		t.Fatalf("bad --at: %d", code)
	}
}

func TestAssessMatrix(t *testing.T) {
	example := "../../examples/us-multistate-retailer.yaml"
	code, out, errs := runCLI(t, "", "assess", "--matrix", "text", "--only", "required", "--at", "2026-11-04T09:00:00Z", example)
	for _, want := range []string{"Notification matrix:", "US-CA: 1450", "Cal. Civ. Code § 1798.82(f)", "the Texas Attorney General", "PIPEDA", "Quebec"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("matrix lacks %q: %d %s %s", want, code, out, errs)
		}
	}
	if strings.Contains(out, "Not required") {
		t.Fatal("--only required shows rows not required")
	}
	if first := strings.Split(out, "\n")[4]; !strings.Contains(first, "2026-11-05") {
		t.Fatalf("sorted by deadline, the first row is the soonest: %s", first)
	}
	pdf := filepath.Join(t.TempDir(), "m.pdf")
	if code, _, errs := runCLI(t, "", "assess", "--matrix", "pdf", "--tz", "America/Chicago", "--out", pdf, example); code != 0 {
		t.Fatalf("pdf: %d %s", code, errs)
	}
	if b, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("pdf: %v", err)
	}
	code, out, _ = runCLI(t, "", "assess", "--matrix", "csv", "--sort", "people", example)
	if code != 0 || !strings.HasPrefix(out, "regime,law,family,") || !strings.Contains(strings.Split(out, "\n")[1], "us_ca,") {
		t.Fatalf("csv by people: %d %.300s", code, out)
	}
	for _, bad := range [][]string{{"--matrix", "xls"}, {"--matrix", "text", "--sort", "colour"}, {"--matrix", "text", "--tz", "Mars/Olympus"}} {
		if code, _, _ := runCLI(t, "", append(append([]string{"assess"}, bad...), example)...); code != 2 {
			t.Fatalf("%v: %d", bad, code)
		}
	}
}

func TestNoticeCommand(t *testing.T) {
	code, out, errs := runCLI(t, "", "notice", "--facts", "../../examples/retailer-card-skimming.yaml", "--kind", "oaic")
	if code != 0 || !strings.Contains(out, "Statement about an eligible data breach") || !strings.Contains(out, "Recommended steps for individuals") {
		t.Fatalf("oaic: %d %s %s", code, out, errs)
	}
	// Without the organisation's contact details the notice to people
	// lacks what the laws require: it is refused unless drafted.
	example, err := os.ReadFile("../../examples/university-spreadsheet.yaml")
	if err != nil {
		t.Fatal(err)
	}
	noContact := filepath.Join(t.TempDir(), "no-contact.yaml")
	if err := os.WriteFile(noContact, regexp.MustCompile(`(?m)^  contact:.*\n`).ReplaceAll(example, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, "", "notice", "--facts", noContact, "--kind", "individual")
	if code != 2 || !strings.Contains(errs, "how to contact the organisation") || !strings.Contains(errs, "--draft") {
		t.Fatalf("blocked notice: %d %s", code, errs)
	}
	code, out, errs = runCLI(t, "", "notice", "--facts", noContact, "--kind", "individual", "--draft", "--format", "html")
	if code != 0 || !strings.HasPrefix(out, "<!doctype html>") || !strings.Contains(errs, "[block]") {
		t.Fatalf("draft: %d %.100s %s", code, out, errs)
	}
	code, out, _ = runCLI(t, "", "notice", "--facts", "../../examples/retailer-card-skimming.yaml", "--kind", "individual", "--channel", "sms", "--url", "https://shop.example/n")
	if code != 0 || !strings.Contains(out, "https://shop.example/n") {
		t.Fatalf("sms: %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "", "notice", "--facts", "../../examples/retailer-card-skimming.yaml", "--kind", "memo"); code != 2 {
		t.Fatal("unknown kind")
	}
	data := t.TempDir()
	runCLI(t, "", "demo", "--data", data)
	code, out, errs = runCLI(t, "", "notice", "--data", data, "--kind", "notifyus", "--draft", "INC-0004")
	if code != 0 || !strings.Contains(out, "Harbourview Community Services") || !strings.Contains(out, "Is the problem that caused this breach ongoing?") {
		t.Fatalf("notifyus from the demo incident: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", "notice", "--data", data, "--kind", "notifyus", "1"); code != 2 || !strings.Contains(errs, "not been assessed") {
		t.Fatalf("unassessed incident: %d %s", code, errs)
	}
}

// TestRegisterRoundTrips exports the demo's register, wipes the data by
// starting a new folder, imports it and exports again: nothing is lost.
func TestRegisterRoundTrips(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	runCLI(t, "", "demo", "--data", a)
	first := filepath.Join(a, "register.json")
	if code, _, errs := runCLI(t, "", "register", "export", "--data", a, "--out", first); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	if code, _, errs := runCLI(t, "", "register", "import", "--data", b, first); code != 2 || !strings.Contains(errs, "no administrator") {
		t.Fatalf("import into a database without accounts: %d %s", code, errs)
	}
	runCLI(t, "an admin password 2026\n", "user", "add", "--data", b, "--email", "ada@example.org", "--name", "Ada", "--role", "admin")
	if code, out, errs := runCLI(t, "", "register", "import", "--data", b, first); code != 0 || !strings.Contains(out, "Imported 6 entries") {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	_, again, _ := runCLI(t, "", "register", "export", "--data", b)
	raw, _ := os.ReadFile(first)
	entries := func(s string) string {
		var d struct{ Entries json.RawMessage }
		if err := json.Unmarshal([]byte(s), &d); err != nil {
			t.Fatal(err)
		}
		return string(d.Entries)
	}
	if before, after := entries(string(raw)), entries(again); before != after || len(before) < 1000 {
		t.Fatalf("the register's entries changed in the round trip:\n--- before\n%.1500s\n--- after\n%.1500s", before, after)
	}
	if !strings.Contains(again, `"imported_effects"`) && !strings.Contains(again, "Risk of harm very high") {
		t.Fatal("effects were lost")
	}
	if code, out, _ := runCLI(t, "", "register", "export", "--data", a, "--format", "csv"); code != 0 || !strings.HasPrefix(out, "ref,title,kind") || strings.Count(out, "\nINC-") != 6 {
		t.Fatalf("csv: %d %.300s", code, out)
	}
	pdf := filepath.Join(a, "register.pdf")
	if code, _, _ := runCLI(t, "", "register", "export", "--data", a, "--format", "pdf", "--out", pdf); code != 0 {
		t.Fatal("pdf")
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if code, _, errs := runCLI(t, `{"schema":"breachdesk/register/v1","entries":[{"title":"","kind":"breach","status":"open"}]}`, "register", "import", "--data", b, "-"); code != 2 || !strings.Contains(errs, "title is empty") {
		t.Fatalf("bad register: %d %s", code, errs)
	}
}
