package register

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/pdffont"
)

// WritePDF writes the register as a landscape A4 report, one block per
// entry, for a board pack or a regulator's request.
func (d Document) WritePDF(w io.Writer) error {
	p := fpdf.New("L", "mm", "A4", "")
	pdffont.Add(p) // names print as written: "Māori", not "M.ori"
	const font = pdffont.Family
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	day := func(t time.Time) string { return t.In(loc).Format("2 Jan 2006") }
	p.SetTitle("Breach register: "+d.Organisation, true)
	p.SetMargins(14, 14, 14)
	p.SetAutoPageBreak(true, 14)
	p.SetFooterFunc(func() {
		p.SetY(-10)
		p.SetFont(font, "", 7)
		p.CellFormat(0, 4, fmt.Sprintf("%s breach register, exported %s. Confidential. Page %d", d.Organisation, day(d.ExportedAt), p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	p.SetFont(font, "B", 16)
	p.CellFormat(0, 9, "Breach register: "+d.Organisation, "", 1, "L", false, 0, "")
	p.SetFont(font, "", 9)
	p.MultiCell(0, 5, fmt.Sprintf("%d entries: every breach and near miss, notified or not, with its facts, effects and remedial action (GDPR art 33(5)).", len(d.Entries)), "", "L", false)
	p.Ln(2)
	for _, e := range d.Entries {
		p.SetFont(font, "B", 10)
		p.MultiCell(0, 5.5, fmt.Sprintf("%s  %s  [%s, %s, severity %s]", e.Ref, e.Title, incident.Kind(e.Kind).Label(), strings.ToLower(incident.Status(e.Status).Label()), orDash(incident.Severity(e.Severity))), "T", "L", false)
		p.SetFont(font, "", 8.5)
		line := func(label, v string) {
			if strings.TrimSpace(v) == "" {
				return
			}
			p.MultiCell(0, 4.3, label+": "+v, "", "L", false)
		}
		line("Found", e.DiscoveredAt.In(loc).Format("2 Jan 2006 15:04 MST")+"; reported "+day(e.ReportedAt)+contained(e, day))
		line("What happened", e.WhatHappened)
		cats := make([]string, len(e.Categories))
		for i, c := range e.Categories {
			cats[i] = incident.LabelOf(incident.DataCategories, c)
		}
		people := "not known"
		if e.PeopleCount != nil {
			people = fmt.Sprint(*e.PeopleCount)
		}
		line("Information", strings.Join(cats, ", ")+"; people affected: "+people)
		line("Effects", e.Effects)
		line("Remedial action", e.RemedialAction)
		var ns []string
		for _, n := range e.Notifications {
			s := incident.RegimeLabel(n.Regime) + ", " + strings.ToLower((&incident.Obligation{Audience: n.Audience}).AudienceLabel()) + ": " + strings.ReplaceAll(n.Status, "_", " ")
			if n.DoneAt != nil {
				s += " " + day(*n.DoneAt)
			}
			if n.Reference != "" {
				s += " (" + n.Reference + ")"
			}
			ns = append(ns, s)
		}
		line("Notifications", strings.Join(ns, "; "))
		var cs []string
		for _, c := range e.RootCauses {
			cs = append(cs, incident.LabelOf(incident.CauseCategories, c.Category)+": "+c.Description)
		}
		line("Root causes", strings.Join(cs, "; "))
		line("Lessons", e.Lessons)
		p.Ln(2)
	}
	if err := p.Error(); err != nil {
		return err
	}
	return p.Output(w)
}

func orDash(s incident.Severity) string {
	if s == "" {
		return "-"
	}
	return strings.ToLower(s.Label())
}

func contained(e Entry, day func(time.Time) string) string {
	s := ""
	if e.ContainedAt != nil {
		s += "; contained " + day(*e.ContainedAt)
	}
	if e.ClosedAt != nil {
		s += "; closed " + day(*e.ClosedAt)
	}
	return s
}
