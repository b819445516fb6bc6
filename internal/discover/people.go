package discover

import (
	"hash/maphash"
	"slices"
	"sort"
)

// Resolver merges records into people: two records are the same person
// when they share an email, a phone number, a national identifier, or a
// name and a date of birth (union-find with path halving). Keys are kept
// as 64-bit hashes of the normalised values; with 30 million keys the
// chance of any collision is about 1 in 40,000.
type Resolver struct {
	seed maphash.Seed
	// nodes are the records, in chunks so that growing never copies them.
	nodes     chunked[node]
	countries []string
	countryID map[string]uint16
	index     *keyIndex
	files     []string
	fileID    map[string]int32
	lastFile  int32 // the file of the last record added
	// Contact details per record, chained per person.
	attrs attrChunks
}

// node is one record in the union-find: its parent, and for a root the
// merged person's element types, best guess of jurisdiction (an index
// into countries in the low byte, its basis rank in the high byte) and
// chain of contact details (first and last attr, -1 for none).
type node struct {
	parent     int32
	elems      uint32
	file       int32
	head, tail int32
	where      uint16
}

// attr is one contact detail: its bytes in the arena, its type's index
// and the next attr of the same person. 12 bytes and no pointers, so ten
// million people's details cost little and the collector never scans them.
type attr struct {
	next int32
	off  uint32
	n    uint8
	kind uint8
}

const chunk = 1 << 16

// chunked is a growable list in chunks of a fixed length, so growing it
// never copies millions of elements. Only the first chunk may grow, from
// first elements (a small scan does not pay for a whole chunk up front;
// a large one sets first to a whole chunk, as growing costs more than
// it saves), so a pointer from at is valid until the next add.
type chunked[T any] struct {
	chunks [][]T
	first  int
}

func (c *chunked[T]) add(v T) int32 {
	switch {
	case len(c.chunks) == 0:
		c.chunks = append(c.chunks, make([]T, 0, min(max(c.first, 256), chunk)))
	case len(c.chunks[len(c.chunks)-1]) == chunk:
		c.chunks = append(c.chunks, make([]T, 0, chunk))
	}
	last := &c.chunks[len(c.chunks)-1]
	*last = append(*last, v)
	return int32((len(c.chunks)-1)*chunk + len(*last) - 1)
}

func (c *chunked[T]) at(i int32) *T { return &c.chunks[i/chunk][i%chunk] }

func (c *chunked[T]) len() int {
	if len(c.chunks) == 0 {
		return 0
	}
	return (len(c.chunks)-1)*chunk + len(c.chunks[len(c.chunks)-1])
}

// attrChunks is the attrs, with the arena holding their text.
type attrChunks struct {
	chunked[attr]
	arena      [][]byte // chunks of arenaChunk bytes
	firstArena int      // the first chunk's starting size, as chunked's first
}

const arenaChunk = 1 << 20

// text stores v (at most 255 bytes) and returns its offset.
func (c *attrChunks) text(v string) (uint32, uint8) {
	if len(v) > 255 {
		v = v[:255]
	}
	switch {
	case len(c.arena) == 0:
		c.arena = append(c.arena, make([]byte, 0, min(max(c.firstArena, 4<<10), arenaChunk))) // the first grows as the list's does
	case len(c.arena[len(c.arena)-1])+len(v) > arenaChunk:
		c.arena = append(c.arena, make([]byte, 0, arenaChunk))
	}
	k := len(c.arena) - 1
	off := uint32(k)<<20 | uint32(len(c.arena[k]))
	c.arena[k] = append(c.arena[k], v...)
	return off, uint8(len(v))
}

// bytes is an attr's text, valid as long as the resolver.
func (c *attrChunks) bytes(a *attr) []byte {
	b := c.arena[a.off>>20]
	o := a.off & (arenaChunk - 1)
	return b[o : o+uint32(a.n)]
}

// NewResolver returns an empty resolver.
func NewResolver() *Resolver { return newResolver(0) }

// newResolver sizes the index for about keys keys up front, so a scan
// that knows roughly how much it will read does not grow it step by step.
func newResolver(keys int) *Resolver {
	r := &Resolver{seed: maphash.MakeSeed(), index: newKeyIndex(keys), fileID: map[string]int32{}, countryID: map[string]uint16{"": 0}, countries: []string{""}}
	// About a record per key, a contact detail per record, 32 bytes each.
	r.nodes.first, r.attrs.first, r.attrs.firstArena = keys, keys, 32*keys
	return r
}

func (r *Resolver) find(x int32) int32 {
	for {
		n := r.nodes.at(x)
		if n.parent == x {
			return x
		}
		n.parent = r.nodes.at(n.parent).parent
		x = n.parent
	}
}

func (r *Resolver) union(a, b int32) {
	a, b = r.find(a), r.find(b)
	if a == b {
		return
	}
	if b < a {
		a, b = b, a
	}
	na, nb := r.nodes.at(a), r.nodes.at(b)
	nb.parent = a
	na.elems |= nb.elems
	if nb.head >= 0 {
		if na.head < 0 {
			na.head = nb.head
		} else {
			r.attrs.at(na.tail).next = nb.head
		}
		na.tail = nb.tail
	}
	if nb.where>>8 > na.where>>8 {
		na.where = nb.where
	}
}

// basisNames are the bases of a jurisdiction by rank.
var basisNames = []string{"", "phone prefix", "identifier type", "address"}

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

// personValue is what the resolver keeps of a finding: a third of its
// size, which matters when millions pass through.
type personValue struct {
	typ        Type
	confidence float32
	country    string
	norm       string
	show       string // the raw value when known, else the masked one
	// prose says the value was found in free text, not in a column or key.
	prose bool
}

func valueOf(f *Finding) personValue {
	show := f.Masked
	switch {
	case f.Value != "":
		show = f.Value
	case f.raw != "":
		show = f.raw
	}
	return personValue{typ: f.Type, confidence: float32(f.Confidence), country: f.Country, norm: f.norm, show: show, prose: f.Field == ""}
}

// Add records one record's findings as a (possibly partial) person.
// Records with nothing that identifies anyone are left out.
func (r *Resolver) Add(path string, fs []Finding) {
	var buf [8]personValue
	vs := buf[:0]
	for i := range fs {
		vs = append(vs, valueOf(&fs[i]))
	}
	r.add(path, vs)
}

func (r *Resolver) add(path string, fs []personValue) {
	var keys [8]uint64
	nk := 0
	var mask uint32
	name, dob := "", ""
	proseName := "" // a name found in free text
	country, basis := "", ""
	for i := range fs {
		f := &fs[i]
		if ix := f.typ.index(); ix >= 0 {
			mask |= 1 << ix
		}
		switch f.typ {
		case Email, Phone, USSSN, AUTFN, AUMedicare, NZIRD, NZNHI, Passport, DriverLicence, CreditCard, IBAN, NZBankAccount, AUBSBAccount:
			if nk < len(keys) && f.confidence >= 0.5 {
				keys[nk] = r.hash(f.typ, f.norm)
				nk++
			}
		case PersonName:
			if f.prose && proseName == "" {
				proseName = f.norm
			}
			if name == "" {
				name = f.norm
			} else if len(name) < 80 {
				name += " " + f.norm
			}
		case DateOfBirth:
			dob = f.norm
		}
		if f.country != "" {
			b := "phone prefix"
			if f.typ != Phone {
				b = "identifier type"
			}
			if basisRank(b) > basisRank(basis) {
				country, basis = f.country, b
			}
		}
		if f.typ == StreetAddress {
			if cc := addressCountry(f.norm); cc != "" {
				country, basis = cc, "address"
			}
		}
	}
	if name != "" && dob != "" && nk < len(keys) {
		keys[nk] = r.hash(PersonName, name+"|"+dob)
		nk++
	}
	// The same full name twice in one letter or note is taken to be the
	// same person, so a name mentioned in every paragraph counts once.
	if proseName != "" && nk < len(keys) {
		keys[nk] = r.hash(PersonName, proseName+"\x00"+path)
		nk++
	}
	if nk == 0 && mask&(1<<iPersonName) == 0 {
		return
	}
	id := int32(r.nodes.len())
	fid := r.lastFile
	if len(r.files) == 0 || r.files[fid] != path { // records come file by file
		var ok bool
		if fid, ok = r.fileID[path]; !ok {
			fid = int32(len(r.files))
			r.files = append(r.files, path)
			r.fileID[path] = fid
		}
		r.lastFile = fid
	}
	cid, ok := r.countryID[country]
	if !ok && len(r.countries) < 255 {
		cid = uint16(len(r.countries))
		r.countries = append(r.countries, country)
		r.countryID[country] = cid
	}
	r.nodes.add(node{parent: id, elems: mask, file: fid, where: uint16(basisRank(basis))<<8 | cid, head: -1, tail: -1})
	rec := r.nodes.at(id)
	for i := range fs {
		f := &fs[i]
		switch f.typ {
		case PersonName, Email, Phone, StreetAddress:
			off, n := r.attrs.text(f.show)
			a := r.attrs.add(attr{kind: uint8(f.typ.index()), off: off, n: n, next: -1})
			if rec.head < 0 {
				rec.head = a
			} else {
				r.attrs.at(rec.tail).next = a
			}
			rec.tail = a
		}
	}
	for _, k := range keys[:nk] {
		if other, ok := r.index.firstOrAdd(k, id); ok {
			r.union(id, other)
		}
	}
}

// hash is the key of a normalised value of a type: the value's seeded
// hash, with the type mixed in by a bijective finaliser (splitmix64's), so
// equal values of different types get unrelated keys.
func (r *Resolver) hash(t Type, norm string) uint64 {
	h := maphash.String(r.seed, norm) ^ uint64(t.index()+1)*0x9e3779b97f4a7c15
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	return h ^ h>>31
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
// added, calling fn for each. It groups records by person with a
// counting sort, so it needs two int32s per record and no maps.
func (r *Resolver) People(fn func(Person)) int {
	n := r.nodes.len()
	start := make([]int32, n+1) // records per root, then where each root's records begin
	for i := range n {
		start[r.find(int32(i))+1]++
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	order := make([]int32, n)
	fill := append([]int32(nil), start[:n]...)
	for i := range n {
		root := r.find(int32(i))
		order[fill[root]] = int32(i)
		fill[root]++
	}
	fill = nil
	count := 0
	var fileIDs []int32 // a person's files so far, at most maxListed
	for i := 0; i < n; i++ {
		node := r.nodes.at(int32(i))
		if node.parent != int32(i) {
			continue
		}
		count++
		w := node.where
		p := Person{ID: "p" + itoa(count), Jurisdiction: r.countries[w&0xff], JurisdictionBasis: basisNames[w>>8], Records: int(start[i+1] - start[i])}
		for a := node.head; a >= 0; a = r.attrs.at(a).next {
			at := r.attrs.at(a)
			v := r.attrs.bytes(at)
			switch Types[at.kind] {
			case PersonName:
				if p.Name == "" {
					p.Name = string(v)
				}
			case Email:
				p.Emails = appendNew(p.Emails, v)
			case Phone:
				p.Phones = appendNew(p.Phones, v)
			case StreetAddress:
				p.Addresses = appendNew(p.Addresses, v)
			}
		}
		for k, t := range Types {
			if node.elems&(1<<k) != 0 {
				p.Elements = append(p.Elements, t)
			}
		}
		fileIDs = fileIDs[:0]
		for _, rec := range order[start[i]:start[i+1]] {
			if f := r.nodes.at(rec).file; len(fileIDs) < maxListed && !slices.Contains(fileIDs, f) {
				fileIDs = append(fileIDs, f)
				p.Files = append(p.Files, r.files[f])
			}
		}
		sort.Strings(p.Files)
		fn(p)
	}
	return count
}

// appendNew adds v to a person's list of contact details unless it is
// there already or the list is full; it allocates only for what it adds.
func appendNew(list []string, v []byte) []string {
	if len(list) >= maxListed {
		return list
	}
	for _, s := range list {
		if s == string(v) {
			return list
		}
	}
	return append(list, string(v))
}

// Count is how many people the records merged into, without listing them.
func (r *Resolver) Count() int {
	n := 0
	for i := range r.nodes.len() {
		if r.nodes.at(int32(i)).parent == int32(i) { // a root
			n++
		}
	}
	return n
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

// addressWords recognise the country of an address: a country's name
// (its value is 1 + its index in addressCountries), or an Australian
// state or territory (auState), which with a four-digit postcode places
// an address in Australia.
var addressWords, addressCountries = func() (*wordTable, []string) {
	t := &wordTable{}
	var codes []string
	for _, c := range []struct{ name, code string }{
		{"new zealand", "NZ"}, {"aotearoa", "NZ"}, {"australia", "AU"}, {"united kingdom", "GB"}, {"england", "GB"},
		{"scotland", "GB"}, {"wales", "GB"}, {"ireland", "IE"}, {"united states", "US"}, {"usa", "US"},
		{"germany", "DE"}, {"france", "FR"}, {"netherlands", "NL"},
	} {
		codes = append(codes, c.code)
		t.add(c.name, uint32(len(codes)))
	}
	for _, st := range []string{"nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"} {
		t.add(st, auState)
	}
	return t, codes
}()

const auState = 1 << 16

// addressCountry recognises a country from an address: its name, or an
// Australian state with a four-digit postcode.
func addressCountry(a string) string {
	text := []byte(a)
	state := false
	var prev []byte
	for i := 0; ; {
		ws, we := nextWord(text, i, false)
		if ws < 0 {
			break
		}
		w := text[ws:we]
		v, _ := addressWords.lookup(prev, w)
		if c := v &^ auState; c != 0 {
			return addressCountries[c-1]
		}
		state = state || v&auState != 0
		prev, i = w, we
	}
	if state && hasPostcode(a, 4) {
		return "AU"
	}
	return ""
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
