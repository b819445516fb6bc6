package discover

import "strings"

// Names found in parts: a first name and a surname in two columns, or a
// JSON name object ({"given": ["Leo", "James"], "family": "Smith"}, as
// FHIR writes it). The person's name is the parts joined, and the parts
// are kept.

// namePart is which part of a name a column holds.
type namePart uint8

const (
	partFull namePart = iota
	partGiven
	partMiddle
	partFamily
)

// nameParts classifies name columns and keys, normalised as
// ClassifyField normalises them.
var nameParts = map[string]namePart{
	"firstname": partGiven, "first": partGiven, "givenname": partGiven, "givennames": partGiven, "given": partGiven,
	"fname": partGiven, "forename": partGiven, "forenames": partGiven, "firstnames": partGiven, "christianname": partGiven,
	"preferredname": partGiven,
	"middlename":    partMiddle, "middlenames": partMiddle, "middle": partMiddle, "middleinitial": partMiddle,
	"surname": partFamily, "lastname": partFamily, "last": partFamily, "familyname": partFamily, "family": partFamily,
	"lname": partFamily,
}

// namePartOf is the part of a name a column or key path holds.
func namePartOf(field string) namePart {
	if field == "" {
		return partFull
	}
	var b [48]byte
	return nameParts[string(fieldKey(field, &b))]
}

// maxNameParts is how many name values of one record are kept to make
// its name.
const maxNameParts = 6

// fullName gathers one record's name values, as normalised (for the
// name and date of birth key) and as shown (raw or masked).
type fullName struct {
	n          int
	part       [maxNameParts]namePart
	norm, show [maxNameParts]string
}

func (f *fullName) add(part namePart, norm, show string) {
	if f.n < maxNameParts {
		f.part[f.n], f.norm[f.n], f.show[f.n] = part, norm, show
		f.n++
	}
}

// parts says whether the name was found in parts.
func (f *fullName) parts() bool {
	for _, p := range f.part[:f.n] {
		if p != partFull {
			return true
		}
	}
	return false
}

// full is the record's name: its first whole name, else its parts in
// order (given, middle, family).
func (f *fullName) full(show bool) string {
	vs := &f.norm
	if show {
		vs = &f.show
	}
	for k, p := range f.part[:f.n] {
		if p == partFull {
			return vs[k]
		}
	}
	return f.join(vs, partGiven, partMiddle, partFamily)
}

// given is the given and middle names; family the family name.
func (f *fullName) given(show bool) string {
	if show {
		return f.join(&f.show, partGiven, partMiddle)
	}
	return f.join(&f.norm, partGiven, partMiddle)
}

func (f *fullName) family(show bool) string {
	if show {
		return f.join(&f.show, partFamily)
	}
	return f.join(&f.norm, partFamily)
}

func (f *fullName) join(vs *[maxNameParts]string, parts ...namePart) string {
	var words []string
	for _, want := range parts {
		for k, p := range f.part[:f.n] {
			if p == want && vs[k] != "" {
				words = append(words, vs[k])
			}
		}
	}
	return strings.Join(words, " ")
}

// Attr kinds beyond the element types: the parts of a name, and from
// kindIdentifier on an identifier of the type kind-kindIdentifier.
const (
	kindGiven = numTypes + iota
	kindFamily
	kindIdentifier = 64
)
