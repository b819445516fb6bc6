package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "exposed")
	os.MkdirAll(in, 0o755)
	os.WriteFile(filepath.Join(in, "clients.csv"), []byte("name,email,IRD number\nAroha Ngata,aroha@example.nz,49-091-850\n"), 0o644)
	os.WriteFile(filepath.Join(in, "broken.zip"), []byte("not a zip"), 0o644)
	people, summary := filepath.Join(dir, "people.jsonl"), filepath.Join(dir, "summary.json")
	key := strings.Repeat("ab", 16)
	code, out, errs := runCLI(t, "", "scan", "--key", key, "--people", people, "--summary", summary, in)
	if code != 0 {
		t.Fatalf("scan: %d %s", code, errs)
	}
	if strings.Contains(out, "aroha@example.nz") || strings.Contains(out, "49091850") {
		t.Fatal("raw values in the findings without --reveal")
	}
	types := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var f map[string]any
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("finding is not JSON: %s", sc.Text())
		}
		if f["path"] != "clients.csv" || f["line"] != 2.0 || len(f["hmac"].(string)) != 64 {
			t.Fatalf("finding: %v", f)
		}
		types[f["type"].(string)] = true
	}
	if !types["email"] || !types["nz_ird"] || !types["person_name"] {
		t.Fatalf("types found: %v", types)
	}
	p, _ := os.ReadFile(people)
	if !strings.Contains(string(p), `"jurisdiction":"NZ"`) || strings.Count(string(p), "\n") != 1 {
		t.Fatalf("people: %s", p)
	}
	var sum struct {
		Skipped []struct{ Path, Reason string }
		People  int
		Key     string
	}
	b, _ := os.ReadFile(summary)
	if err := json.Unmarshal(b, &sum); err != nil || len(sum.Skipped) != 1 || sum.Skipped[0].Path != "broken.zip" || sum.People != 1 || sum.Key != "" {
		t.Fatalf("summary: %s", b)
	}
	// --reveal puts raw values in; a generated key is printed.
	code, out, errs = runCLI(t, "", "scan", "--reveal", in)
	if code != 0 || !strings.Contains(out, `"value":"aroha@example.nz"`) || !strings.Contains(errs, "Scan key") {
		t.Fatalf("reveal: %d %s %s", code, out, errs)
	}
	// It cannot start: exit 1.
	for _, args := range [][]string{{"scan"}, {"scan", filepath.Join(dir, "missing")}, {"scan", "--key", "zz", in}, {"scan", "--nope", in}} {
		if code, _, _ := runCLI(t, "", args...); code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
	}
}
