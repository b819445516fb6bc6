package dossier

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/pdffont"
)

// labelWidth is the width of a field's label column, in mm.
const labelWidth = 48

// WritePDF renders the dossier as an A4 document: the facts first, then
// the clocks, obligations and notices given, the steps and their tasks,
// the review, decisions, the timeline, the evidence with its hashes and
// the audit trail. It is set in the embedded Unicode font, so every name
// prints as written; a label too wide for its column takes a line of its
// own, so no text is printed over another.
func (d *Dossier) WritePDF(w io.Writer) error {
	p := fpdf.New("P", "mm", "A4", "")
	pdffont.Add(p)
	const font = pdffont.Family
	p.SetTitle(d.Incident.Ref+" "+d.Incident.Title, true)
	p.SetAuthor(d.Organisation.Name, true)
	p.SetCreator("breachdesk", true)
	p.SetMargins(18, 18, 18)
	p.SetAutoPageBreak(true, 18)
	p.SetFooterFunc(func() {
		p.SetY(-13)
		p.SetFont(font, "", 8)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(0, 5, fmt.Sprintf("%s  %s  Confidential: contains details of a privacy breach  Page %d", d.Organisation.Name, d.Incident.Ref, p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	t := func(x time.Time) string { return x.In(d.timeZone).Format("2 Jan 2006 15:04 MST") }
	tp := func(x *time.Time) string {
		if x == nil {
			return "-"
		}
		return t(*x)
	}
	heading := func(s string) {
		p.Ln(3)
		p.SetFont(font, "B", 12)
		p.SetTextColor(20, 50, 90)
		p.MultiCell(0, 7, s, "B", "L", false)
		p.SetTextColor(0, 0, 0)
		p.Ln(1)
	}
	field := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			value = "-"
		}
		p.SetFont(font, "B", 9)
		if p.GetStringWidth(label) > labelWidth-2 {
			// Too wide for its column: the label takes its own line, the
			// value the line below, so neither is printed over the other.
			p.MultiCell(0, 5.5, label, "", "L", false)
			p.SetFont(font, "", 9)
			left, _, _, _ := p.GetMargins()
			p.SetX(left + labelWidth)
			p.MultiCell(0, 5.5, value, "", "L", false)
			return
		}
		p.CellFormat(labelWidth, 5.5, label, "", 0, "L", false, 0, "")
		p.SetFont(font, "", 9)
		p.MultiCell(0, 5.5, value, "", "L", false)
	}
	para := func(s string) {
		p.SetFont(font, "", 9)
		p.MultiCell(0, 5, s, "", "L", false)
	}

	p.SetFont(font, "B", 18)
	p.MultiCell(0, 9, d.Incident.Ref+": "+d.Incident.Title, "", "L", false)
	p.SetFont(font, "", 10)
	p.MultiCell(0, 6, "Incident dossier of "+d.Organisation.Name+", exported "+t(d.ExportedAt), "", "L", false)

	i := d.Incident
	heading("The incident")
	field("Classification", incident.Kind(i.Kind).Label())
	field("Status", incident.Status(i.Status).Label())
	field("Severity", incident.Severity(i.Severity).Label())
	field("Reported by", i.ReportedBy+", "+t(i.ReportedAt))
	field("Owner", i.Owner)
	field("Happened", tp(i.OccurredAt))
	field("Found (awareness)", t(i.DiscoveredAt))
	field("Still going on", i.Ongoing)
	cats := make([]string, len(i.DataCategories))
	for k, c := range i.DataCategories {
		cats[k] = incident.LabelOf(incident.DataCategories, c)
	}
	field("Information involved", strings.Join(cats, ", "))
	people := "not known"
	if i.PeopleCount != nil {
		people = fmt.Sprint(*i.PeopleCount)
	}
	field("People affected", people)
	field("Cause", incident.LabelOf(incident.Causes, i.Cause))
	field("Who has it now", incident.LabelOf(incident.Recipients, i.Recipient))
	field("Escalated", map[bool]string{true: "Yes, " + tp(i.EscalatedAt), false: "No"}[i.Escalated])
	if i.ClosedAt != nil {
		field("Closed", t(*i.ClosedAt)+": "+i.CloseReason)
	}
	heading("What happened")
	para(i.WhatHappened)
	if i.HowItHappened != "" {
		heading("How it happened")
		para(i.HowItHappened)
	}
	if i.WhereItWent != "" {
		heading("Where the information went")
		para(i.WhereItWent)
	}
	if i.ActionsTaken != "" {
		heading("What was done when it was reported")
		para(i.ActionsTaken)
	}

	if len(d.Clocks) > 0 {
		heading("Deadlines")
		for _, c := range d.Clocks {
			state := "open"
			switch {
			case c.MetAt != nil && c.Late:
				state = "met late, " + t(*c.MetAt)
			case c.MetAt != nil:
				state = "met, " + t(*c.MetAt)
			case c.Late:
				state = "OVERDUE"
			}
			field(c.Name, "due "+t(c.Due)+" ("+state+"). "+c.Basis)
		}
	}

	if len(d.Obligations) > 0 {
		heading("Obligations under each law")
		for _, o := range d.Obligations {
			when := "-"
			switch {
			case o.Due != nil:
				when = "due " + t(*o.Due)
			case o.Target != nil:
				when = "target " + t(*o.Target)
			}
			status := strings.ReplaceAll(o.Status, "_", " ")
			if o.DoneAt != nil {
				status += " " + t(*o.DoneAt)
			}
			if o.Reference != "" {
				status += ", ref " + o.Reference
			}
			if o.StatusReason != "" {
				status += " (" + o.StatusReason + ")"
			}
			field(incident.RegimeLabel(o.Regime)+" "+o.Audience, o.Citation+": assessment "+strings.ReplaceAll(o.Decision, "_", " ")+"; "+when+"; "+status)
		}
	}
	for _, a := range d.Assessments {
		field("Assessed "+t(a.AssessedAt), a.By+": "+a.Summary)
	}

	heading("Notices given")
	if len(d.Notices) == 0 {
		para("No notice has been given yet.")
	}
	for _, n := range d.Notices {
		to := n.To
		if n.Law != "" {
			to = n.Law + ": " + to
		}
		by := ""
		if n.By != "" {
			by = " (" + n.By + ")"
		}
		field(t(n.At), to+by+". "+n.Detail)
	}

	heading("Response steps and tasks")
	for _, s := range d.Steps {
		st := incident.Step(s.Step)
		p.SetFont(font, "B", 10)
		p.MultiCell(0, 6, fmt.Sprintf("%s: %s (started %s, done %s)", st.Label(), s.State, tp(s.StartedAt), tp(s.DoneAt)), "", "L", false)
		for _, tk := range d.Tasks {
			if tk.Step != s.Step {
				continue
			}
			mark := "[ ]"
			extra := ""
			if tk.Done {
				mark, extra = "[x]", " - done by "+tk.DoneBy+", "+tp(tk.DoneAt)
			}
			if tk.Assignee != "" {
				extra += " - assigned to " + tk.Assignee
			}
			para("  " + mark + " " + tk.Title + extra)
		}
	}

	heading("Review")
	rv := d.Review
	if rv.Lessons == "" && len(rv.RootCauses) == 0 && len(rv.Actions) == 0 && rv.WentWell == "" && rv.WentBadly == "" {
		para("Not reviewed yet.")
	}
	for _, c := range rv.RootCauses {
		field("Root cause", c.Category+": "+c.Description)
	}
	if rv.WentWell != "" {
		field("What went well", rv.WentWell)
	}
	if rv.WentBadly != "" {
		field("What went badly", rv.WentBadly)
	}
	if rv.Lessons != "" {
		field("Lessons learned", rv.Lessons)
	}
	for _, a := range rv.Actions {
		v := a.Title + ", owned by " + a.Owner + ", due " + tp(a.Due)
		if a.Link != "" {
			v += "; changes " + a.Link
		}
		if a.Done != nil {
			v += "; done " + t(*a.Done)
		}
		field("Action", v)
	}
	if d.RetainUntil != nil {
		field("Kept until", t(*d.RetainUntil)+" (the organisation's retention period after closing)")
	}

	if len(d.Participants) > 0 {
		heading("Response team")
		for _, pt := range d.Participants {
			field(pt.Name, pt.Role)
		}
	}
	heading("Decisions")
	if len(d.Decisions) == 0 {
		para("No decisions recorded yet.")
	}
	for _, e := range d.Decisions {
		field(t(e.At), e.By+": "+e.Text)
	}
	heading("Timeline")
	for _, e := range d.Timeline {
		field(t(e.At), e.By+": "+e.Text)
	}
	heading("Evidence")
	if len(d.Evidence) == 0 {
		para("No evidence attached.")
	}
	for _, e := range d.Evidence {
		field(e.Filename, fmt.Sprintf("%s, %d bytes, uploaded by %s %s. SHA-256 %s. %s", e.ContentType, e.Size, e.UploadedBy, t(e.UploadedAt), e.SHA256, e.Description))
	}
	heading("Audit trail")
	para("Each entry carries the hash of the one before; `breachdesk audit verify` checks the whole chain.")
	for _, a := range d.Audit {
		p.SetFont(font, "", 7)
		p.MultiCell(0, 3.8, fmt.Sprintf("#%d %s %s %s %s %s\n   hash %s", a.Seq, a.At.UTC().Format(time.RFC3339), a.Actor, a.Action, a.Object, a.Details, a.Hash), "", "L", false)
	}
	if err := p.Error(); err != nil {
		return err
	}
	return p.Output(w)
}
