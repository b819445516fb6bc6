package discover

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonLexer reads JSON token by token from a stream, as json.Decoder's
// Token does (the grammar's commas and colons are checked and passed
// over, and several top-level values may follow each other, as in
// NDJSON), but without allocating: strings are unescaped and numbers
// copied into a buffer the caller gives. A string or number longer than
// maxLine stops the read (errValueTooLong), so memory stays bounded
// whatever the input; nesting deeper than maxJSONDepth is an error.
type jsonLexer struct {
	r        io.Reader
	buf      []byte
	i, n     int
	consumed int64 // bytes before buf[0]
	rerr     error // the reader's error, once it has returned one
	stack    []byte
	state    uint8
}

// Kinds of token.
const (
	tEOF uint8 = iota
	tBeginObject
	tEndObject
	tBeginArray
	tEndArray
	tKey
	tString
	tNumber
	tLiteral // true, false or null
)

// Grammar states: what may come next.
const (
	stValue      uint8 = iota // a value (at the top, after a colon, after [ or a comma in an array)
	stKeyOrEnd                // after {: a key or }
	stKey                     // after a comma in an object: a key
	stColon                   // after a key
	stCommaOrEnd              // after a value in an object or array
	stValueOrEnd              // after [: a value or ]
)

func newJSONLexer(r io.Reader) *jsonLexer {
	return &jsonLexer{r: r, buf: make([]byte, textChunk)}
}

// offset is the position in the stream of the next byte.
func (l *jsonLexer) offset() int64 { return l.consumed + int64(l.i) }

// fill reads more input; false at the end or on an error.
func (l *jsonLexer) fill() bool {
	if l.rerr != nil {
		return false
	}
	if l.i > 0 {
		l.consumed += int64(l.i)
		l.n = copy(l.buf, l.buf[l.i:l.n])
		l.i = 0
	}
	for l.n < len(l.buf) {
		k, err := l.r.Read(l.buf[l.n:])
		l.n += k
		if err != nil {
			l.rerr = err
			return k > 0
		}
		if k > 0 {
			return true
		}
	}
	return true
}

func (l *jsonLexer) syntax() error {
	return fmt.Errorf("invalid JSON at byte %d", l.offset()+1)
}

// readErr is the error for input that ended inside a token.
func (l *jsonLexer) readErr() error {
	if l.rerr != nil && l.rerr != io.EOF {
		return l.rerr
	}
	return errors.New("the JSON ends before its last value is closed")
}

// skipSpace moves past white space and returns the next byte (false at
// the end of the input).
func (l *jsonLexer) skipSpace() (byte, bool) {
	for {
		for l.i < l.n {
			switch c := l.buf[l.i]; c {
			case ' ', '\t', '\n', '\r':
				l.i++
			default:
				return c, true
			}
		}
		if !l.fill() {
			return 0, false
		}
	}
}

// next returns the next token. For keys, strings, numbers and literals
// the token's text (unescaped) is appended to dst and returned.
func (l *jsonLexer) next(dst []byte) (uint8, []byte, error) {
	for {
		c, ok := l.skipSpace()
		if !ok {
			if l.rerr != nil && l.rerr != io.EOF {
				return tEOF, dst, l.rerr
			}
			if len(l.stack) > 0 || l.state != stValue {
				return tEOF, dst, errors.New("the JSON ends before its last value is closed")
			}
			return tEOF, dst, nil
		}
		switch l.state {
		case stColon:
			if c != ':' {
				return tEOF, dst, l.syntax()
			}
			l.i++
			l.state = stValue
			continue
		case stCommaOrEnd:
			switch {
			case c == ',':
				l.i++
				l.state = stValue
				if l.stack[len(l.stack)-1] == '{' {
					l.state = stKey
				}
				continue
			case c == '}' || c == ']':
				return l.close(c, dst)
			}
			return tEOF, dst, l.syntax()
		case stKeyOrEnd, stKey:
			switch {
			case c == '}' && l.state == stKeyOrEnd:
				return l.close(c, dst)
			case c != '"':
				return tEOF, dst, l.syntax()
			}
			l.i++
			out, err := l.str(dst)
			l.state = stColon
			return tKey, out, err
		case stValueOrEnd:
			if c == ']' {
				return l.close(c, dst)
			}
		}
		return l.value(c, dst)
	}
}

// close ends an object or an array.
func (l *jsonLexer) close(c byte, dst []byte) (uint8, []byte, error) {
	open := byte('{')
	kind := tEndObject
	if c == ']' {
		open, kind = '[', tEndArray
	}
	if len(l.stack) == 0 || l.stack[len(l.stack)-1] != open {
		return tEOF, dst, l.syntax()
	}
	l.i++
	l.stack = l.stack[:len(l.stack)-1]
	l.afterValue()
	return kind, dst, nil
}

// afterValue sets what may follow a complete value.
func (l *jsonLexer) afterValue() {
	l.state = stValue
	if len(l.stack) > 0 {
		l.state = stCommaOrEnd
	}
}

// value reads a value starting with c.
func (l *jsonLexer) value(c byte, dst []byte) (uint8, []byte, error) {
	switch {
	case c == '{' || c == '[':
		if len(l.stack) >= maxJSONDepth {
			return tEOF, dst, fmt.Errorf("JSON nested deeper than %d levels", maxJSONDepth)
		}
		l.i++
		l.stack = append(l.stack, c)
		if c == '{' {
			l.state = stKeyOrEnd
			return tBeginObject, dst, nil
		}
		l.state = stValueOrEnd
		return tBeginArray, dst, nil
	case c == '"':
		l.i++
		out, err := l.str(dst)
		l.afterValue()
		return tString, out, err
	case c == '-' || isDigit(c):
		out, err := l.number(dst)
		l.afterValue()
		return tNumber, out, err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if lit[0] == c {
				out, err := l.literal(lit, dst)
				l.afterValue()
				return tLiteral, out, err
			}
		}
	}
	return tEOF, dst, l.syntax()
}

func (l *jsonLexer) literal(lit string, dst []byte) ([]byte, error) {
	for k := 0; k < len(lit); k++ {
		if l.i == l.n && !l.fill() {
			return dst, l.readErr()
		}
		if l.buf[l.i] != lit[k] {
			return dst, l.syntax()
		}
		l.i++
	}
	return append(dst, lit...), nil
}

// number copies a number as written, checking its grammar.
func (l *jsonLexer) number(dst []byte) ([]byte, error) {
	start := len(dst)
	// states: 0 start, 1 after -, 2 leading 0, 3 int digits, 4 after ., 5 frac digits, 6 after e, 7 after e sign, 8 exp digits
	st := 0
	for {
		if l.i == l.n && !l.fill() {
			break
		}
		c := l.buf[l.i]
		next := -1
		switch {
		case c == '-' && st == 0:
			next = 1
		case c == '0' && (st == 0 || st == 1):
			next = 2
		case isDigit(c) && (st == 0 || st == 1 || st == 3):
			next = 3
		case c == '.' && (st == 2 || st == 3):
			next = 4
		case isDigit(c) && (st == 4 || st == 5):
			next = 5
		case (c == 'e' || c == 'E') && (st == 2 || st == 3 || st == 5):
			next = 6
		case (c == '+' || c == '-') && st == 6:
			next = 7
		case isDigit(c) && (st == 6 || st == 7 || st == 8):
			next = 8
		}
		if next < 0 {
			break
		}
		st = next
		dst = append(dst, c)
		l.i++
		if len(dst)-start > maxLine {
			return dst, errValueTooLong
		}
	}
	if st != 2 && st != 3 && st != 5 && st != 8 {
		if l.i == l.n && l.rerr != nil {
			return dst, l.readErr()
		}
		return dst, l.syntax()
	}
	return dst, nil
}

// jsonStop marks the bytes that end a run of plain string text.
var jsonStop = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str reads a string after its opening quote, unescaped into dst. A
// string of more than maxLine bytes as written stops the read.
func (l *jsonLexer) str(dst []byte) ([]byte, error) {
	start := l.offset()
	for {
		j := l.i
		for j < l.n && !jsonStop[l.buf[j]] {
			j++
		}
		dst = append(dst, l.buf[l.i:j]...)
		l.i = j
		if l.offset()-start > maxLine {
			return dst, errValueTooLong
		}
		if j == l.n {
			if !l.fill() {
				return dst, l.readErr()
			}
			continue
		}
		switch c := l.buf[j]; c {
		case '"':
			l.i++
			return dst, nil
		case '\\':
			var err error
			if dst, err = l.escape(dst); err != nil {
				return dst, err
			}
		default: // a control character
			return dst, l.syntax()
		}
	}
}

// need makes sure k bytes are buffered from l.i.
func (l *jsonLexer) need(k int) bool {
	for l.n-l.i < k {
		if !l.fill() {
			return false
		}
	}
	return true
}

// escape undoes the escape at l.i (a backslash), as encoding/json does:
// \uXXXX pairs of surrogates make one character, a lone surrogate U+FFFD.
func (l *jsonLexer) escape(dst []byte) ([]byte, error) {
	if !l.need(2) {
		return dst, l.readErr()
	}
	c := l.buf[l.i+1]
	switch c {
	case '"', '\\', '/':
		dst = append(dst, c)
	case 'b':
		dst = append(dst, '\b')
	case 'f':
		dst = append(dst, '\f')
	case 'n':
		dst = append(dst, '\n')
	case 'r':
		dst = append(dst, '\r')
	case 't':
		dst = append(dst, '\t')
	case 'u':
		r, ok := l.hex4(2)
		if !ok {
			return dst, l.syntax()
		}
		l.i += 6
		if utf16.IsSurrogate(r) {
			if l.need(6) && l.buf[l.i] == '\\' && l.buf[l.i+1] == 'u' {
				if r2, ok := l.hex4(2); ok {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						l.i += 6
						return utf8.AppendRune(dst, d), nil
					}
				}
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(dst, r), nil
	default:
		return dst, l.syntax()
	}
	l.i += 2
	return dst, nil
}

// hex4 reads four hex digits rel bytes after l.i.
func (l *jsonLexer) hex4(rel int) (rune, bool) {
	if !l.need(rel + 4) {
		return 0, false
	}
	var r rune
	for _, c := range l.buf[l.i+rel : l.i+rel+4] {
		d := hexDigit(c)
		if d < 0 {
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}
