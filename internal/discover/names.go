package discover

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
func namePartOf[T string | []byte](field T) namePart {
	if len(field) == 0 {
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
	norm, show [maxNameParts][]byte
}

func (f *fullName) add(part namePart, norm, show []byte) {
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
// order (given, middle, family), joined into dst.
func (f *fullName) full(dst []byte, show bool) []byte {
	vs := &f.norm
	if show {
		vs = &f.show
	}
	for k, p := range f.part[:f.n] {
		if p == partFull {
			return append(dst, vs[k]...)
		}
	}
	return f.join(dst, vs, partGiven, partMiddle, partFamily)
}

// given is the given and middle names; family the family name.
func (f *fullName) given(dst []byte, show bool) []byte {
	if show {
		return f.join(dst, &f.show, partGiven, partMiddle)
	}
	return f.join(dst, &f.norm, partGiven, partMiddle)
}

func (f *fullName) family(dst []byte, show bool) []byte {
	if show {
		return f.join(dst, &f.show, partFamily)
	}
	return f.join(dst, &f.norm, partFamily)
}

// join appends the values of the parts, in that order, separated by
// spaces.
func (f *fullName) join(dst []byte, vs *[maxNameParts][]byte, parts ...namePart) []byte {
	start := len(dst)
	for _, want := range parts {
		for k, p := range f.part[:f.n] {
			if p == want && len(vs[k]) > 0 {
				if len(dst) > start {
					dst = append(dst, ' ')
				}
				dst = append(dst, vs[k]...)
			}
		}
	}
	return dst
}

// Attr kinds beyond the element types: the parts of a name, and from
// kindIdentifier on an identifier of the type kind-kindIdentifier.
const (
	kindGiven = numTypes + iota
	kindFamily
	kindIdentifier = 64
)
