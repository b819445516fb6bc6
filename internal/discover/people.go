package discover

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"hash/maphash"
	"slices"
	"sort"
)

// Resolver merges records into people: two records are the same person
// when they share an email, a phone number, a national identifier, or a
// name and a date of birth (union-find with path halving). Keys are kept
// as 64-bit hashes of the normalised values; with 30 million keys the
// chance of any collision is about 1 in 40,000. A record that repeats
// its person's first contact details does not keep copies of them (see
// linkNew): a scan of many records per person spends most of its memory
// and listing time on them otherwise.
type Resolver struct {
	seed maphash.Seed
	// touched sums what keyIndex.touch read, so that the reads are kept.
	touched uint64
	// nodes are the records, in chunks so that growing never copies them.
	nodes chunked[node]
	// places are the countries ("NZ") and subdivisions ("AU-VIC")
	// people live in, by the index nodes keep.
	places  []string
	placeID map[string]uint16
	index   *keyIndex
	// keepCopies links every detail, copies too (a test's reference).
	keepCopies bool
	files      []string
	fileID     map[string]int32
	lastFile   int32 // the file of the last record added
	// Contact details per record, chained per person.
	attrs attrChunks
	// version is the contract WritePeople writes. identifierKey, when
	// set, makes the resolver keep each record's identifiers, so that
	// people carry their HMACs (the findings do not, in that case).
	version       int
	identifierKey []byte
	// Buffers for one record's name, composite keys and details.
	name, key []byte
	dets      []detail
	// idMAC computes people's identifiers' HMACs as they are listed.
	idMAC hash.Hash
	idSum []byte
}

// node is one record in the union-find: its parent, and for a root the
// merged person's element types, best guess of jurisdiction (an index
// into places in the low 16 bits, its rank above: see placeRank) and
// chain of contact details (first and last attr, -1 for none).
type node struct {
	parent     int32
	elems      uint32
	file       int32
	head, tail int32
	where      uint32
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
func (c *attrChunks) text(v []byte) (uint32, uint8) {
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
	r := &Resolver{seed: maphash.MakeSeed(), index: newKeyIndex(keys), fileID: map[string]int32{}, placeID: map[string]uint16{"": 0}, places: []string{""},
		version: ContractVersion}
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
	if nb.where>>16 > na.where>>16 {
		na.where = nb.where
	}
}

// The bases of a jurisdiction, weakest first: an email's country domain
// says less than a phone's country, an identifier's issuing country
// more, and an address most.
const (
	basisNone uint8 = iota
	basisEmail
	basisPhone
	basisIdentifier
	basisAddress
)

// basisNames are the contract's names of the bases.
var basisNames = [...]string{"", "email domain", "phone prefix", "identifier type", "address"}

// placeRank orders evidence of where someone lives: by its basis, and
// within one basis a subdivision ("AU-VIC") above a country alone.
func placeRank(basis uint8, place string) uint32 {
	r := uint32(basis) * 2
	if len(place) > 2 {
		r++
	}
	return r
}

// personValue is what the resolver reads of a finding: 40 bytes, its
// bytes in its batch's text, which matters when millions pass through.
// A value of no type (kind -1) only places its record (a country or
// state column).
type personValue struct {
	kind       int8 // the type's index
	basis      uint8
	part       namePart
	prose      bool // found in free text, not in a column or key
	confidence float32
	place      string  // the country or subdivision the value implies
	norm, show textRef // the normalised value; the raw value when known, else the masked one
}

// textRef is where a value's bytes are in its batch's text.
type textRef struct{ off, n uint32 }

// Add records one record's findings as a (possibly partial) person.
// Records with nothing that identifies anyone are left out.
func (r *Resolver) Add(path string, fs []Finding) {
	b := &batch{}
	for i := range fs {
		f := &fs[i]
		kind := f.Type.index()
		if kind < 0 {
			continue
		}
		show := f.Masked
		switch {
		case f.Value != "":
			show = f.Value
		case f.raw != "":
			show = f.raw
		}
		v := personValue{kind: int8(kind), confidence: float32(f.Confidence), place: f.Country, prose: f.Field == "",
			norm: b.keep([]byte(f.norm)), show: b.keep([]byte(show))}
		if f.Subdivision != "" {
			v.place = f.Subdivision
		}
		if v.place != "" {
			switch f.Type {
			case Email:
				v.basis = basisEmail
			case Phone:
				v.basis = basisPhone
			case StreetAddress:
				v.basis = basisAddress
			default:
				v.basis = basisIdentifier
			}
		}
		if f.Type == PersonName {
			v.part = namePartOf(f.Field)
		}
		b.vs = append(b.vs, v)
	}
	r.add(path, b.vs, b.text)
}

// add records one record's values (their bytes in text) as a (possibly
// partial) person.
func (r *Resolver) add(path string, fs []personValue, text []byte) {
	var keys [8]uint64
	var keyOf [8]int32 // the value each key is of, -1 for a name and date of birth
	nk := 0
	var mask uint32
	var names fullName
	var proseName []byte // a name found in free text
	place, rank := "", uint32(0)
	val := func(s textRef) []byte { return text[s.off : s.off+s.n] }
	for i := range fs {
		f := &fs[i]
		if f.kind >= 0 {
			mask |= 1 << f.kind
		}
		switch {
		case f.kind >= 0 && identifies(int(f.kind)):
			if nk < len(keys) && f.confidence >= 0.5 {
				keys[nk], keyOf[nk] = r.hash(int(f.kind), val(f.norm)), int32(i)
				nk++
			}
		case f.kind == iPersonName:
			if f.prose && proseName == nil {
				proseName = val(f.norm)
			}
			names.add(f.part, val(f.norm), val(f.show))
		}
		if f.place != "" {
			if pr := placeRank(f.basis, f.place); pr > rank {
				place, rank = f.place, pr
			}
		}
	}
	r.name = names.full(r.name[:0], false)
	if len(r.name) > 0 {
		for i := range fs {
			if fs[i].kind == iDateOfBirth && nk < len(keys) {
				r.key = append(append(append(r.key[:0], r.name...), '|'), val(fs[i].norm)...)
				keys[nk], keyOf[nk] = r.hash(iPersonName, r.key), -1
				nk++
				break
			}
		}
	}
	if nk == 0 && mask&(1<<iPersonName) == 0 {
		return
	}
	if nk > 0 {
		mask |= identified
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
	pid, ok := r.placeID[place]
	if !ok && len(r.places) < 1<<16 {
		pid = uint16(len(r.places))
		r.places = append(r.places, place)
		r.placeID[place] = pid
	}
	r.nodes.add(node{parent: id, elems: mask, file: fid, where: rank<<16 | uint32(pid), head: -1, tail: -1})
	// The record's keys are looked up first, so that its details are
	// linked knowing whom it joins.
	var others [len(keys)]int32
	var seen uint8   // bit k: keys[k] was held already, by others[k]
	var known uint64 // bit i: fs[i]'s key was held already
	for _, key := range keys[:nk] {
		r.touched += r.index.touch(key)
	}
	for k, key := range keys[:nk] {
		if other, ok := r.index.firstOrAdd(key, id); ok {
			others[k], seen = other, seen|1<<k
			if keyOf[k] >= 0 {
				known |= 1 << keyOf[k]
			}
		}
	}
	// repeats is the person whose first details the record's are compared
	// with (see linkNew): the one it joins first (see union), when every
	// key it has was known already, or when it is a name in a letter
	// mentioned before (nothing the record adds below changes whether it
	// joins that mention). Such a record most likely repeats what its
	// person has; one that brings a new key brings new details, and
	// comparing is not worth it.
	repeats := int32(-1)
	prose := proseJoin{other: -1}
	switch {
	case nk > 0 && seen == 1<<nk-1:
		for k := range nk {
			if others[k] != id {
				repeats = r.find(others[k])
				break
			}
		}
	case nk == 0 && proseName != nil:
		if prose = r.proseLookup(proseName, path, id, nk); prose.join {
			repeats = r.find(prose.other)
		}
	}
	// The record's details, in the order they are linked: its name (and
	// its parts), contact details and, when people carry them, the
	// identifiers it is the first to bring (a record whose key was
	// already known joins the person who has it).
	dets := r.dets[:0]
	buf := names.full(r.name[:0], true)
	full, given, family := len(buf), len(buf), len(buf)
	if full > 0 && names.parts() {
		buf = names.given(buf, true)
		given = len(buf)
		buf = names.family(buf, true)
		family = len(buf)
	}
	r.name = buf
	for _, d := range [...]struct {
		kind   uint8
		lo, hi int
	}{{iPersonName, 0, full}, {kindGiven, full, given}, {kindFamily, given, family}} {
		if d.hi > d.lo {
			dets = append(dets, detail{kind: d.kind, v: buf[d.lo:d.hi]})
		}
	}
	for i := range fs {
		switch fs[i].kind {
		case iEmail, iPhone, iStreetAddress:
			dets = append(dets, detail{kind: uint8(fs[i].kind), v: val(fs[i].show)})
		}
	}
	if r.identifierKey != nil {
		for i := range fs {
			if fs[i].kind >= 0 && identifies(int(fs[i].kind)) && (i >= 64 || known&(1<<i) == 0) {
				dets = append(dets, detail{kind: kindIdentifier + uint8(fs[i].kind), v: val(fs[i].norm)})
			}
		}
	}
	r.linkNew(id, repeats, dets)
	r.dets = dets
	for k := range nk {
		if seen&(1<<k) != 0 {
			r.union(id, others[k])
		}
	}
	// The same full name in one letter or note is taken to be the same
	// person where it is mentioned alone ("Dear Aroha Ngata"), so a name
	// in every paragraph counts once; two mentions that each come with
	// identifiers (a list of clients, two of whom share a name) are
	// joined only by those.
	if proseName != nil && prose.other < 0 {
		prose = r.proseLookup(proseName, path, id, nk)
	}
	if prose.join {
		r.union(id, prose.other)
	}
}

// proseJoin is what proseLookup found: the first record with the same
// name in the same file (-1 for none), and whether the record joins it.
type proseJoin struct {
	other int32
	join  bool
}

// proseLookup looks up a name found in free text, keyed with its file,
// adding the record under it when it is the first. A record with
// identifiers joins the earlier mention only when that person has none.
func (r *Resolver) proseLookup(name []byte, path string, id int32, nk int) proseJoin {
	r.key = append(append(append(r.key[:0], name...), 0), path...)
	other, ok := r.index.firstOrAdd(r.hash(iPersonName, r.key), id)
	if !ok {
		return proseJoin{other: id}
	}
	return proseJoin{other: other, join: nk == 0 || r.nodes.at(r.find(other)).elems&identified == 0}
}

// detail is one of a record's contact details: a type's index (or
// kindGiven and kindFamily for the parts of a name, kindIdentifier plus
// the type for an identifier) and its bytes.
type detail struct {
	kind uint8
	v    []byte
}

// leadDetails is how many of a person's first details a record's are
// compared with (see linkNew).
const leadDetails = 8

// linkNew adds a record's details to its chain, in order, leaving out
// those the record has already and those among the first leadDetails of
// the person it is about to join (into; -1 for none, or not to compare):
// People lists each
// detail once, in the order first found, and a later copy in the same
// chain can never come first, so leaving it out changes nothing but the
// work. A person's first details are their first record's (their name,
// email, phone and address, which most of their records repeat), read
// from where the records' details are kept, so leaving copies out costs
// no memory of its own.
func (r *Resolver) linkNew(id, into int32, dets []detail) {
	var lead [leadDetails]attr
	nl := 0
	if into >= 0 && !r.keepCopies {
		for a := r.nodes.at(into).head; a >= 0 && nl < len(lead); nl++ {
			lead[nl] = *r.attrs.at(a)
			a = lead[nl].next
		}
	}
	rec := r.nodes.at(id)
next:
	for i := range dets {
		d := &dets[i]
		if len(d.v) > 255 {
			d.v = d.v[:255] // as the arena keeps it
		}
		for k := range lead[:nl] {
			if a := &lead[k]; a.kind == d.kind && int(a.n) == len(d.v) && string(r.attrs.bytes(a)) == string(d.v) {
				continue next
			}
		}
		for _, o := range dets[:i] {
			if o.kind == d.kind && string(o.v) == string(d.v) && !r.keepCopies {
				continue next
			}
		}
		off, n := r.attrs.text(d.v)
		a := r.attrs.add(attr{kind: d.kind, off: off, n: n, next: -1})
		if rec.head < 0 {
			rec.head = a
		} else {
			r.attrs.at(rec.tail).next = a
		}
		rec.tail = a
	}
}

// identified marks, in a node's elems, a person known by an identifier
// (an email, a phone, a national identifier...), not by a name alone.
const identified = 1 << 31

// identifies says whether a value of the type (by its index) is
// someone's own, so two records that share it are the same person.
func identifies(kind int) bool { return identifierTypes&(1<<kind) != 0 }

const identifierTypes = 1<<iEmail | 1<<iPhone | 1<<iUSSSN | 1<<iAUTFN | 1<<iAUMedicare | 1<<iNZIRD | 1<<iNZNHI | 1<<iPassport |
	1<<iDriverLicence | 1<<iCreditCard | 1<<iIBAN | 1<<iNZBankAccount | 1<<iAUBSBAccount

// hash is the key of a normalised value of a type: the value's seeded
// hash, with the type mixed in by a bijective finaliser (splitmix64's), so
// equal values of different types get unrelated keys.
func (r *Resolver) hash(kind int, norm []byte) uint64 {
	h := maphash.Bytes(r.seed, norm) ^ uint64(kind+1)*0x9e3779b97f4a7c15
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	return h ^ h>>31
}

// Person is one line of the people output.
type Person struct {
	ID   string
	Name string
	// GivenName and FamilyName are the parts of the name when it was
	// found in parts (first name and surname columns, JSON given and
	// family), middle names with the given ones.
	GivenName, FamilyName string
	Emails                []string
	Phones                []string
	Addresses             []string
	Jurisdiction          string
	// Subdivision is the ISO 3166-2 code of the state or province
	// ("AU-VIC", "US-CA") when an address gives one.
	Subdivision       string
	JurisdictionBasis string
	Elements          []Type
	// Identifiers are the HMACs of the person's identifiers, when the
	// findings leave theirs out (Options.FindingHMAC unset).
	Identifiers []Identifier
	Records     int
	Files       []string
}

// Identifier is one of a person's identifiers, by the HMAC of its
// normalised value under the scan key.
type Identifier struct {
	Type Type
	HMAC string
}

// maxIdentifiers caps the identifiers listed per person.
const maxIdentifiers = 32

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
		place := r.places[node.where&0xffff]
		p := Person{ID: "p" + itoa(count), Jurisdiction: place[:min(2, len(place))], JurisdictionBasis: basisNames[node.where>>17],
			Records: int(start[i+1] - start[i])}
		if len(place) > 2 {
			p.Subdivision = place
		}
		for a := node.head; a >= 0; a = r.attrs.at(a).next {
			at := r.attrs.at(a)
			v := r.attrs.bytes(at)
			if at.kind >= kindIdentifier {
				p.Identifiers = r.appendIdentifier(p.Identifiers, Types[at.kind-kindIdentifier], v)
				continue
			}
			switch at.kind {
			case kindGiven:
				if p.GivenName == "" {
					p.GivenName = string(v)
				}
				continue
			case kindFamily:
				if p.FamilyName == "" {
					p.FamilyName = string(v)
				}
				continue
			}
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
			if len(fileIDs) == maxListed {
				break
			}
			if f := r.nodes.at(rec).file; !slices.Contains(fileIDs, f) {
				fileIDs = append(fileIDs, f)
				p.Files = append(p.Files, r.files[f])
			}
		}
		sort.Strings(p.Files)
		fn(p)
	}
	return count
}

// appendIdentifier adds an identifier's HMAC to a person's list unless
// it is there already or the list is full.
func (r *Resolver) appendIdentifier(list []Identifier, t Type, norm []byte) []Identifier {
	if len(list) >= maxIdentifiers {
		return list
	}
	if r.idMAC == nil {
		r.idMAC = hmac.New(sha256.New, r.identifierKey)
	}
	r.idMAC.Reset()
	r.idMAC.Write(norm)
	r.idSum = r.idMAC.Sum(r.idSum[:0])
	id := Identifier{Type: t, HMAC: hex.EncodeToString(r.idSum)}
	if slices.Contains(list, id) {
		return list
	}
	return append(list, id)
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
