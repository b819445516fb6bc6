package dossier

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
	"github.com/breachdesk/breachdesk/internal/pdffont/pdftest"
)

// Bug: the dossier printed "Māori" as "M.ori" (Helvetica through a cp1252
// translator) and, on page 2, "Assessed ..." over the owner's name.
func TestDossierPDFReadsAsWrittenWithNothingOverlapping(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	n := 12
	inc := &incident.Incident{ID: 7, Title: "Whānau records sent to the wrong Māori health provider", Kind: incident.KindBreach, Status: incident.StatusClosed,
		Triaged: true, Severity: incident.SeverityHigh, ReporterName: "Aroha Ngāti", OwnerName: "Tūī Pōhatu-Whakaaro", Steps: incident.NewSteps(),
		Report:    incident.Report{WhatHappened: "Referral letters for twelve whānau were emailed to another provider.", DiscoveredAt: at, PeopleCount: &n, Ongoing: "no"},
		CreatedAt: at, ClosedAt: &at, CloseReason: "Response complete."}
	done := at.Add(30 * time.Hour)
	inc.Obligations = []incident.Obligation{{ID: 1, Regime: incident.RegimeNZ, Audience: "regulator", Citation: "Privacy Act 2020 s 114", Decision: "required",
		Status: incident.ObligationDone, DoneAt: &done, Reference: "NotifyUs ref 2026-0042", DecidedBy: "Tūī Pōhatu-Whakaaro"}}
	var tasks []incident.Task
	for _, st := range incident.AllSteps {
		for _, title := range incident.Checklists[st] {
			tasks = append(tasks, incident.Task{Step: st, Title: title, Done: true, DoneAt: &done, DoneBy: "Tūī Pōhatu-Whakaaro", AssigneeName: "Rāwiri Kīngi"})
		}
	}
	var tl []incident.Entry
	for i := range 60 {
		tl = append(tl, incident.Entry{At: at.Add(time.Duration(i) * time.Hour), Kind: incident.EntryNote, ActorName: "Tūī Pōhatu-Whakaaro", Text: "Called the provider's privacy officer (Māori health)."})
	}
	o := org.Organisation{Name: "Kaiāwhina Health Trust", ContactName: "Tūī Pōhatu-Whakaaro", TimeZone: "Pacific/Auckland", RetentionYears: 10}
	d := Build(o, inc, tasks, tl, nil, []incident.Participant{{Name: "Rāwiri Kīngi", Role: "Team leader"}}, []audit.Entry{{Seq: 1, At: at, Actor: "Aroha Ngāti", Action: "incident.report", Object: "incident:7", Details: "{}", Hash: strings.Repeat("ab", 32)}}, at)
	for i := range 3 {
		d.Assessments = append(d.Assessments, Assessment{AssessedAt: at.Add(time.Duration(i) * time.Hour), By: "Tūī Pōhatu-Whakaaro", RulesVersion: "2026.11",
			Summary: "Assessed (rules 2026.11): risk of harm high. Required: NZ regulator, NZ individuals."})
	}
	d.Review = Review{Lessons: "Check the provider's address with the whānau before sending.", RootCauses: []RootCause{{Category: "Human error", Description: "Auto-fill chose the wrong provider."}},
		Actions: []Action{{Title: "Turn off auto-fill for referrals", Owner: "Rāwiri Kīngi", Due: &done}}}
	var b bytes.Buffer
	if err := d.WritePDF(&b); err != nil {
		t.Fatal(err)
	}
	words := pdftest.Words(t, b.Bytes())
	text := pdftest.Text(words)
	for _, want := range []string{"Māori", "Tūī", "Pōhatu-Whakaaro", "Kaiāwhina", "Assessed", "NotifyUs", "Auto-fill", "Lessons", "Turn off auto-fill for referrals"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	if o := pdftest.Overlaps(words); len(o) > 0 {
		t.Fatalf("%d words printed over others, e.g. %s", len(o), strings.Join(o[:min(5, len(o))], "; "))
	}
}
