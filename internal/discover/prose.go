package discover

import "bytes"

// Names and street addresses in free text: letters, emails, notes. No
// pattern finds a name by itself, so a name is taken only where the text
// says one follows ("Dear", "Client", "Name:", "Ms"), and an address only
// where a house number is followed by capitalised words ending in a
// street type ("12 Harbour View Drive"). Neither is validated.

// Values of nameLabels.
const (
	nameLabel  = 1 // "Dear", "Client": two or more capitalised words follow
	honorific  = 2 // "Ms", "Dr": one capitalised word is enough
	notAName   = 4 // words that follow labels but are not names ("Dear Customer")
	streetType = 8
)

// proseWords holds the words that introduce names, the ones that look
// like names after them but are not, and street types.
var proseWords = func() *wordTable {
	t := &wordTable{}
	for _, w := range []string{"dear", "name", "client", "customer", "patient", "employee", "student", "member", "applicant",
		"claimant", "complainant", "resident", "tenant", "attn", "attention", "named", "called"} {
		t.add(w, nameLabel)
	}
	for _, w := range []string{"mr", "mrs", "ms", "miss", "mx", "dr", "prof"} {
		t.add(w, honorific)
	}
	for _, w := range []string{"customer", "customers", "valued", "sir", "madam", "team", "all", "colleague", "colleagues",
		"parent", "parents", "member", "members", "resident", "residents", "friend", "friends", "applicant", "student",
		"staff", "user", "client", "patient", "to", "whom", "hiring", "manager", "support", "admin", "privacy", "officer",
		"unknown", "redacted", "withheld", "removed", "the", "and", "or", "of", "for", "in", "on", "at", "is", "was", "has",
		"account", "number", "id", "record", "file", "details", "information", "services", "service", "limited", "ltd"} {
		t.add(w, notAName)
	}
	for _, w := range []string{"street", "st", "road", "rd", "avenue", "ave", "drive", "dr", "lane", "ln", "place", "pl",
		"terrace", "tce", "crescent", "cres", "way", "boulevard", "blvd", "parade", "pde", "highway", "hwy", "court", "ct",
		"close", "grove", "square", "sq", "rise", "quay", "esplanade", "mews", "row", "walk", "glade", "heights"} {
		t.add(w, streetType)
	}
	return t
}()

// capitalised returns the end of a capitalised word at i ("Aroha",
// "O'Brien", "Smith-Jones", "McDonald"), or -1.
func capitalised(text []byte, i int) int {
	if i >= len(text) || class[text[i]] != cUpper {
		return -1
	}
	j := i + 1
	for j < len(text) {
		c := text[j]
		switch {
		case isAlpha(c) || c >= 0x80:
			j++
		case (c == '\'' || c == '-') && j+1 < len(text) && isAlpha(text[j+1]):
			j += 2
		default:
			return j
		}
	}
	return j
}

// prevWord returns the word just before i, across a little white space
// and punctuation ("Dear ", "Name: ", "name="), and where it starts; nil
// if there is none.
func prevWord(text []byte, i int) ([]byte, int) {
	j := i
	for k := 0; j > 0 && k < 3 && !isAlpha(text[j-1]); k++ {
		j--
	}
	e := j
	for j > 0 && isAlpha(text[j-1]) && e-j < 16 {
		j--
	}
	if j == e || j > 0 && isAlpha(text[j-1]) {
		return nil, j
	}
	return text[j:e], j
}

// name reports the capitalised words at i as a person's name when the
// word before them introduces one, returning where they end (or i).
func (d *Detector) name(text []byte, i int, emit func(Hit)) int {
	prev, at := prevWord(text, i)
	if prev == nil {
		return i
	}
	label, _ := proseWords.lookup(nil, prev)
	if label&(nameLabel|honorific) == 0 {
		return i
	}
	need := 2
	if label&honorific != 0 {
		need = 1
	}
	d.norm = d.norm[:0]
	words, start, end := 0, i, i
	for k := i; words < 4; {
		e := capitalised(text, k)
		if e < 0 || e-k > 30 {
			break
		}
		v, _ := proseWords.lookup(nil, text[k:e])
		switch {
		case v&honorific != 0 && words == 0 && e-k <= 4: // "Dear Ms Ngata": the title is not the name
			need, start = 1, e+1
		case v&notAName != 0:
			return i
		default:
			if words > 0 {
				d.norm = append(d.norm, ' ')
			}
			d.norm = append(d.norm, text[k:e]...)
			words++
		}
		end = e
		if e+1 >= len(text) || text[e] != ' ' {
			break
		}
		k = e + 1
	}
	if words < need || start >= end || label&honorific == 0 && !equalFold(prev, "dear") && heading(text, at, at+len(prev), i, end) {
		return i
	}
	emit(Hit{Type: PersonName, Value: text[start:end], Norm: d.norm, Confidence: 0.7, Offset: start})
	return end
}

// heading says whether a label (text[from:labelEnd]) and the capitalised
// words after it (from i to end) make a whole line of capitalised words
// with only spaces between them, as a title does ("Student Loan
// Scheme"): such words are not a name. "Name: Aroha Ngata" is not one.
func heading(text []byte, from, labelEnd, i, end int) bool {
	if len(bytes.Trim(text[labelEnd:i], " \t")) > 0 {
		return false
	}
	for from > 0 && text[from-1] != '\n' {
		if text[from-1] != ' ' && text[from-1] != '\t' {
			return false
		}
		from--
	}
	rest := bytes.TrimRight(text[end:], " \t\r")
	return len(rest) == 0 || rest[0] == '\n'
}

// street reports a street address when the number text[start:end] is
// followed by capitalised words ending in a street type ("12 Harbour
// View Drive", "3/40 Queen St").
func (d *Detector) street(text []byte, start, end int, emit func(Hit)) bool {
	if end+1 >= len(text) || text[end] != ' ' {
		return false
	}
	last, words := -1, 0
	for k := end + 1; words < 5; words++ {
		e := capitalised(text, k)
		if e < 0 || e-k > 20 {
			break
		}
		if v, _ := proseWords.lookup(nil, text[k:e]); v&streetType != 0 && words > 0 {
			last = e
		}
		if e+1 >= len(text) || text[e] != ' ' {
			break
		}
		k = e + 1
	}
	if last < 0 {
		return false
	}
	d.norm = append(d.norm[:0], text[start:last]...)
	h := Hit{Type: StreetAddress, Value: text[start:last], Norm: d.norm, Confidence: 0.7, Offset: start}
	// The town, state, postcode and country after the street place it:
	// "12 Queen Street, Melbourne VIC 3000".
	rest := text[last:min(len(text), last+80)]
	if k := bytes.IndexByte(rest, '\n'); k >= 0 {
		rest = rest[:k]
	}
	h.Country, h.Subdivision = splitPlace(placeOf(rest))
	emit(h)
	return true
}
