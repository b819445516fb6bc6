package main

import (
	"bufio"
	"encoding/json"
	"fmt"
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
		if f["path"] != "clients.csv" || f["line"] != 2.0 || len(f["id"].(string)) != 32 || f["hmac"] != nil {
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
	for _, args := range [][]string{{"scan"}, {"scan", filepath.Join(dir, "missing")}, {"scan", "--key", "zz", in}, {"scan", "--nope", in},
		{"scan", "--contract", "3", in}, {"scan", "--contract", "1", "--finding-hmac", "off", in}, {"scan", "--finding-hmac", "maybe", in}} {
		if code, _, _ := runCLI(t, "", args...); code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
	}
}

// Version 2 of the contract gives each finding an id instead of its
// HMAC, the people carrying their identifiers' HMACs, or beside it with
// --finding-hmac=on; version 1 writes what version 1 did. The summary
// says which was written.
func TestScanContractVersions(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "exposed")
	os.MkdirAll(in, 0o755)
	os.WriteFile(filepath.Join(in, "clients.csv"), []byte("First Name,Surname,email,IRD number,City,State,Postcode\nAroha,Ngata,aroha@example.com,49-091-850,Melbourne,VIC,3000\n"), 0o644)
	os.WriteFile(filepath.Join(in, "orders.csv"), []byte("order,email\n1,ben@example.co.nz\n"), 0o644)
	key := strings.Repeat("ab", 16)
	for _, c := range []struct {
		args                []string
		version             string
		id, hmac, peopleIDs bool
	}{
		{nil, "2", true, false, true},
		{[]string{"--finding-hmac=off"}, "2", true, false, true},
		{[]string{"--finding-hmac=on"}, "2", true, true, false},
		{[]string{"--contract", "1"}, "1", false, true, false},
		{[]string{"--contract", "1", "--finding-hmac=on"}, "1", false, true, false},
	} {
		people, summary := filepath.Join(dir, "people.jsonl"), filepath.Join(dir, "summary.json")
		args := append(append([]string{"scan", "--key", key, "--people", people, "--summary", summary}, c.args...), in)
		code, out, errs := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: %d %s", c.args, code, errs)
		}
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var f map[string]any
			json.Unmarshal(sc.Bytes(), &f)
			id, _ := f["id"].(string)
			hmac, _ := f["hmac"].(string)
			if (len(id) == 32) != c.id || (len(hmac) == 64) != c.hmac {
				t.Fatalf("%v: finding %s", c.args, sc.Text())
			}
		}
		b, _ := os.ReadFile(summary)
		if !strings.Contains(string(b), `"contract_version": `+c.version) || !strings.Contains(string(b), fmt.Sprintf(`"finding_hmac": %v`, c.hmac)) {
			t.Errorf("%v: summary %s", c.args, b)
		}
		p, _ := os.ReadFile(people)
		ps := string(p)
		v2 := c.version == "2"
		// Aroha is named in parts and lives in Victoria; Ben is placed by
		// his email's country domain alone, which version 1 does not know.
		if strings.Contains(ps, `"given_name":"A****","family_name":"N****"`) != v2 || strings.Contains(ps, `"subdivision":"AU-VIC"`) != v2 ||
			strings.Contains(ps, `"jurisdiction_basis":"email domain"`) != v2 || strings.Contains(ps, `"identifiers":[{"type":"email","hmac":"`) != c.peopleIDs ||
			!strings.Contains(ps, `"name":"A**** N****"`) || !strings.Contains(ps, `"jurisdiction":"AU"`) {
			t.Errorf("%v: people %s", c.args, ps)
		}
	}
}
