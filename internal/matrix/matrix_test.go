package matrix

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/pdffont/pdftest"
)

var aware = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func assess(t *testing.T) (*law.Rules, law.Assessment) {
	t.Helper()
	rules, err := law.Load("")
	if err != nil {
		t.Fatal(err)
	}
	f, err := facts.Parse([]byte(`schema: breachdesk/facts/v1.1
title: Customer database copied
organisation: {name: "=Example Retail"}
timeline: {discovered_at: 2026-11-02T09:00:00Z}
cause: malicious_external
method: hacking
recipient: {kind: malicious_actor, accessed: "yes"}
effects: {confidentiality: "yes", exfiltrated: "yes"}
data: {categories: [name, government_id, contact, financial_account]}
people:
  count: 4200
  by_jurisdiction: {US-CA: 1200, US-NY: 800, US-TX: 700, US-FL: 400, US-MA: 100, CA-QC: 300, CA-ON: 200, GB: 250, FR: 150, SG: 100}
`))
	if err != nil {
		t.Fatal(err)
	}
	return rules, rules.Assess(f, law.Options{At: aware.Add(24 * time.Hour)})
}

func TestBuildHasARowPerObligationWithItsPlaces(t *testing.T) {
	rules, a := assess(t)
	m := Build(rules, a, "Customer database copied")
	if len(m.Rows) != len(a.Obligations) {
		t.Fatalf("%d rows for %d obligations", len(m.Rows), len(a.Obligations))
	}
	var ca *Row
	for i, r := range m.Rows {
		_, older := families[r.Regime] // the five first packs do not state a date yet
		if r.Citation == "" || r.Family == "" || r.Short == "" || (r.LastChecked == "" && !older) {
			t.Errorf("row %d (%s %s) lacks a citation, family, short name or last-checked date: %+v", i, r.Regime, r.Audience, r)
		}
		if r.Regime == "us_ca" && r.Audience == "regulator" {
			ca = &m.Rows[i]
		}
	}
	if ca == nil || ca.People != 1200 || strings.Join(ca.Places, ",") != "US-CA" || ca.Decision != "required" || ca.Short != "US-CA" || ca.Family != "us_state" {
		t.Fatalf("California's attorney general row: %+v", ca)
	}
	for _, r := range m.Rows {
		if r.Regime == "ca_pipeda" && (r.People != 500 || strings.Join(r.Places, " ") != "CA-ON CA-QC") {
			t.Errorf("PIPEDA covers Ontario and Quebec: %+v", r)
		}
	}
}

func TestSortByDeadlinePutsTheSoonestFirstAndNotRequiredLast(t *testing.T) {
	rules, a := assess(t)
	m := Build(rules, a, "x")
	if err := m.Sort("deadline"); err != nil {
		t.Fatal(err)
	}
	var last *time.Time
	seenNotRequired, seenNoClock := false, false
	for _, r := range m.Rows {
		if r.Decision == "not_required" {
			seenNotRequired = true
			continue
		}
		if seenNotRequired {
			t.Fatalf("%s %s (%s) after a row not required", r.Regime, r.Audience, r.Decision)
		}
		c := r.clock()
		if c == nil {
			seenNoClock = true
			continue
		}
		if seenNoClock {
			t.Fatalf("%s %s has a clock but comes after rows without one", r.Regime, r.Audience)
		}
		if last != nil && c.Before(*last) {
			t.Fatalf("%s %s due %s before the row above (%s)", r.Regime, r.Audience, c, last)
		}
		last = c
	}
	if err := m.Sort("people"); err != nil || m.Rows[0].People != 1200 {
		t.Fatalf("by people: %v, first %+v", err, m.Rows[0])
	}
	if err := m.Sort("place"); err != nil || m.Rows[0].Places[0] != "CA-ON" {
		t.Fatalf("by place: %v, first %+v", err, m.Rows[0])
	}
	if err := m.Sort("decision"); err != nil || m.Rows[0].Decision != "required" || m.Rows[len(m.Rows)-1].Decision != "not_required" {
		t.Fatalf("by decision: %v", err)
	}
	if err := m.Sort("colour"); err == nil {
		t.Fatal("an unknown order is refused")
	}
	m.Only("not_required")
	for _, r := range m.Rows {
		if r.Decision != "not_required" {
			t.Fatalf("only not_required kept %+v", r)
		}
	}
}

func TestCSVHasEveryColumnAndNoFormulas(t *testing.T) {
	rules, a := assess(t)
	m := Build(rules, a, "x")
	m.Rows[0].Why = "=HYPERLINK(\"http://evil\")"
	var b bytes.Buffer
	if err := m.WriteCSV(&b, time.UTC); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(m.Rows)+1 || strings.Join(recs[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("%d records, header %v", len(recs), recs[0])
	}
	for _, rec := range recs[1:] {
		if len(rec) != len(CSVHeader) {
			t.Fatalf("%d cells: %v", len(rec), rec)
		}
		for _, c := range rec {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Fatalf("a cell a spreadsheet would run: %q", c)
			}
		}
	}
}

func TestPDFAndText(t *testing.T) {
	rules, a := assess(t)
	m := Build(rules, a, "Customer database copied")
	m.Sort("deadline")
	var b bytes.Buffer
	ny, _ := time.LoadLocation("America/New_York")
	if err := m.WritePDF(&b, "Example Retail", ny); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) || b.Len() < 5000 {
		t.Fatalf("not a PDF: %d bytes", b.Len())
	}
	words := pdftest.Words(t, b.Bytes())
	text := pdftest.Text(words)
	for _, want := range []string{"Commission d'accès à l'information", "Cal. Civ. Code § 1798.82(f)", "US-CA"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if o := pdftest.Overlaps(words); len(o) > 0 {
		t.Fatalf("words printed over each other: %v", o[:min(len(o), 5)])
	}
	b.Reset()
	if err := m.WriteText(&b, time.UTC); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "US-CA") || !strings.Contains(b.String(), "Cal. Civ. Code § 1798.82(f)") {
		t.Fatalf("text:\n%s", b.String())
	}
}
