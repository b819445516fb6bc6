package discover

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"strconv"
	"strings"
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
	// (zero when the scan leaves it out: Options.OmitFindingHMAC).
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
// contract, without the newline. Hand-written because it runs once per
// finding.
func (f *Finding) AppendJSON(b []byte) []byte { return f.appendJSON(b, nil, ContractVersion) }

// escapeCache keeps the last path and field written as JSON strings:
// consecutive findings mostly share them.
type escapeCache struct{ path, field escaped }

// escaped is a string and its JSON form.
type escaped struct {
	s    string
	json []byte
}

// appendTo writes s as a JSON string, escaping it only when it differs
// from the last one; a nil cache escapes every time.
func (e *escaped) appendTo(b []byte, s string) []byte {
	if e == nil {
		return appendString(b, s)
	}
	if s != e.s || e.json == nil {
		e.s, e.json = s, appendString(e.json[:0], s)
	}
	return append(b, e.json...)
}

// appendJSON writes the finding as the contract's version v has it: v1
// with its hmac, v2 with its id and, unless it was left out, its hmac.
func (f *Finding) appendJSON(b []byte, c *escapeCache, v int) []byte {
	var path, field *escaped
	if c != nil {
		path, field = &c.path, &c.field
	}
	b = append(b, `{"path":`...)
	b = path.appendTo(b, f.Path)
	if f.Line > 0 {
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(f.Line), 10)
	}
	if f.Field != "" {
		b = append(b, `,"field":`...)
		b = field.appendTo(b, f.Field)
	}
	b = append(b, `,"type":"`...)
	b = append(b, f.Type...)
	b = append(b, `","masked":`...)
	b = appendString(b, f.Masked)
	if v >= 2 {
		b = append(b, `,"id":"`...)
		b = appendHexID(b, f.ID)
		b = append(b, '"')
	}
	if v < 2 || f.HMAC != [sha256.Size]byte{} {
		b = append(b, `,"hmac":"`...)
		b = appendHexSum(b, &f.HMAC)
		b = append(b, '"')
	}
	if f.Value != "" {
		b = append(b, `,"value":`...)
		b = appendString(b, f.Value)
	}
	b = append(b, `,"validated":`...)
	b = strconv.AppendBool(b, f.Validated)
	b = append(b, `,"confidence":`...)
	return append(appendConfidence(b, f.Confidence), '}')
}

// hexPairs holds each byte's two hex digits, first digit in the low byte.
var hexPairs = func() (t [256]uint16) {
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = uint16(digits[i>>4]) | uint16(digits[i&15])<<8
	}
	return t
}()

// appendHexSum writes an HMAC in lower-case hex, as hex.AppendEncode
// does, two digits per store: every finding has one, so it is worth the
// table.
func appendHexSum(b []byte, sum *[sha256.Size]byte) []byte {
	n := len(b)
	b = append(b, make([]byte, 2*sha256.Size)...)
	out := (*[2 * sha256.Size]byte)(b[n:])
	for i, c := range sum {
		binary.LittleEndian.PutUint16(out[2*i:], hexPairs[c])
	}
	return b
}

// appendHexID writes a SipHash-128 id as 32 hex digits, its first
// half's bytes first, little-endian as SipHash writes them.
func appendHexID(b []byte, id [2]uint64) []byte {
	var sum [16]byte
	binary.LittleEndian.PutUint64(sum[:8], id[0])
	binary.LittleEndian.PutUint64(sum[8:], id[1])
	n := len(b)
	b = append(b, make([]byte, 32)...)
	out := (*[32]byte)(b[n:])
	for i, c := range sum {
		binary.LittleEndian.PutUint16(out[2*i:], hexPairs[c])
	}
	return b
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

// appendString writes s as a JSON string, replacing invalid UTF-8.
func appendString(b []byte, s string) []byte {
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
		r, size := utf8.DecodeRuneInString(s[i:])
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
// worker: it is not safe for concurrent use.
type processor struct {
	det      Detector
	h        *hasher
	reveal   bool
	keepRaw  bool
	version  int  // of the contract written
	omitHMAC bool // findings without their HMAC (contract v2 only)
	found    []Finding
	buf      []byte // the findings' JSON, until flushed
	escaped  escapeCache
	// The findings' strings are cut from one slab, so a finding costs no
	// allocation of its own; a full slab is left to the collector once
	// nothing points into it.
	slab    strings.Builder
	scratch []byte
	// The record and field being searched, for onHit.
	cur         *Record
	curField    *Field
	identifying bool
	onHitFunc   func(Hit) // p.onHit, made once by newProcessor: a method value allocates
	lastName    string    // the last name fieldName made
	// The record's place, from its address and location columns: the
	// street, town, state and postcode columns' values, then joined.
	place      string
	placeParts [4][]byte
	placeText  []byte
	// open says the last record in the batch may still grow (a
	// multi-line event); held are its emails and national identifiers
	// by startsPerson's slot.
	open bool
	held [7]string
	// Per worker, handed on by Scanner.flush.
	counts   [numTypes]Count // by the type's index
	findings int64
	batch    *batch
}

// process finds the personal data in one record and returns its findings
// (valid until the next call).
func (p *processor) process(r *Record) []Finding {
	p.found = p.found[:0]
	p.place = ""
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
		if fl.named() {
			// An address and the town, state, postcode and country
			// columns beside it say where the person lives.
			switch {
			case place == placeCountry:
				if c := countryColumn(string(v)); c != "" {
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
				p.add(r, p.fieldName(fl), Hit{Type: hint, Value: v, Norm: []byte(Normalise(hint, string(v))), Confidence: 0.85})
				identifying = identifying || hint == PersonName
			}
			continue
		}
		p.cur, p.curField, p.identifying = r, fl, false
		p.det.Detect(v, hint, p.onHitFunc)
		identifying = identifying || p.identifying
	}
	if len(p.found) > 0 {
		// The columns in the order addresses write them ("Melbourne,
		// VIC, 3000"), whatever the order of the columns.
		p.placeText = p.placeText[:0]
		for _, part := range p.placeParts {
			p.placeText = append(p.placeText, part...)
		}
		if len(p.placeText) > 0 {
			p.place = placeOf(p.placeText)
		}
		if country != "" && (p.place == "" || p.place[:2] != country) {
			p.place = country
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
				p.add(r, p.fieldName(fl), Hit{Type: Health, Value: []byte(term), Norm: []byte(term), Confidence: 0.6})
				break
			}
		}
	}
	return p.found
}

// onHit records a value the detector found in the current field.
func (p *processor) onHit(h Hit) {
	p.add(p.cur, p.fieldName(p.curField), h)
	p.identifying = true
}

func (p *processor) add(r *Record, field string, h Hit) {
	switch {
	case h.Type == DateOfBirth:
		p.scratch = append(append(p.scratch[:0], h.Norm[:4]...), "-**-**"...) // the year alone says little
	case ascii(h.Value):
		p.scratch = appendMaskASCII(p.scratch[:0], h.Type, h.Value)
	default:
		p.scratch = append(p.scratch[:0], Mask(h.Type, string(h.Value))...)
	}
	f := Finding{Path: r.Path, Line: r.Line, Field: field, Type: h.Type, Masked: p.str(p.scratch),
		Validated: h.Validated, Confidence: h.Confidence, Country: h.Country, Subdivision: h.Subdivision, norm: p.str(h.Norm)}
	if p.version >= 2 {
		f.ID = p.h.id(h.Norm)
	}
	if !p.omitHMAC {
		f.HMAC = p.h.of(h.Norm)
	}
	if p.reveal || p.keepRaw {
		raw := p.str(h.Value)
		if p.reveal {
			f.Value = raw
		}
		if p.keepRaw {
			f.raw = raw
		}
	}
	p.found = append(p.found, f)
}

// fieldName is a field's name as a string, cut from the slab when the
// reader gave it as bytes (the last one is reused).
func (p *processor) fieldName(fl *Field) string {
	if fl.Name != "" || len(fl.nameBytes) == 0 {
		return fl.Name
	}
	if string(fl.nameBytes) != p.lastName {
		p.lastName = p.str(fl.nameBytes)
	}
	return p.lastName
}

// slabSize is the size of the slabs findings' strings are cut from.
const slabSize = 64 << 10

// str returns b as a string cut from the slab.
func (p *processor) str(b []byte) string {
	if len(b) > slabSize/4 {
		return string(b)
	}
	if p.slab.Cap()-p.slab.Len() < len(b) {
		p.slab = strings.Builder{} // the old slab lives on while findings point into it
		p.slab.Grow(slabSize)
	}
	start := p.slab.Len()
	p.slab.Write(b)
	return p.slab.String()[start:]
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
