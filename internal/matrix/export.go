package matrix

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/breachdesk/breachdesk/internal/pdffont"
)

// CSVHeader is the first line of the CSV export.
var CSVHeader = []string{"regime", "law", "family", "title", "places", "people", "audience", "notify", "recipient", "decision", "status",
	"due", "target", "due_rule", "overdue", "threshold", "form", "substitute", "exceptions", "content", "citation", "why",
	"unsettled", "source_quality", "last_checked"}

// Record is the row as CSV cells; times are RFC 3339 in loc.
func (r Row) Record(loc *time.Location) []string {
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	people := ""
	if r.People > 0 {
		people = strconv.FormatInt(r.People, 10)
	}
	return []string{r.Regime, r.Short, r.Family, r.Title, strings.Join(r.Places, " "), people, r.Audience, r.Label, r.Recipient, r.Decision,
		r.Status, at(r.Due), at(r.Target), r.DueRule, strconv.FormatBool(r.Overdue), r.Threshold, r.Form, r.Substitute,
		strings.Join(r.Exceptions, "; "), strings.Join(r.Content, "; "), r.Citation, r.Why, strconv.FormatBool(r.Unsettled), r.Quality, r.LastChecked}
}

// WriteCSV writes the matrix for a spreadsheet. A cell a spreadsheet
// would run as a formula is prefixed with an apostrophe.
func (m Matrix) WriteCSV(w io.Writer, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range m.Rows {
		rec := r.Record(loc)
		for i, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				rec[i] = "'" + c
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteText writes the matrix as a table for a terminal.
func (m Matrix) WriteText(w io.Writer, loc *time.Location) error {
	fmt.Fprintf(w, "Notification matrix: %s\nAssessed %s; rules %s. %d obligations under %d laws.\n\n", m.Title,
		m.AssessedAt.In(loc).Format("2 Jan 2006 15:04 MST"), m.RulesVersion, len(m.Rows), m.laws())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEADLINE\tLAW\tPEOPLE\tNOTIFY\tDECISION\tSECTION")
	for _, r := range m.Rows {
		when := r.When(loc)
		if when == "" {
			when = "-"
		}
		if r.Overdue && r.Decision != "not_required" {
			when += " OVERDUE"
		}
		dec := Words(r.Decision)
		if r.Status != "" {
			dec += " (" + strings.ReplaceAll(r.Status, "_", " ") + ")"
		}
		where := r.Where()
		if where == "" {
			where = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", when, r.Short, where, clip(r.Who(), 40), dec, clip(r.Citation, 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range m.Notes {
		fmt.Fprintf(w, "\nNote: %s\n", n)
	}
	return nil
}

func (m Matrix) laws() int {
	seen := map[string]bool{}
	for _, r := range m.Rows {
		seen[r.Regime] = true
	}
	return len(seen)
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// pdfColumns are the PDF table's columns and widths in mm (A4 landscape,
// 273 mm between the margins).
var pdfColumns = []struct {
	head  string
	width float64
	cell  func(r Row, loc *time.Location) string
}{
	{"Deadline", 24, func(r Row, loc *time.Location) string {
		s := r.When(loc)
		if r.Overdue && r.Decision != "not_required" {
			s = "OVERDUE " + s
		}
		return s
	}},
	{"Law", 22, func(r Row, _ *time.Location) string { return r.Short + "\n" + r.Family }},
	{"People", 22, func(r Row, _ *time.Location) string { return r.Where() }},
	{"Notify", 36, func(r Row, _ *time.Location) string { return r.Label + "\n" + r.Recipient }},
	{"Decision", 20, func(r Row, _ *time.Location) string {
		s := Words(r.Decision)
		if r.Status != "" {
			s += "\n(" + strings.ReplaceAll(r.Status, "_", " ") + ")"
		}
		return s
	}},
	{"When, threshold, form, substitute notice", 62, func(r Row, _ *time.Location) string {
		return strings.Join(nonEmpty(r.DueRule, r.Threshold, r.Form, r.Substitute), "\n")
	}},
	{"Why", 50, func(r Row, _ *time.Location) string { return clip(r.Why, 320) }},
	{"Section", 37, func(r Row, _ *time.Location) string {
		s := r.Citation
		if r.Unsettled {
			s += "\n(points unsettled: see the reasons)"
		}
		return s
	}},
}

func nonEmpty(list ...string) []string {
	var out []string
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// WritePDF renders the matrix as an A4 landscape table for counsel, with
// the organisation named in the footer, in the embedded Unicode font.
func (m Matrix) WritePDF(w io.Writer, organisation string, loc *time.Location) error {
	p := fpdf.New("L", "mm", "A4", "")
	pdffont.Add(p)
	p.SetTitle("Notification matrix: "+m.Title, true)
	p.SetAuthor(organisation, true)
	p.SetCreator("breachdesk", true)
	p.SetMargins(12, 12, 12)
	p.SetAutoPageBreak(false, 14)
	p.SetFooterFunc(func() {
		p.SetY(-10)
		p.SetFont(pdffont.Family, "", 7)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(0, 4, fmt.Sprintf("%s  %s  Confidential: contains details of a privacy breach; a guide, not a final ruling  Page %d", organisation, m.Title, p.PageNo()), "", 0, "C", false, 0, "")
	})
	const line = 3.3
	header := func() {
		p.SetFont(pdffont.Family, "B", 7.5)
		p.SetFillColor(225, 232, 242)
		x := p.GetX()
		for _, c := range pdfColumns {
			p.CellFormat(c.width, 6, c.head, "1", 0, "L", true, 0, "")
		}
		p.Ln(-1)
		p.SetX(x)
	}
	p.AddPage()
	p.SetFont(pdffont.Family, "B", 14)
	p.MultiCell(0, 7, "Notification matrix: "+m.Title, "", "L", false)
	p.SetFont(pdffont.Family, "", 8.5)
	p.MultiCell(0, 4.5, fmt.Sprintf("%s. Assessed %s with rules %s: %d obligations under %d laws. Deadlines in %s. Each row is the engine's reading of the law cited; confirm with counsel before relying on it.",
		organisation, m.AssessedAt.In(loc).Format("2 Jan 2006 15:04 MST"), m.RulesVersion, len(m.Rows), m.laws(), loc.String()), "", "L", false)
	p.Ln(2)
	header()
	_, pageH := p.GetPageSize()
	for _, r := range m.Rows {
		p.SetFont(pdffont.Family, "", 7)
		cells := make([][]string, len(pdfColumns))
		n := 1
		for i, c := range pdfColumns {
			var lines []string
			for _, part := range strings.Split(c.cell(r, loc), "\n") {
				lines = append(lines, p.SplitText(part, c.width-2)...)
			}
			cells[i] = lines
			n = max(n, len(lines))
		}
		h := float64(n)*line + 1.5
		if p.GetY()+h > pageH-14 {
			p.AddPage()
			header()
			p.SetFont(pdffont.Family, "", 7) // the lines were measured in it
		}
		x, y := p.GetX(), p.GetY()
		if r.Overdue && r.Decision != "not_required" {
			p.SetTextColor(170, 20, 20)
		}
		for i, c := range pdfColumns {
			p.Rect(x, y, c.width, h, "D")
			p.SetXY(x+1, y+0.8)
			for _, l := range cells[i] {
				p.CellFormat(c.width-2, line, l, "", 2, "L", false, 0, "")
				p.SetX(x + 1)
			}
			x += c.width
		}
		p.SetTextColor(0, 0, 0)
		p.SetXY(12, y+h)
	}
	if len(m.Notes) > 0 {
		p.Ln(3)
		p.SetFont(pdffont.Family, "B", 9)
		if p.GetY() > pageH-30 {
			p.AddPage()
		}
		p.CellFormat(0, 5, "Notes", "", 1, "L", false, 0, "")
		p.SetFont(pdffont.Family, "", 7.5)
		for _, n := range m.Notes {
			if p.GetY() > pageH-20 {
				p.AddPage()
			}
			p.MultiCell(0, 3.8, "- "+n, "", "L", false)
		}
	}
	if err := p.Error(); err != nil {
		return err
	}
	return p.Output(w)
}
