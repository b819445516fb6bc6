package discover

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jsonFrame is one open object or array while streaming JSON.
type jsonFrame struct {
	array   bool
	wantKey bool   // an object expecting a key next
	key     string // the object's current key
	index   int    // the array's next index
	path    string
	record  bool // an object that is a record: top-level or an array element
	// parts marks an array of a record's parts (its names, addresses,
	// phones: FHIR's "name": [{"given": [...], "family": ...}]), whose
	// objects stay in the record.
	parts  bool
	fields []Field
}

// json streams JSON or NDJSON token by token, so a file of any size is
// read in bounded memory. Each object that stands alone (top-level, an
// element of an array, or the value of a key that is an identifier, as
// in {"users": {"uid-8f3k2": {...}}}) is a record; objects nested in it
// under other keys add their keys to it, so a person's address object
// stays with the person. Numbers are kept as written, so 16-digit card
// numbers keep every digit.
func (src *source) json(name string, r io.Reader, lines bool) error {
	dec := json.NewDecoder(&jsonGuard{r: r})
	dec.UseNumber()
	var stack []*jsonFrame
	top := 0
	var records []*jsonFrame // record frames, innermost last
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.array {
			p := f.path + "[" + strconv.Itoa(f.index) + "]"
			f.index++
			return p
		}
		f.wantKey = true // this value completes the key's pair
		if f.path == "" {
			return f.key
		}
		return f.path + "." + f.key
	}
	emit := func(f *jsonFrame) {
		line := 0
		if lines {
			line = top
		}
		src.rec = Record{Path: name, Line: line, Fields: f.fields}
		src.record(&src.rec)
		f.fields = f.fields[:0]
	}
	// keyField is an identifier key as a value of its map, so that a map
	// keyed by email has its emails scanned.
	keyField := func(m *jsonFrame) Field { return Field{Name: m.path, Value: []byte(m.key)} }
	scalar := func(v string) {
		var keyed []Field
		if len(stack) > 0 && !stack[len(stack)-1].array && idKey(stack[len(stack)-1].key) {
			keyed = []Field{keyField(stack[len(stack)-1])}
		}
		p := childPath()
		var rec *jsonFrame
		if len(records) > 0 {
			rec = records[len(records)-1]
		}
		if keyed != nil {
			// {"emails": {"u-8f3k29": "aroha@example.nz"}}: one person per key.
			emit(&jsonFrame{fields: append(keyed, Field{Name: p, Value: []byte(v)})})
			return
		}
		if rec == nil {
			// A bare value outside any object: a record of its own.
			src.rec = Record{Path: name, Fields: []Field{{Name: p, Value: []byte(v)}}}
			src.record(&src.rec)
			return
		}
		rec.fields = append(rec.fields, Field{Name: p, Value: []byte(v)})
		if len(rec.fields) == maxRecordFields {
			// One object with this many values is a table, not a person:
			// it is read in parts so that memory stays bounded.
			emit(rec)
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return fmt.Errorf("the JSON ends before its last value is closed")
			}
			return nil
		}
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("invalid JSON at byte %d", se.Offset)
			}
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= maxJSONDepth {
					return fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)
				}
				keyed := len(stack) > 0 && !stack[len(stack)-1].array && idKey(stack[len(stack)-1].key)
				var fields []Field
				if keyed && t == '{' {
					fields = []Field{keyField(stack[len(stack)-1])}
				}
				inParts := len(stack) > 0 && stack[len(stack)-1].parts
				isRecord := t == '{' && (len(stack) == 0 || stack[len(stack)-1].array && !inParts || keyed)
				parts := t == '[' && len(records) > 0 && len(stack) > 0 && !stack[len(stack)-1].array && partKey(stack[len(stack)-1].key)
				f := &jsonFrame{array: t == '[', wantKey: t == '{', path: childPath(), record: isRecord, fields: fields, parts: parts || inParts && t == '['}
				if len(stack) == 0 {
					top++
				}
				stack = append(stack, f)
				if isRecord {
					records = append(records, f)
				}
			case '}', ']':
				f := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if f.record {
					records = records[:len(records)-1]
					emit(f)
				}
			}
		case string:
			if len(stack) > 0 && stack[len(stack)-1].wantKey {
				stack[len(stack)-1].key = t
				stack[len(stack)-1].wantKey = false
				continue
			}
			scalar(t)
		case json.Number:
			scalar(string(t))
		case bool, nil:
			childPath() // a value without personal data still moves the key on
		}
	}
}

// partKeys name the arrays that hold a person's parts rather than other
// people: their names, addresses, phones, emails, identifiers, cards.
var partKeys = map[string]bool{
	"name": true, "names": true, "address": true, "addresses": true, "telecom": true, "phone": true, "phones": true,
	"phonenumbers": true, "email": true, "emails": true, "emailaddresses": true, "identifier": true, "identifiers": true,
	"cards": true, "paymentmethods": true, "bankaccounts": true, "contactpoints": true, "contactdetails": true,
}

// partKey says whether an array under the key holds a record's parts.
func partKey(k string) bool {
	var b [48]byte
	return partKeys[string(fieldKey(k, &b))]
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
func idKey(k string) bool {
	if len(k) > 1 && k[0] == '-' || strings.IndexByte(k, '@') >= 0 {
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
