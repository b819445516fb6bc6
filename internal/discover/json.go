package discover

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// jsonFrame is one open object or array while streaming JSON.
type jsonFrame struct {
	array   bool
	wantKey bool   // an object expecting a key next
	key     string // the object's current key
	index   int    // the array's next index
	path    string
	record  bool // an object that is a record: top-level or an array element
	fields  []Field
}

// json streams JSON or NDJSON token by token, so a file of any size is
// read in bounded memory. Each object that stands alone (top-level or an
// element of an array) is a record; objects nested in it add their keys
// to it, so a person's address object stays with the person. Numbers are
// kept as written, so 16-digit card numbers keep every digit.
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
	scalar := func(v string) {
		p := childPath()
		var rec *jsonFrame
		if len(records) > 0 {
			rec = records[len(records)-1]
		}
		if rec == nil {
			// A bare value outside any object: a record of its own.
			src.rec = Record{Path: name, Fields: []Field{{Name: p, Value: []byte(v)}}}
			src.record(&src.rec)
			return
		}
		rec.fields = append(rec.fields, Field{Name: p, Value: []byte(v)})
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
				isRecord := t == '{' && (len(stack) == 0 || stack[len(stack)-1].array)
				f := &jsonFrame{array: t == '[', wantKey: t == '{', path: childPath(), record: isRecord}
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
					line := 0
					if lines {
						line = top
					}
					src.rec = Record{Path: name, Line: line, Fields: f.fields}
					src.record(&src.rec)
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
