package notice

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Stencil is a notice to individuals written once for every person of
// one shape: the template runs with marks in place of the person's own
// words (name, email, phone, reference, address lines), and each
// person's email is the stencil with the marks replaced by their words.
// A campaign of a million people runs the template once per shape
// (which details people have, which of their information was involved)
// instead of once per person.
//
// It writes exactly what rendering the person in full writes, or
// declines (Fill says so) and the person is rendered in full: a person
// whose words could change how the notice's lines are read (a line
// break, a leading marker) is declined, and a template that does more
// with those words than print them (cutting, comparing, changing case)
// is found out when the stencil is made, by rendering a probe person
// both ways, and its stencil declines everyone.
type Stencil struct {
	lang   string
	doc    Document
	html   []byte // the HTML page with marks; nil: each person's is rendered
	key    string // StencilKey of the shape
	usable bool
}

// The marks are private-use characters no person's details hold (Fill
// declines any that do), around the field's number.
const markOpen, markClose = '\uE000', '\uE001'

func mark(i int) string { return string(markOpen) + strconv.Itoa(i) + string(markClose) }

// personWords lists a person's own words in mark order: name, email,
// phone, reference, then each address line.
func personWords(p Person) []string {
	out := make([]string, 0, 4+len(p.Address))
	out = append(out, p.Name, p.Email, p.Phone, p.Reference)
	return append(out, p.Address...)
}

// stencilPerson is p with each non-empty word replaced by its mark: the
// template sees the same shape (what is empty, how many address lines,
// the same information involved and usual method).
func stencilPerson(p Person) Person {
	m := func(i int, v string) string {
		if v == "" {
			return ""
		}
		return mark(i)
	}
	q := p
	q.Name, q.Email, q.Phone, q.Reference = m(0, p.Name), m(1, p.Email), m(2, p.Phone), m(3, p.Reference)
	q.Address = make([]string, len(p.Address))
	for i, l := range p.Address {
		q.Address[i] = m(4+i, l)
	}
	return q
}

// StencilKey names a person's shape: people with the same key share a
// stencil.
func StencilKey(p Person) string {
	var b strings.Builder
	for _, w := range personWords(p) {
		if w == "" {
			b.WriteByte('0')
		} else {
			b.WriteByte('1')
		}
	}
	b.WriteByte(0)
	b.WriteString(p.Prefers)
	for _, e := range p.Elements {
		b.WriteByte(0)
		b.WriteString(e)
	}
	return b.String()
}

// Stencil writes d's notice (an individual's, d.Person set) for every
// person shaped like d.Person. An error is the template's own failure,
// as rendering in full would give it.
func (t *Templates) Stencil(d Data) (*Stencil, error) {
	if d.Person == nil {
		return &Stencil{lang: t.Lang}, nil
	}
	person := *d.Person
	sp := stencilPerson(person)
	d.Person = &sp
	doc, err := t.Render(d)
	if err != nil {
		return nil, err
	}
	html, err := doc.HTML(t.Lang, "")
	if err != nil {
		return nil, err
	}
	s := &Stencil{lang: t.Lang, doc: doc, html: html, key: StencilKey(person), usable: true}
	// The probe has every character HTML escapes in every word, so a
	// word in an attribute or a link, escaped differently from text, or a
	// template that changes a word, shows as a difference.
	probe := person
	words := personWords(person)
	set := func(i int, v string) string {
		if v == "" {
			return ""
		}
		return "Probe" + strconv.Itoa(i) + ` <b>&'"+ é</b> x`
	}
	probe.Name, probe.Email, probe.Phone, probe.Reference = set(0, words[0]), set(1, words[1]), set(2, words[2]), set(3, words[3])
	probe.Address = make([]string, len(person.Address))
	for i, l := range person.Address {
		probe.Address[i] = set(4+i, l)
	}
	d.Person = &probe
	full, err := t.Render(d)
	if err != nil {
		return nil, err
	}
	want, err := full.ForEmail(t.Lang)
	if err != nil {
		return nil, err
	}
	got, ok := s.Fill(probe)
	switch {
	case !ok || got.Subject != want.Subject || got.Text != want.Text:
		s.usable = false
	case !bytes.Equal(got.HTML, want.HTML):
		// The words sit where HTML escapes them differently: each
		// person's page is laid out from their filled document.
		s.html = nil
		if got, ok = s.Fill(probe); !ok || !bytes.Equal(got.HTML, want.HTML) {
			s.usable = false
		}
	}
	return s, nil
}

// Usable says whether the stencil writes anyone's notice (false: the
// template does more with a person's words than print them).
func (s *Stencil) Usable() bool { return s.usable }

// Fill writes p's email from the stencil; false when p's notice must be
// rendered in full (p's shape is not the stencil's, or a word of theirs
// could be read differently in the notice's markup).
func (s *Stencil) Fill(p Person) (Email, bool) {
	if !s.usable {
		return Email{}, false
	}
	if StencilKey(p) != s.key {
		return Email{}, false
	}
	words := personWords(p)
	for _, w := range words {
		if w != "" && !fillable(w) {
			return Email{}, false
		}
	}
	doc := s.doc.fill(words)
	e := Email{Subject: doc.Title, Text: doc.Text(72)}
	if s.html == nil {
		html, err := doc.HTML(s.lang, "")
		if err != nil {
			return Email{}, false
		}
		e.HTML = html
		return e, true
	}
	escaped := make([]string, len(words))
	for i, w := range words {
		var err error
		if escaped[i], err = escapeHTML(w); err != nil {
			return Email{}, false
		}
	}
	e.HTML = []byte(fillMarks(string(s.html), escaped))
	return e, true
}

// fillable says whether a word reads the same wherever a template puts
// it: no line breaks or other control characters, no marks, no spaces at
// either end (lines are trimmed), and it does not start like a line's
// markup (#, -, Q:, A:, A?:).
func fillable(w string) bool {
	if !utf8.ValidString(w) || strings.TrimSpace(w) != w {
		return false
	}
	for _, p := range []string{"#", "-", "Q:", "A:", "A?:"} {
		if strings.HasPrefix(w, p) {
			return false
		}
	}
	for _, r := range w {
		if r < 0x20 || r == 0x7f || r >= markOpen && r <= 0xE0FF || r == '\u2028' || r == '\u2029' || r == 0x85 {
			return false
		}
	}
	return true
}

// fillMarks replaces each mark in s by its word.
func fillMarks(s string, words []string) string {
	i := strings.IndexRune(s, markOpen)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 64)
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i+utf8.RuneLen(markOpen):]
		j := strings.IndexRune(s, markClose)
		n, err := strconv.Atoi(s[:max(j, 0)])
		if j < 0 || err != nil || n < 0 || n >= len(words) {
			// Not one of ours (the template's own text): kept as it is.
			b.WriteRune(markOpen)
		} else {
			b.WriteString(words[n])
			s = s[j+utf8.RuneLen(markClose):]
		}
		i = strings.IndexRune(s, markOpen)
	}
	b.WriteString(s)
	return b.String()
}

// fill is the document with the marks replaced.
func (d Document) fill(words []string) Document {
	out := Document{Title: fillMarks(d.Title, words), Sections: make([]Section, len(d.Sections))}
	for i, s := range d.Sections {
		ns := Section{Heading: fillMarks(s.Heading, words), Blocks: make([]Block, len(s.Blocks))}
		for j, b := range s.Blocks {
			nb := b
			nb.Text, nb.Answer = fillMarks(b.Text, words), fillMarks(b.Answer, words)
			if len(b.Items) > 0 {
				nb.Items = make([]string, len(b.Items))
				for k, it := range b.Items {
					nb.Items[k] = fillMarks(it, words)
				}
			}
			ns.Blocks[j] = nb
		}
		out.Sections[i] = ns
	}
	return out
}

// textEscaper is the escaping html/template gives a value in text, so a
// filled page is byte for byte the page rendered in full (checked with
// the probe for every stencil).
var textEscaper = template.Must(template.New("word").Parse(`{{.}}`))

func escapeHTML(w string) (string, error) {
	if !strings.ContainsAny(w, `<>&'"+`) {
		return w, nil
	}
	var b strings.Builder
	err := textEscaper.Execute(&b, w)
	return b.String(), err
}
