package register

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// WritePDF writes the register as a landscape A4 report, one block per
// entry, for a board pack or a regulator's request.
func (d Document) WritePDF(w io.Writer) error {
	p := fpdf.New("L", "mm", "A4", "")
	tr := p.UnicodeTranslatorFromDescriptor("")
	p.SetTitle("Breach register: "+d.Organisation, true)
	p.SetMargins(14, 14, 14)
	p.SetAutoPageBreak(true, 14)
	p.SetFooterFunc(func() {
		p.SetY(-10)
		p.SetFont("Helvetica", "", 7)
		p.CellFormat(0, 4, tr(fmt.Sprintf("%s breach register, exported %s. Confidential. Page %d", d.Organisation, d.ExportedAt.Format("2 Jan 2006"), p.PageNo())), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	p.SetFont("Helvetica", "B", 16)
	p.CellFormat(0, 9, tr("Breach register: "+d.Organisation), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 9)
	p.MultiCell(0, 5, tr(fmt.Sprintf("%d entries: every breach and near miss, notified or not, with its facts, effects and remedial action (GDPR art 33(5)).", len(d.Entries))), "", "L", false)
	p.Ln(2)
	for _, e := range d.Entries {
		p.SetFont("Helvetica", "B", 10)
		p.MultiCell(0, 5.5, tr(fmt.Sprintf("%s  %s  [%s, %s, severity %s]", e.Ref, e.Title, incident.Kind(e.Kind).Label(), e.Status, orDash(e.Severity))), "T", "L", false)
		p.SetFont("Helvetica", "", 8.5)
		line := func(label, v string) {
			if strings.TrimSpace(v) == "" {
				return
			}
			p.MultiCell(0, 4.3, tr(label+": "+v), "", "L", false)
		}
		line("Found", e.DiscoveredAt.Format("2 Jan 2006 15:04 MST")+"; reported "+e.ReportedAt.Format("2 Jan 2006")+contained(e))
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
			s := incident.RegimeLabel(n.Regime) + " " + n.Audience + ": " + strings.ReplaceAll(n.Status, "_", " ")
			if n.DoneAt != nil {
				s += " " + n.DoneAt.Format("2 Jan 2006")
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

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func contained(e Entry) string {
	s := ""
	if e.ContainedAt != nil {
		s += "; contained " + e.ContainedAt.Format("2 Jan 2006")
	}
	if e.ClosedAt != nil {
		s += "; closed " + e.ClosedAt.Format("2 Jan 2006")
	}
	return s
}
