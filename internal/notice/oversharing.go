package notice

import (
	"fmt"
	"strings"
	"unicode"
)

// People indexes everyone in a mail merge by the identifiers that would
// reveal them (email, phone, full name), so that each rendered notice can
// be checked in one pass for anybody else's details.
type People struct {
	owner map[string]int // normalised identifier -> index of its person
}

// IndexPeople builds the index. Names of fewer than two words are left
// out: "Sam" alone identifies nobody and would match ordinary words.
func IndexPeople(ps []Person) *People {
	ix := &People{owner: make(map[string]int, len(ps)*3)}
	for i, p := range ps {
		if e := strings.ToLower(strings.TrimSpace(p.Email)); e != "" {
			ix.owner[e] = i
		}
		if d := digits(p.Phone); len(d) >= 7 {
			ix.owner[d] = i
		}
		if n := normName(p.Name); strings.Count(n, " ") >= 1 {
			ix.owner[n] = i
		}
	}
	return ix
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func normName(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// OverSharing returns a finding for each other person whose details
// appear in the notice rendered for person self (an index into the merge;
// -1 for a notice to nobody in particular, such as a public notice).
func (ix *People) OverSharing(text string, self int) []Finding {
	var out []Finding
	seen := map[int]bool{}
	report := func(owner int, what string) {
		if owner != self && !seen[owner] {
			seen[owner] = true
			out = append(out, Finding{Check: "oversharing", Severity: MustFix, Element: "other_person",
				Message: fmt.Sprintf("The notice contains another person's %s (person %d of the merge): a notice must not include other people's details.", what, owner+1),
				Section: "NZ s 117"})
		}
	}
	// Emails and phone numbers are single tokens; names are checked as
	// runs of two and three words.
	var words []string
	for _, tok := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:()<>\"'", r) }) {
		t := strings.ToLower(strings.Trim(tok, ".!?"))
		if strings.Contains(t, "@") {
			if o, ok := ix.owner[t]; ok {
				report(o, "email address")
			}
		}
		if d := digits(t); len(d) >= 7 {
			if o, ok := ix.owner[d]; ok {
				report(o, "phone number")
			}
		}
		words = append(words, t)
	}
	for i := range words {
		for n := 2; n <= 3 && i+n <= len(words); n++ {
			if o, ok := ix.owner[strings.Join(words[i:i+n], " ")]; ok {
				report(o, "name")
			}
		}
	}
	return out
}

// Mentions indexes the identifiers a text could reveal (email addresses,
// digit runs, runs of two and three words) once, so that a list of any
// size can be streamed past it: a campaign's shared text is checked
// against a million people without holding the list in memory.
type Mentions struct {
	set map[string]struct{}
}

// IndexText reads a text's candidate identifiers.
func IndexText(text string) *Mentions {
	m := &Mentions{set: map[string]struct{}{}}
	var words []string
	for _, tok := range strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;:()<>\"'", r) }) {
		t := strings.ToLower(strings.Trim(tok, ".!?"))
		if strings.Contains(t, "@") {
			m.set[t] = struct{}{}
		}
		if d := digits(t); len(d) >= 7 {
			m.set[d] = struct{}{}
		}
		words = append(words, t)
	}
	for i := range words {
		for n := 2; n <= 3 && i+n <= len(words); n++ {
			m.set[strings.Join(words[i:i+n], " ")] = struct{}{}
		}
	}
	return m
}

// Of says which of a person's identifiers the text holds ("email
// address", "phone number", "name"), or "" for none.
func (m *Mentions) Of(p Person) string {
	if e := strings.ToLower(strings.TrimSpace(p.Email)); e != "" {
		if _, ok := m.set[e]; ok {
			return "email address"
		}
	}
	if d := digits(p.Phone); len(d) >= 7 {
		if _, ok := m.set[d]; ok {
			return "phone number"
		}
	}
	if n := normName(p.Name); strings.Count(n, " ") >= 1 {
		if _, ok := m.set[n]; ok {
			return "name"
		}
	}
	return ""
}
