package discover

import (
	"hash/maphash"
	"sort"
)

// Resolver merges records into people: two records are the same person
// when they share an email, a phone number, a national identifier, or a
// name and a date of birth (union-find with path halving). Keys are kept
// as 64-bit hashes of the normalised values; with 30 million keys the
// chance of any collision is about 1 in 40,000.
type Resolver struct {
	seed    maphash.Seed
	parent  []int32
	elems   []uint32
	file    []int32
	country []string
	basis   []string
	index   map[uint64]int32
	files   []string
	fileID  map[string]int32
	// Contact details per record, chained per person.
	attrs []attr
	head  []int32 // first attr of each record (-1 none); merged on union
	tail  []int32
}

type attr struct {
	kind Type
	val  string
	next int32
}

// NewResolver returns an empty resolver.
func NewResolver() *Resolver {
	return &Resolver{seed: maphash.MakeSeed(), index: map[uint64]int32{}, fileID: map[string]int32{}}
}

// Records is how many records were added.
func (r *Resolver) Records() int { return len(r.parent) }

func (r *Resolver) find(x int32) int32 {
	for r.parent[x] != x {
		r.parent[x] = r.parent[r.parent[x]]
		x = r.parent[x]
	}
	return x
}

func (r *Resolver) union(a, b int32) {
	a, b = r.find(a), r.find(b)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	r.parent[b] = a
	r.elems[a] |= r.elems[b]
	if r.head[b] >= 0 {
		if r.head[a] < 0 {
			r.head[a] = r.head[b]
		} else {
			r.attrs[r.tail[a]].next = r.head[b]
		}
		r.tail[a] = r.tail[b]
	}
	if r.basis[a] == "" || basisRank(r.basis[b]) > basisRank(r.basis[a]) {
		r.country[a], r.basis[a] = r.country[b], r.basis[b]
	}
}

// basisRank orders the evidence for where someone lives.
func basisRank(b string) int {
	switch b {
	case "address":
		return 3
	case "identifier type":
		return 2
	case "phone prefix":
		return 1
	}
	return 0
}

// Add records one record's findings as a (possibly partial) person.
// Records with nothing that identifies anyone are left out.
func (r *Resolver) Add(path string, fs []Finding) {
	var keys [8]uint64
	nk := 0
	var mask uint32
	name, dob := "", ""
	country, basis := "", ""
	for i := range fs {
		f := &fs[i]
		if ix := f.Type.index(); ix >= 0 {
			mask |= 1 << ix
		}
		switch f.Type {
		case Email, Phone, USSSN, AUTFN, AUMedicare, NZIRD, NZNHI, Passport, DriverLicence, CreditCard, IBAN:
			if nk < len(keys) && f.Confidence >= 0.5 {
				keys[nk] = r.hash(f.Type, f.norm)
				nk++
			}
		case PersonName:
			if name == "" {
				name = f.norm
			} else if len(name) < 80 {
				name += " " + f.norm
			}
		case DateOfBirth:
			dob = f.norm
		}
		if f.Country != "" {
			b := "phone prefix"
			if f.Type != Phone {
				b = "identifier type"
			}
			if basisRank(b) > basisRank(basis) {
				country, basis = f.Country, b
			}
		}
		if f.Type == StreetAddress {
			if cc := addressCountry(f.norm); cc != "" {
				country, basis = cc, "address"
			}
		}
	}
	if name != "" && dob != "" && nk < len(keys) {
		keys[nk] = r.hash(PersonName, name+"|"+dob)
		nk++
	}
	if nk == 0 && mask&(1<<iPersonName) == 0 {
		return
	}
	id := int32(len(r.parent))
	fid, ok := r.fileID[path]
	if !ok {
		fid = int32(len(r.files))
		r.files = append(r.files, path)
		r.fileID[path] = fid
	}
	r.parent = append(r.parent, id)
	r.elems = append(r.elems, mask)
	r.file = append(r.file, fid)
	r.country = append(r.country, country)
	r.basis = append(r.basis, basis)
	r.head = append(r.head, -1)
	r.tail = append(r.tail, -1)
	for i := range fs {
		f := &fs[i]
		switch f.Type {
		case PersonName, Email, Phone, StreetAddress:
			v := f.Masked
			if f.Value != "" {
				v = f.Value
			}
			r.attrs = append(r.attrs, attr{kind: f.Type, val: v, next: -1})
			a := int32(len(r.attrs) - 1)
			if r.head[id] < 0 {
				r.head[id] = a
			} else {
				r.attrs[r.tail[id]].next = a
			}
			r.tail[id] = a
		}
	}
	for _, k := range keys[:nk] {
		if other, ok := r.index[k]; ok {
			r.union(id, other)
		} else {
			r.index[k] = id
		}
	}
}

func (r *Resolver) hash(t Type, norm string) uint64 {
	var h maphash.Hash
	h.SetSeed(r.seed)
	h.WriteString(string(t))
	h.WriteByte(0)
	h.WriteString(norm)
	return h.Sum64()
}

// Person is one line of the people output.
type Person struct {
	ID                string
	Name              string
	Emails            []string
	Phones            []string
	Addresses         []string
	Jurisdiction      string
	JurisdictionBasis string
	Elements          []Type
	Records           int
	Files             []string
}

// maxListed caps the contact details and files listed per person.
const maxListed = 10

// People returns the merged people, in the order their first record was
// added, calling fn for each.
func (r *Resolver) People(fn func(Person)) int {
	count := map[int32]int{}
	files := map[int32][]int32{}
	for i := range r.parent {
		root := r.find(int32(i))
		count[root]++
		fs := files[root]
		if len(fs) < maxListed && (len(fs) == 0 || fs[len(fs)-1] != r.file[i]) {
			files[root] = append(fs, r.file[i])
		}
	}
	n := 0
	for i := range r.parent {
		if r.parent[i] != int32(i) {
			continue
		}
		n++
		p := Person{ID: "p" + itoa(n), Jurisdiction: r.country[i], JurisdictionBasis: r.basis[i], Records: count[int32(i)]}
		seen := map[string]bool{}
		for a := r.head[i]; a >= 0; a = r.attrs[a].next {
			at := r.attrs[a]
			if seen[string(at.kind)+at.val] {
				continue
			}
			seen[string(at.kind)+at.val] = true
			switch at.kind {
			case PersonName:
				if p.Name == "" {
					p.Name = at.val
				}
			case Email:
				p.Emails = appendCapped(p.Emails, at.val)
			case Phone:
				p.Phones = appendCapped(p.Phones, at.val)
			case StreetAddress:
				p.Addresses = appendCapped(p.Addresses, at.val)
			}
		}
		for k, t := range Types {
			if r.elems[i]&(1<<k) != 0 {
				p.Elements = append(p.Elements, t)
			}
		}
		fset := map[int32]bool{}
		for _, f := range files[int32(i)] {
			if !fset[f] {
				fset[f] = true
				p.Files = append(p.Files, r.files[f])
			}
		}
		sort.Strings(p.Files)
		fn(p)
	}
	return n
}

func appendCapped(list []string, v string) []string {
	if len(list) >= maxListed {
		return list
	}
	return append(list, v)
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// addressCountry recognises a country from the end of an address: its
// name, or an Australian state with a four-digit postcode.
func addressCountry(a string) string {
	low := []byte(a)
	for k, c := range low {
		if c >= 'A' && c <= 'Z' {
			low[k] = c + 'a' - 'A'
		}
	}
	s := string(low)
	for _, c := range []struct{ word, cc string }{
		{"new zealand", "NZ"}, {"aotearoa", "NZ"}, {"australia", "AU"}, {"united kingdom", "GB"}, {"england", "GB"},
		{"scotland", "GB"}, {"wales", "GB"}, {"ireland", "IE"}, {"united states", "US"}, {"usa", "US"},
		{"germany", "DE"}, {"france", "FR"}, {"netherlands", "NL"},
	} {
		if containsWord(s, c.word) {
			return c.cc
		}
	}
	for _, st := range []string{"nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"} {
		if containsWord(s, st) && hasPostcode(s, 4) {
			return "AU"
		}
	}
	return ""
}

// containsWord says whether w occurs in s as a whole word.
func containsWord(s, w string) bool {
	for from := 0; ; {
		k := indexFrom([]byte(s), w, from)
		if k < 0 {
			return false
		}
		if (k == 0 || !isAlpha(s[k-1])) && (k+len(w) == len(s) || !isAlpha(s[k+len(w)])) {
			return true
		}
		from = k + 1
	}
}

func hasPostcode(s string, n int) bool {
	run := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && isDigit(s[i]) {
			run++
			continue
		}
		if run == n {
			return true
		}
		run = 0
	}
	return false
}
