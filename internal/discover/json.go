package discover

import (
	"io"
	"strconv"
	"strings"
)

// jsonFrame is one open object or array while streaming JSON.
type jsonFrame struct {
	array bool
	index int // the array's next index
	// The object's current key is keys[keyStart:keyEnd]; the frame's own
	// path is path[:pathLen].
	keyStart, keyEnd int
	pathLen          int
	// lastKey is the key its values are classified by: the object's
	// current key, or for an array the key it is under.
	lastStart, lastEnd int
	rec                *jsonRecord // for an object that is a record
	// parts marks an array of a record's parts (its names, addresses,
	// phones: FHIR's "name": [{"given": [...], "family": ...}]), whose
	// objects stay in the record.
	parts bool
}

// jsonRecord is a record being gathered: its values and their key paths
// in one arena, so that gathering them allocates nothing.
type jsonRecord struct {
	arena  []byte
	fields []jsonField
}

type jsonField struct {
	name, value [2]int // bounds in the arena
	hint        Type
	place       int
}

// keyClass is a key's classification, cached per file.
type keyClass struct {
	hint  Type
	place int
}

// jsonReader turns a stream of JSON tokens into records.
type jsonReader struct {
	src   *source
	name  string
	lines bool
	top   int // top-level values so far
	stack []jsonFrame
	keys  []byte // the open objects' current keys, innermost last
	path  []byte // the key path of the current value
	recs  []*jsonRecord
	free  []*jsonRecord
	tok   []byte
	class map[string]keyClass
	out   []Field
}

// json streams JSON or NDJSON token by token (jsonLexer), so a file of
// any size is read in bounded memory. Each object that stands alone
// (top-level, an element of an array, or the value of a key that is an
// identifier, as in {"users": {"uid-8f3k2": {...}}}) is a record; objects
// nested in it under other keys, and in arrays of its parts, add their
// keys to it, so a person's address object stays with the person.
// Numbers are kept as written, so 16-digit card numbers keep every digit.
func (src *source) json(name string, r io.Reader, lines bool) error {
	jr := &jsonReader{src: src, name: name, lines: lines, class: map[string]keyClass{}}
	return jr.read(newJSONLexer(r))
}

func (jr *jsonReader) read(lex *jsonLexer) error {
	for {
		kind, tok, err := lex.next(jr.tok[:0])
		jr.tok = tok
		if err != nil {
			return err
		}
		switch kind {
		case tEOF:
			return nil
		case tBeginObject, tBeginArray:
			jr.open(kind == tBeginArray)
		case tEndObject, tEndArray:
			jr.close()
		case tKey:
			f := &jr.stack[len(jr.stack)-1]
			jr.keys = append(jr.keys[:f.keyStart], tok...)
			f.keyEnd = len(jr.keys)
			f.lastStart, f.lastEnd = f.keyStart, f.keyEnd
		case tString, tNumber:
			jr.scalar(tok)
		case tLiteral:
			jr.childPath() // a value without personal data still moves the key on
		}
	}
}

// childPath sets path to the path of the next value in the innermost
// frame and moves an array's index on.
func (jr *jsonReader) childPath() {
	if len(jr.stack) == 0 {
		jr.path = jr.path[:0]
		return
	}
	f := &jr.stack[len(jr.stack)-1]
	jr.path = jr.path[:f.pathLen]
	if f.array {
		jr.path = append(strconv.AppendInt(append(jr.path, '['), int64(f.index), 10), ']')
		f.index++
		return
	}
	if f.pathLen > 0 {
		jr.path = append(jr.path, '.')
	}
	jr.path = append(jr.path, jr.keys[f.keyStart:f.keyEnd]...)
}

// idKeyed says whether the innermost frame is an object whose current
// key is an identifier (a map keyed by ids).
func (jr *jsonReader) idKeyed() bool {
	if len(jr.stack) == 0 {
		return false
	}
	f := &jr.stack[len(jr.stack)-1]
	return !f.array && idKey(jr.keys[f.keyStart:f.keyEnd])
}

func (jr *jsonReader) open(array bool) {
	keyed := jr.idKeyed()
	var mapPath, mapKey []byte
	if keyed {
		f := &jr.stack[len(jr.stack)-1]
		mapPath, mapKey = jr.path[:f.pathLen], jr.keys[f.keyStart:f.keyEnd]
	}
	inParts := len(jr.stack) > 0 && jr.stack[len(jr.stack)-1].parts
	isRecord := !array && (len(jr.stack) == 0 || jr.stack[len(jr.stack)-1].array && !inParts || keyed)
	parts := array && len(jr.recs) > 0 && len(jr.stack) > 0 && !jr.stack[len(jr.stack)-1].array && partKey(jr.keys[jr.stack[len(jr.stack)-1].keyStart:jr.stack[len(jr.stack)-1].keyEnd])
	if len(jr.stack) == 0 {
		jr.top++
	}
	var rec *jsonRecord
	if isRecord {
		rec = jr.newRecord()
		if keyed {
			rec.add(mapPath, mapKey, keyClass{})
		}
		jr.recs = append(jr.recs, rec)
	}
	// The key path is read before childPath moves it on.
	lastStart, lastEnd := 0, 0
	if n := len(jr.stack); n > 0 {
		lastStart, lastEnd = jr.stack[n-1].lastStart, jr.stack[n-1].lastEnd
	}
	jr.childPath()
	keyEnd := len(jr.keys)
	if n := len(jr.stack); n > 0 {
		keyEnd = jr.stack[n-1].keyEnd
	}
	jr.stack = append(jr.stack, jsonFrame{array: array, keyStart: keyEnd, keyEnd: keyEnd, pathLen: len(jr.path), rec: rec,
		parts: parts || inParts && array, lastStart: lastStart, lastEnd: lastEnd})
}

func (jr *jsonReader) close() {
	f := jr.stack[len(jr.stack)-1]
	jr.stack = jr.stack[:len(jr.stack)-1]
	if f.rec != nil {
		jr.recs = jr.recs[:len(jr.recs)-1]
		jr.emit(f.rec)
		jr.free = append(jr.free, f.rec)
	}
}

func (jr *jsonReader) newRecord() *jsonRecord {
	if n := len(jr.free); n > 0 {
		r := jr.free[n-1]
		jr.free = jr.free[:n-1]
		r.arena, r.fields = r.arena[:0], r.fields[:0]
		return r
	}
	return &jsonRecord{}
}

func (r *jsonRecord) add(name, value []byte, c keyClass) {
	f := jsonField{hint: c.hint, place: c.place}
	f.name[0] = len(r.arena)
	r.arena = append(r.arena, name...)
	f.name[1] = len(r.arena)
	f.value[0] = len(r.arena)
	r.arena = append(r.arena, value...)
	f.value[1] = len(r.arena)
	r.fields = append(r.fields, f)
}

// classify is the classification of the key the innermost frame's
// values are under, cached per key.
func (jr *jsonReader) classify() keyClass {
	if len(jr.stack) == 0 {
		return keyClass{}
	}
	f := &jr.stack[len(jr.stack)-1]
	key := jr.keys[f.lastStart:f.lastEnd]
	if c, ok := jr.class[string(key)]; ok {
		return c
	}
	k := string(key)
	c := keyClass{hint: ClassifyField(k), place: placeField(k)}
	if len(jr.class) < 4096 {
		jr.class[k] = c
	}
	return c
}

func (jr *jsonReader) scalar(v []byte) {
	keyed := jr.idKeyed()
	var keyField []byte
	var mapPathLen int
	if keyed {
		f := &jr.stack[len(jr.stack)-1]
		keyField, mapPathLen = jr.keys[f.keyStart:f.keyEnd], f.pathLen
	}
	c := jr.classify()
	jr.childPath()
	switch {
	case keyed:
		// {"emails": {"u-8f3k29": "aroha@example.nz"}}: one person per key.
		rec := jr.newRecord()
		rec.add(jr.path[:mapPathLen], keyField, keyClass{})
		rec.add(jr.path, v, c)
		jr.emit(rec)
		jr.free = append(jr.free, rec)
	case len(jr.recs) == 0:
		// A bare value outside any object: a record of its own.
		rec := jr.newRecord()
		rec.add(jr.path, v, c)
		jr.emit(rec)
		jr.free = append(jr.free, rec)
	default:
		rec := jr.recs[len(jr.recs)-1]
		rec.add(jr.path, v, c)
		if len(rec.fields) == maxRecordFields || len(rec.arena) > maxInMemory {
			// One object with this many values is a table, not a person:
			// it is read in parts so that memory stays bounded.
			jr.emit(rec)
			rec.arena, rec.fields = rec.arena[:0], rec.fields[:0]
		}
	}
}

// emit hands a record's values to the scan, then forgets them.
func (jr *jsonReader) emit(r *jsonRecord) {
	line := 0
	if jr.lines {
		line = jr.top
	}
	jr.out = jr.out[:0]
	for _, f := range r.fields {
		jr.out = append(jr.out, Field{nameBytes: r.arena[f.name[0]:f.name[1]], Value: r.arena[f.value[0]:f.value[1]],
			Hint: f.hint, Classified: true, place: f.place})
	}
	src := jr.src
	src.rec = Record{Path: jr.name, Line: line, Fields: jr.out}
	src.record(&src.rec)
	r.arena, r.fields = r.arena[:0], r.fields[:0]
}

// partKeys name the arrays that hold a person's parts rather than other
// people: their names, addresses, phones, emails, identifiers, cards.
var partKeys = map[string]bool{
	"name": true, "names": true, "address": true, "addresses": true, "telecom": true, "phone": true, "phones": true,
	"phonenumbers": true, "email": true, "emails": true, "emailaddresses": true, "identifier": true, "identifiers": true,
	"cards": true, "paymentmethods": true, "bankaccounts": true, "contactpoints": true, "contactdetails": true,
}

// partKey says whether an array under the key holds a record's parts.
func partKey(k []byte) bool {
	var b [48]byte
	return partKeys[string(fieldKey(string(k), &b))]
}

// maxRecordFields is how many values one record of a JSON file may hold
// before it is read in parts.
const maxRecordFields = 10000

// idKey says whether an object key is an identifier rather than a field
// name: all digits ("12345"), three digits or more ("u-8f3k29", a UUID,
// a MongoDB id), twenty letters and digits without a break (Firebase's
// user ids), an @ (a map keyed by email), or a leading - (Firebase's push
// ids). A map keyed by such ids holds one record per key; a key such as
// "address", "billing" or "line2" names a part of the record around it.
func idKey[T string | []byte](k T) bool {
	if len(k) > 1 && k[0] == '-' || strings.IndexByte(string(k), '@') >= 0 {
		return true
	}
	digits, word := 0, true
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case isDigit(c):
			digits++
		case !isAlpha(c):
			word = false
		}
	}
	return len(k) > 0 && digits == len(k) || digits >= 3 || word && len(k) >= 20
}
