package register

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/pdffont/pdftest"
)

// Bug: the register PDF printed "Māori" as "M.ori" and its times in UTC.
func TestRegisterPDFReadsAsWrittenWithNothingOverlapping(t *testing.T) {
	at := time.Date(2026, 3, 2, 20, 30, 0, 0, time.UTC)
	nz, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	n := 40
	d := Document{Organisation: "Kaiāwhina Health Trust", ExportedAt: at, Location: nz}
	for i := range 30 {
		d.Entries = append(d.Entries, Entry{Ref: fmt.Sprintf("INC-%04d", i+10), Title: "Whānau records sent to the wrong Māori health provider", Kind: "breach", Status: "closed",
			Severity: "high", DiscoveredAt: at, ReportedAt: at, ClosedAt: &at, WhatHappened: strings.Repeat("Referral letters for whānau were emailed to another provider. ", 4),
			Categories: []string{"name", "health"}, PeopleCount: &n, Effects: "Risk of harm high.", RemedialAction: "Recalled; the provider confirmed deletion.",
			Notifications: []Notification{{Regime: "nz_privacy_act", Audience: "regulator", Status: "done", DoneAt: &at, Reference: "NotifyUs 2026-0042"}},
			RootCauses:    []RootCause{{Category: "human_error", Description: "Auto-fill chose the wrong provider."}}, Lessons: "Check addresses with the whānau."})
	}
	var b bytes.Buffer
	if err := d.WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	words := pdftest.Words(t, b.Bytes())
	text := pdftest.Text(words)
	for _, want := range []string{"Kaiāwhina", "Māori", "whānau", "3 Mar 2026 09:30 NZDT", "NZ, tell the regulator: done 3 Mar 2026", "Human error"} {
		if !strings.Contains(text, want) {
			t.Errorf("the register's text lacks %q", want)
		}
	}
	if o := pdftest.Overlaps(words); len(o) > 0 {
		t.Fatalf("%d words printed over others, e.g. %s", len(o), strings.Join(o[:min(5, len(o))], "; "))
	}
}
