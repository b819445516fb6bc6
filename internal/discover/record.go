package discover

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"strconv"
	"unicode/utf8"

	"github.com/dchest/siphash"
)

// Field is one value of a record with the column or key it came from
// ("" for unstructured text). Value is only valid during the call it is
// passed to.
type Field struct {
	Name string
	Hint Type // the column's classification, when Classified
	// Classified says the reader has classified the column (and perhaps
	// dropped its classification after sampling), so Name is not read again.
	Classified bool
	Value      []byte
	place      int // placeField's answer, when Classified
	// nameBytes is the name, when a reader has it as bytes only (JSON's
	// key paths): it becomes a string only for a finding.
	nameBytes []byte
}

// named says whether the field has a column name or key.
func (fl *Field) named() bool { return fl.Name != "" || len(fl.nameBytes) > 0 }

// Record is one row, object, message or line: values that belong to the
// same person, as far as the format tells.
type Record struct {
	Path   string
	Line   int // 1-based line or row; 0 where the format has none
	Fields []Field
	// Continues says the record goes on the record before it from the
	// same reader: a line of a multi-line log event after its first.
	// Findings keep their own line; the person is the event's.
	Continues bool
}

// Finding is one line of the findings output (docs/scan-contract.md).
type Finding struct {
	Path   string
	Line   int
	Field  string
	Type   Type
	Masked string
	// HMAC is the HMAC-SHA256 of the normalised value under the scan key
	// (zero when the scan leaves it out: Options.FindingHMAC).
	HMAC [sha256.Size]byte
	// ID is the keyed SipHash-128 of the normalised value (contract v2).
	ID         [2]uint64
	Value      string // only with Reveal
	Validated  bool
	Confidence float64
	// Country and Subdivision are not in the output: they feed people's
	// jurisdiction.
	Country, Subdivision string
	norm                 string
	raw                  string // the value for people, with Options.PeopleValues
}

// AppendJSON writes the finding as one JSON object of the current
// contract, without the newline.
func (f *Finding) AppendJSON(b []byte) []byte {
	l := findingLine{head: appendRecordJSON(nil, f.Path, f.Line), kind: f.Type.index(), masked: []byte(f.Masked),
		value: []byte(f.Value), validated: f.Validated, confidence: f.Confidence}
	if f.Field != "" {
		l.field = appendFieldJSON(nil, f.Field)
	}
	if ContractVersion >= 2 {
		l.id = &f.ID
	}
	if f.HMAC != [sha256.Size]byte{} {
		l.hmac = &f.HMAC
	}
	return l.appendTo(b)
}

// findingLine is what one line of the findings output says, its start
// already written: the record's path and line (head) and the field's
// name, which the findings of one record, and of one column, share.
type findingLine struct {
	head, field []byte // field nil when there is none
	kind        int    // the type's index
	masked      []byte // as shown
	value       []byte // the raw value, only with Reveal
	id          *[2]uint64
	hmac        *[sha256.Size]byte
	validated   bool
	confidence  float64
}

// appendRecordJSON writes the start of the JSON lines of a record's
// findings: its path and, where the format has lines, its line.
func appendRecordJSON(b []byte, path string, line int) []byte {
	b = appendString(append(b, `{"path":`...), path)
	if line > 0 {
		b = strconv.AppendInt(append(b, `,"line":`...), int64(line), 10)
	}
	return b
}

// appendFieldJSON writes a finding's field, the column or key it is in.
func appendFieldJSON[T string | []byte](b []byte, name T) []byte {
	return appendString(append(b, `,"field":`...), name)
}

// typeJSON is, per type, the JSON between a finding's field and its
// masked value.
var typeJSON = func() (t [numTypes][]byte) {
	for k, ty := range Types {
		t[k] = []byte(`,"type":"` + string(ty) + `","masked":`)
	}
	return t
}()

// tailJSON is the end of a finding's line, by whether it was validated
// and its confidence in hundredths.
var tailJSON = func() (t [2][101][]byte) {
	for v, word := range []string{"false", "true"} {
		for n := range t[v] {
			t[v][n] = append(appendConfidence([]byte(`,"validated":`+word+`,"confidence":`), float64(n)/100), '}')
		}
	}
	return t
}()

// appendTo writes the line as one JSON object of the contract, without
// the newline: version 1 with its hmac, version 2 with its id and, unless
// it was left out, its hmac. Hand-written, into the caller's buffer,
// because it runs once per finding.
func (l *findingLine) appendTo(b []byte) []byte {
	b = append(append(append(b, l.head...), l.field...), typeJSON[l.kind]...)
	b = appendStringBytes(b, l.masked)
	if l.id != nil {
		b = append(b, `,"id":"`...)
		b = appendHexWords(b, l.id[0], l.id[1])
		b = append(b, '"')
	}
	if l.hmac != nil {
		b = append(b, `,"hmac":"`...)
		b = appendHexSum(b, l.hmac)
		b = append(b, '"')
	}
	if len(l.value) > 0 {
		b = append(b, `,"value":`...)
		b = appendStringBytes(b, l.value)
	}
	v := 0
	if l.validated {
		v = 1
	}
	return append(b, tailJSON[v][min(max(int(l.confidence*100+0.5), 0), 100)]...)
}

// maxColumnsKept is how many columns' names a worker keeps as JSON.
const maxColumnsKept = 1024

// columnJSON keeps a column's name written as a JSON field, for the
// findings of the same column in the records that follow.
type columnJSON struct {
	name  string // the name when given as a string (compared in place)
	bytes []byte // or as bytes (a copy)
	json  []byte
}

// of returns the field's name written by appendFieldJSON, writing it
// again only when the name differs from the one kept.
func (c *columnJSON) of(fl *Field) []byte {
	switch {
	case fl.Name != "":
		if fl.Name != c.name || c.json == nil {
			c.name, c.bytes = fl.Name, c.bytes[:0]
			c.json = appendFieldJSON(c.json[:0], fl.Name)
		}
	case string(fl.nameBytes) != string(c.bytes) || c.name != "" || c.json == nil:
		c.name, c.bytes = "", append(c.bytes[:0], fl.nameBytes...)
		c.json = appendFieldJSON(c.json[:0], c.bytes)
	}
	return c.json
}

// appendHexSum writes an HMAC in lower-case hex, as hex.AppendEncode
// does, eight bytes at a time.
func appendHexSum(b []byte, sum *[sha256.Size]byte) []byte {
	for k := 0; k < sha256.Size; k += 16 {
		b = appendHexWords(b, binary.LittleEndian.Uint64(sum[k:]), binary.LittleEndian.Uint64(sum[k+8:]))
	}
	return b
}

// appendHexWords writes two words' bytes, each little-endian as SipHash writes
// its output, as 32 lower-case hex digits: a finding's id, or half an HMAC.
func appendHexWords(b []byte, lo, hi uint64) []byte {
	n := len(b)
	b = append(b, make([]byte, 32)...)
	out := b[n : n+32]
	hex16(out[:16], lo)
	hex16(out[16:], hi)
	return b
}

// hex16 writes the eight bytes of w, lowest first, as 16 hex digits,
// all at once: each byte's two nibbles are spread into two bytes of a
// word and turned into digits together, which is several times faster
// than a table look-up per byte.
func hex16(out []byte, w uint64) {
	for half := 0; half < 2; half++ {
		x := uint64(uint32(w >> (32 * half))) // four bytes, lowest first
		// Byte i of x moves to bytes 2i (high nibble) and 2i+1 (low nibble).
		x = (x | x<<16) & 0x0000ffff0000ffff
		x = (x | x<<8) & 0x00ff00ff00ff00ff
		x = (x>>4)&0x000f000f000f000f | (x&0x000f000f000f000f)<<8
		// Nibbles to digits: '0'+n, plus 39 more for a-f.
		x += 0x3030303030303030 + ((x+0x0606060606060606)>>4&0x0101010101010101)*39
		binary.LittleEndian.PutUint64(out[8*half:], x)
	}
}

// appendConfidence writes a confidence with up to two decimals, the
// precision it is computed to.
func appendConfidence(b []byte, c float64) []byte {
	n := int(c*100 + 0.5)
	switch {
	case n >= 100:
		return append(b, '1')
	case n <= 0:
		return append(b, '0')
	}
	b = append(b, '0', '.', byte('0'+n/10))
	if n%10 != 0 {
		b = append(b, byte('0'+n%10))
	}
	return b
}

// jsonPlain marks the bytes a JSON string holds as they are.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendStringBytes is appendString for bytes: a value that needs no
// escaping (nearly every masked value) is copied as it is.
func appendStringBytes(b, s []byte) []byte {
	for _, c := range s {
		if !jsonPlain[c] {
			return appendString(b, s)
		}
	}
	b = append(append(b, '"'), s...)
	return append(b, '"')
}

// appendString writes s as a JSON string, replacing invalid UTF-8.
func appendString[T string | []byte](b []byte, s T) []byte {
	const hexd = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		// Copy the run of characters that need no escaping at once.
		j := i
		for j < len(s) && jsonPlain[s[j]] {
			j++
		}
		b = append(b, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))])) // a few bytes, converted on the stack
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// hasher computes the contract's HMAC and id of normalised values.
type hasher struct {
	mac    hash.Hash
	sum    []byte
	k0, k1 uint64 // the id's SipHash key
}

func newHasher(key []byte) *hasher {
	k0, k1 := findingIDKey(key)
	return &hasher{mac: hmac.New(sha256.New, key), k0: k0, k1: k1}
}

// findingIDKey derives the key of findings' ids from the scan key: the
// first 16 bytes of HMAC-SHA256(scan key, "breachdesk finding id").
func findingIDKey(key []byte) (uint64, uint64) {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("breachdesk finding id"))
	sum := m.Sum(nil)
	return binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])
}

// id is a normalised value's SipHash-128 under the id key: 128 bits, so
// that ids are unique within any scan, at a tenth of an HMAC's cost.
func (h *hasher) id(norm []byte) [2]uint64 {
	a, b := siphash.Hash128(h.k0, h.k1, norm)
	return [2]uint64{a, b}
}

func (h *hasher) of(norm []byte) (out [sha256.Size]byte) {
	h.mac.Reset()
	h.mac.Write(norm)
	h.sum = h.mac.Sum(h.sum[:0])
	copy(out[:], h.sum)
	return out
}

// processor turns records into findings and person records. One per
// worker: it is not safe for concurrent use. A finding costs no
// allocation: its JSON line is written into the worker's buffer, masked
// in place, and what the people resolver needs of it goes into the
// worker's batch, its bytes into the batch's own buffer.
type processor struct {
	s        *Scanner
	det      Detector
	h        *hasher
	reveal   bool
	keepRaw  bool
	version  int    // of the contract written
	omitHMAC bool   // findings without their HMAC (contract v2 only)
	buf      []byte // the findings' JSON, until flushed
	scratch  []byte
	// The start of the JSON lines of the record's findings (its path and
	// line), written at its first finding; seq counts records, and head
	// is the record's when headSeq is seq. cols keeps the columns' names
	// as JSON by their place in the record, col being the current one.
	seq, headSeq uint64
	head         []byte
	cols         []columnJSON
	col          int
	// The record and field being searched, for onHit.
	cur         *Record
	curField    *Field
	identifying bool
	onHitFunc   func(Hit) // p.onHit, made once by newProcessor: a method value allocates
	// The record's place, from its address and location columns: the
	// street, town, state and postcode columns' values, then joined.
	placeParts [4][]byte
	placeText  []byte
	// found is how many findings the record has; reopen says it
	// continues the last record in the batch (a line of a multi-line
	// event), which is reopened when the record adds to it.
	found  int
	reopen bool
	// open says the last record in the batch may still grow; held are
	// the values (by their place in the batch, plus one) of its emails
	// and national identifiers, by startsPerson's slot.
	open bool
	held [7]int32
	// Per worker, handed on by Scanner.flush.
	counts   [numTypes]Count // by the type's index
	findings int64
	batch    *batch
}

// process finds the personal data in one record: its findings go into
// the worker's output, and the record into the batch for the people
// resolver.
func (p *processor) process(r *Record) {
	if !r.Continues {
		// A new record: the one before can no longer grow, so the
		// batch may be handed on.
		p.open = false
		clear(p.held[:])
		if len(p.batch.ends) >= batchRecords || len(p.buf) >= outChunk {
			p.s.flush(p, false)
		}
	}
	p.found, p.reopen = 0, r.Continues && p.open
	p.seq++
	for k := range p.placeParts {
		p.placeParts[k] = p.placeParts[k][:0]
	}
	country := ""
	identifying := false
	for k := range r.Fields {
		fl := &r.Fields[k]
		hint, place := fl.Hint, fl.place
		if !fl.Classified && fl.Name != "" {
			hint, place = ClassifyField(fl.Name), placeField(fl.Name)
		}
		v := trimSpace(fl.Value)
		if len(v) == 0 {
			continue
		}
		p.col = k
		if fl.named() {
			// An address and the town, state, postcode and country
			// columns beside it say where the person lives.
			switch {
			case place == placeCountry:
				if c := countryColumn(v); c != "" {
					country = c
				}
			case place != placeNone:
				p.placeParts[place-placeStreet] = append(append(p.placeParts[place-placeStreet], v...), ", "...)
			case hint == StreetAddress:
				p.placeParts[0] = append(append(p.placeParts[0], v...), ", "...)
			}
		}
		if wholeValue(hint) {
			if plausible(hint, v) {
				p.det.norm = appendNormalise(p.det.norm[:0], hint, v)
				p.add(r, fl, &Hit{Type: hint, Value: v, Norm: p.det.norm, Confidence: 0.85})
				identifying = identifying || hint == PersonName
			}
			continue
		}
		p.cur, p.curField, p.identifying = r, fl, false
		p.det.Detect(v, hint, p.onHitFunc)
		identifying = identifying || p.identifying
	}
	place := ""
	if p.found > 0 {
		// The columns in the order addresses write them ("Melbourne,
		// VIC, 3000"), whatever the order of the columns.
		p.placeText = p.placeText[:0]
		for _, part := range p.placeParts {
			p.placeText = append(p.placeText, part...)
		}
		if len(p.placeText) > 0 {
			place = placeOf(p.placeText)
		}
		if country != "" && (place == "" || place[:2] != country) {
			place = country
		}
	}
	// Medical terms in a record that identifies someone are health
	// information about them.
	if identifying {
		for k := range r.Fields {
			fl := &r.Fields[k]
			if fl.Hint != noType || (!fl.Classified && ClassifyField(fl.Name) != noType) {
				continue // a classified column is not free text
			}
			if term := healthTerm(fl.Value); term != "" {
				p.col = k
				p.add(r, fl, &Hit{Type: Health, Value: []byte(term), Norm: []byte(term), Confidence: 0.6})
				break
			}
		}
	}
	if p.found == 0 {
		return
	}
	b := p.begin()
	if place != "" {
		b.vs = append(b.vs, personValue{kind: -1, place: place, basis: basisAddress})
	}
	b.paths = append(b.paths, r.Path)
	b.ends = append(b.ends, int32(len(b.vs)))
	p.open = true
}

// begin returns the batch the record's values go into, reopening the
// last record in it when this one continues it.
func (p *processor) begin() *batch {
	b := p.batch
	if p.reopen {
		b.paths, b.ends = b.paths[:len(b.paths)-1], b.ends[:len(b.ends)-1]
		p.reopen = false
	}
	return b
}

// onHit records a value the detector found in the current field.
func (p *processor) onHit(h Hit) {
	p.add(p.cur, p.curField, &h)
	p.identifying = true
}

// Types whose normalised value the people resolver reads (to merge
// records, or to name the person), and whose shown value it keeps.
const (
	resolverNorm = identifierTypes | 1<<iPersonName | 1<<iDateOfBirth
	resolverShow = 1<<iEmail | 1<<iPhone | 1<<iStreetAddress | 1<<iPersonName
)

// add writes one finding: its JSON line, its count, and its value for
// the people resolver.
func (p *processor) add(r *Record, fl *Field, h *Hit) {
	kind := h.Type.index()
	switch {
	case kind == iDateOfBirth:
		p.scratch = append(append(p.scratch[:0], h.Norm[:4]...), "-**-**"...) // the year alone says little
	case ascii(h.Value):
		p.scratch = appendMaskASCII(p.scratch[:0], h.Type, h.Value)
	default:
		p.scratch = append(p.scratch[:0], Mask(h.Type, string(h.Value))...)
	}
	named := fl.named()
	if p.s.out != nil {
		if p.headSeq != p.seq {
			p.head, p.headSeq = appendRecordJSON(p.head[:0], r.Path, r.Line), p.seq
		}
		l := findingLine{head: p.head, kind: kind, masked: p.scratch, validated: h.Validated, confidence: h.Confidence}
		if named {
			col := min(p.col, maxColumnsKept-1) // the columns past it share one
			if col >= len(p.cols) {
				p.cols = append(p.cols, make([]columnJSON, col+1-len(p.cols))...)
			}
			l.field = p.cols[col].of(fl)
		}
		var id [2]uint64
		if p.version >= 2 {
			id = p.h.id(h.Norm)
			l.id = &id
		}
		var mac [sha256.Size]byte
		if !p.omitHMAC {
			mac = p.h.of(h.Norm)
			l.hmac = &mac
		}
		if p.reveal {
			l.value = h.Value
		}
		p.buf = append(l.appendTo(p.buf), '\n')
	}
	c := &p.counts[kind]
	if h.Validated {
		c.Validated++
	} else {
		c.Unvalidated++
	}
	p.findings++
	p.found++

	// The value for the people resolver.
	b := p.begin()
	v := personValue{kind: int8(kind), confidence: float32(h.Confidence), place: h.Country, prose: !named}
	if h.Subdivision != "" {
		v.place = h.Subdivision
	}
	if v.place != "" {
		switch kind {
		case iEmail:
			v.basis = basisEmail
		case iPhone:
			v.basis = basisPhone
		case iStreetAddress:
			v.basis = basisAddress
		default:
			v.basis = basisIdentifier
		}
	}
	if kind == iPersonName {
		if fl.Name != "" {
			v.part = namePartOf(fl.Name)
		} else {
			v.part = namePartOf(fl.nameBytes)
		}
	}
	if resolverNorm&(1<<kind) != 0 {
		v.norm = b.keep(h.Norm)
	}
	if resolverShow&(1<<kind) != 0 {
		if p.reveal || p.keepRaw {
			v.show = b.keep(h.Value)
		} else {
			v.show = b.keep(p.scratch)
		}
	}
	// A row or an object is one person's, but free text can name several
	// ("from aroha@... to ben@..."): there an email or a national
	// identifier that differs from the one of its type already in the
	// record (or event) starts another person's record, and the values
	// after it go with it. A person has one IRD number but may have two
	// phones or cards, so only emails and those identifiers do this.
	if k := startsPerson(kind); k >= 0 {
		if held := p.held[k]; held > 0 && !named && string(b.bytes(b.vs[held-1].norm)) != string(h.Norm) {
			b.paths = append(b.paths, r.Path)
			b.ends = append(b.ends, int32(len(b.vs)))
			clear(p.held[:])
		}
		p.held[k] = int32(len(b.vs)) + 1
	}
	b.vs = append(b.vs, v)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}
