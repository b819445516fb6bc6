package notice

import (
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/breachdesk/breachdesk/internal/pdffont"
)

// Paper is a page size for letters.
type Paper string

// The paper sizes.
const (
	A4     Paper = "A4"
	Letter Paper = "Letter"
)

// Address is where a letter goes, printed where a window envelope shows it.
type Address struct {
	Lines []string
}

// PDFOptions lay out a PDF.
type PDFOptions struct {
	Paper   Paper
	From    []string // sender block, top right
	To      *Address // recipient block for a window envelope; nil for reports
	Date    string
	Footer  string
	Subject string
}

func newPDF(o PDFOptions) *fpdf.Fpdf {
	size := "A4"
	if o.Paper == Letter {
		size = "Letter"
	}
	p := fpdf.New("P", "mm", size, "")
	pdffont.Add(p) // every letter renders the same everywhere, with the accents of any name
	p.SetMargins(20, 18, 20)
	p.SetAutoPageBreak(true, 20)
	p.SetCreator("breachdesk", true)
	return p
}

// WritePDF renders the document. With a recipient address it is a letter:
// the address sits 20 mm from the left and 45 mm from the top, inside the
// window of DL and C5 envelopes (ISO 269/DIN 676 type A position).
func (d Document) WritePDF(w io.Writer, o PDFOptions) error {
	b := NewBatch(o.Paper)
	b.Add(d, o)
	return b.Write(w)
}

// Batch lays out many documents in one PDF (a print run of letters),
// loading the embedded fonts once rather than once per letter.
type Batch struct {
	p      *fpdf.Fpdf
	footer string
	first  int // first page of the current document
}

// NewBatch starts a PDF on the given paper.
func NewBatch(paper Paper) *Batch {
	b := &Batch{p: newPDF(PDFOptions{Paper: paper})}
	b.p.SetFooterFunc(func() {
		b.p.SetY(-14)
		b.p.SetFont("DejaVu", "", 8)
		b.p.SetTextColor(110, 110, 110)
		b.p.CellFormat(0, 5, strings.TrimSpace(b.footer+"  Page "+itoa(b.p.PageNo()-b.first+1)), "", 0, "C", false, 0, "")
		b.p.SetTextColor(0, 0, 0)
	})
	return b
}

// Pages is the number of pages laid out so far.
func (b *Batch) Pages() int { return b.p.PageNo() }

// Write finishes the PDF.
func (b *Batch) Write(w io.Writer) error {
	if err := b.p.Error(); err != nil {
		return err
	}
	return b.p.Output(w)
}

// Add lays out one document from a new page; its pages are numbered from 1.
func (b *Batch) Add(d Document, o PDFOptions) {
	p := b.p
	if b.first == 0 {
		p.SetTitle(d.Title, true)
		if o.Subject != "" {
			p.SetSubject(o.Subject, true)
		}
	}
	b.footer = o.Footer
	p.AddPage()
	b.first = p.PageNo()
	pageW, _ := p.GetPageSize()
	if len(o.From) > 0 {
		p.SetFont("DejaVu", "", 9)
		for i, l := range o.From {
			p.SetXY(pageW-20-75, 18+float64(i)*4.5)
			p.CellFormat(75, 4.5, l, "", 0, "R", false, 0, "")
		}
	}
	if o.To != nil {
		p.SetFont("DejaVu", "", 11)
		for i, l := range o.To.Lines {
			p.SetXY(20, 45+float64(i)*5.2)
			p.CellFormat(85, 5.2, l, "", 0, "L", false, 0, "")
		}
		p.SetY(45 + 40)
	} else {
		p.SetY(18 + float64(len(o.From))*4.5 + 6)
	}
	if o.Date != "" {
		p.SetFont("DejaVu", "", 10)
		p.CellFormat(0, 6, o.Date, "", 1, "L", false, 0, "")
		p.Ln(2)
	}
	p.SetFont("DejaVu", "B", 15)
	p.MultiCell(0, 7, d.Title, "", "L", false)
	p.Ln(2)
	for _, s := range d.Sections {
		if s.Heading != "" {
			p.Ln(2)
			p.SetFont("DejaVu", "B", 11.5)
			p.MultiCell(0, 6, s.Heading, "", "L", false)
		}
		for _, bl := range s.Blocks {
			b.block(bl)
		}
	}
}

func (b *Batch) block(bl Block) {
	p := b.p
	switch bl.Kind {
	case Paragraph:
		p.SetFont("DejaVu", "", 10.5)
		p.MultiCell(0, 5.2, bl.Text, "", "L", false)
		p.Ln(1.5)
	case List:
		p.SetFont("DejaVu", "", 10.5)
		for _, it := range bl.Items {
			x := p.GetX()
			p.CellFormat(6, 5.2, "•", "", 0, "L", false, 0, "")
			p.MultiCell(0, 5.2, it, "", "L", false)
			p.SetX(x)
		}
		p.Ln(1.5)
	case Answer:
		p.SetFont("DejaVu", "B", 10)
		p.MultiCell(0, 5, bl.Text, "", "L", false)
		p.SetFont("DejaVu", "", 10)
		ans := bl.Answer
		if bl.Missing {
			p.SetTextColor(180, 35, 24)
			ans = "Not answered yet"
			if bl.Optional {
				p.SetTextColor(0, 0, 0)
				ans = "(not given)"
			}
		}
		p.MultiCell(0, 5, ans, "", "L", false)
		p.SetTextColor(0, 0, 0)
		p.Ln(1.5)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
