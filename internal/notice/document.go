// Package notice writes what a breach response must tell people: the
// regulator reports (NotifyUs answers, the OAIC statement, an OVIC report,
// a GDPR art 33 notification) and the notices to affected individuals and
// the public. Templates are plain text with a few markers, so that the
// same document renders to text, HTML and PDF, and the checks that guard
// sending (required content, plain English, no over-sharing) read what
// was actually rendered. It knows nothing of delivery.
package notice

import (
	"strings"
	"unicode/utf8"
)

// Document is a rendered notice: a title and sections of blocks.
type Document struct {
	Title    string
	Sections []Section
}

// Section is a heading and what follows it. The first section may have no
// heading (the greeting).
type Section struct {
	Heading string
	Blocks  []Block
}

// BlockKind is the sort of a block.
type BlockKind int

// The kinds of block.
const (
	Paragraph BlockKind = iota
	List
	Answer // a question of a form with its answer; Missing when unanswered
)

// Block is a paragraph, a bulleted list, or a question with its answer.
type Block struct {
	Kind     BlockKind
	Text     string   // paragraph text, or the question
	Items    []string // list items
	Answer   string
	Missing  bool // the question has no answer yet
	Optional bool // an unanswered optional question is not flagged
}

// Parse reads the markup templates produce:
//
//	# Title
//	## Heading
//	- list item
//	Q: question
//	A: answer   (an empty answer marks the question unanswered; "A?:" marks it optional)
//
// Other lines are paragraphs; blank lines separate paragraphs, and lines
// of one paragraph are joined.
func Parse(src string) Document {
	var d Document
	cur := &Section{}
	var para []string
	flush := func() {
		if len(para) > 0 {
			cur.Blocks = append(cur.Blocks, Block{Kind: Paragraph, Text: strings.Join(para, " ")})
			para = nil
		}
	}
	endSection := func() {
		flush()
		if cur.Heading != "" || len(cur.Blocks) > 0 {
			d.Sections = append(d.Sections, *cur)
		}
	}
	for _, raw := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "## "):
			endSection()
			cur = &Section{Heading: strings.TrimSpace(line[3:])}
		case strings.HasPrefix(line, "# "):
			flush()
			d.Title = strings.TrimSpace(line[2:])
		case strings.HasPrefix(line, "- "):
			flush()
			item := strings.TrimSpace(line[2:])
			if item == "" {
				continue
			}
			if n := len(cur.Blocks); n > 0 && cur.Blocks[n-1].Kind == List {
				cur.Blocks[n-1].Items = append(cur.Blocks[n-1].Items, item)
			} else {
				cur.Blocks = append(cur.Blocks, Block{Kind: List, Items: []string{item}})
			}
		case strings.HasPrefix(line, "Q: "):
			flush()
			cur.Blocks = append(cur.Blocks, Block{Kind: Answer, Text: strings.TrimSpace(line[3:]), Missing: true})
		case strings.HasPrefix(line, "A:") || strings.HasPrefix(line, "A?:"):
			flush()
			optional := strings.HasPrefix(line, "A?:")
			ans := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(line, "A?:"), "A:"))
			if n := len(cur.Blocks); n > 0 && cur.Blocks[n-1].Kind == Answer {
				b := &cur.Blocks[n-1]
				if b.Answer != "" && ans != "" {
					b.Answer += "; " + ans
				} else if ans != "" {
					b.Answer = ans
				}
				b.Missing = b.Answer == ""
				b.Optional = b.Optional || optional
			}
		default:
			para = append(para, line)
		}
	}
	endSection()
	return d
}

// Section returns the section with the heading, if any.
func (d Document) Section(heading string) *Section {
	for i := range d.Sections {
		if strings.EqualFold(d.Sections[i].Heading, heading) {
			return &d.Sections[i]
		}
	}
	return nil
}

// Unanswered lists the questions left without an answer.
func (d Document) Unanswered() []string {
	var out []string
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if b.Kind == Answer && b.Missing && !b.Optional {
				out = append(out, b.Text)
			}
		}
	}
	return out
}

// Text renders the document as plain text, wrapped at width columns.
func (d Document) Text(width int) string {
	var b strings.Builder
	if d.Title != "" {
		b.WriteString(d.Title + "\n" + strings.Repeat("=", min(len([]rune(d.Title)), width)) + "\n\n")
	}
	for _, s := range d.Sections {
		if s.Heading != "" {
			b.WriteString(s.Heading + "\n" + strings.Repeat("-", min(len([]rune(s.Heading)), width)) + "\n")
		}
		for _, bl := range s.Blocks {
			switch bl.Kind {
			case Paragraph:
				b.WriteString(wrap(bl.Text, width, "", ""))
			case List:
				for _, it := range bl.Items {
					b.WriteString(wrap(it, width, "  - ", "    "))
				}
			case Answer:
				b.WriteString(wrap(bl.Text, width, "", ""))
				ans := bl.Answer
				if bl.Missing {
					ans = "[NOT ANSWERED YET]"
					if bl.Optional {
						ans = "(not given)"
					}
				}
				b.WriteString(wrap(ans, width, "    ", "    "))
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// PlainText is the document's words without layout, for the checks.
func (d Document) PlainText() string {
	var parts []string
	parts = append(parts, d.Title)
	for _, s := range d.Sections {
		parts = append(parts, s.Heading)
		for _, b := range s.Blocks {
			parts = append(parts, b.Text, b.Answer)
			parts = append(parts, b.Items...)
		}
	}
	return strings.Join(parts, "\n")
}

// wrap breaks text into lines of at most width runes.
func wrap(text string, width int, first, rest string) string {
	// Written straight into one buffer, counting runes as it goes: the
	// line built up by concatenation and counted again for every word
	// was a tenth of the CPU a delivered email cost.
	var b strings.Builder
	b.Grow(len(text) + len(text)/max(width, 1)*(len(rest)+1) + len(first) + 1)
	b.WriteString(first)
	n := utf8.RuneCountInString(first)
	empty := true
	for w := range strings.FieldsSeq(text) {
		wn := utf8.RuneCountInString(w)
		if !empty && n+1+wn > width {
			b.WriteByte('\n')
			b.WriteString(rest)
			n, empty = utf8.RuneCountInString(rest), true
		}
		if !empty {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += wn
		empty = false
	}
	b.WriteByte('\n')
	return b.String()
}
