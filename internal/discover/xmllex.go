package discover

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlLexer reads the XML of office files (DOCX, XLSX) as a stream of
// tags and text, in place: the element names without their namespace
// prefix, attributes read on demand, text with its entities undone.
// It is not a validating parser: office readers need only tags and text,
// and encoding/xml, which builds a value per token and checks far more,
// read them at a tenth of the speed. A tag or a run of text over maxLine
// bytes stops the read (errValueTooLong), so memory stays bounded
// whatever the part's compression ratio.
type xmlLexer struct {
	r       io.Reader
	buf     []byte
	i, n    int
	rerr    error
	name    []byte // the current tag's local name
	attrs   []byte // the current tag's attributes, as written
	text    []byte // the current text, entities undone
	selfEnd bool   // the current start tag ends with />
	attrBuf []byte
}

// Kinds of xmlLexer token.
const (
	xEOF = iota
	xStart
	xEnd
	xText
)

func newXMLLexer(r io.Reader) *xmlLexer { return &xmlLexer{r: r, buf: make([]byte, textChunk)} }

func (l *xmlLexer) fill() bool {
	if l.rerr != nil {
		return false
	}
	if l.i > 0 {
		l.n = copy(l.buf, l.buf[l.i:l.n])
		l.i = 0
	}
	if l.n == len(l.buf) {
		if len(l.buf) > maxLine {
			l.rerr = errValueTooLong
			return false
		}
		l.buf = append(l.buf, make([]byte, len(l.buf))...)
	}
	for {
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
}

func (l *xmlLexer) err() error {
	if l.rerr == io.EOF {
		return nil
	}
	return l.rerr
}

var errXMLSyntax = errors.New("broken XML")

// next returns the next token: xStart (name, attributes, selfEnd; a
// self-closing tag is followed by its xEnd), xEnd (name), xText (text),
// or xEOF with the error that ended the input, if any.
func (l *xmlLexer) next() (int, error) {
	if l.selfEnd {
		l.selfEnd = false
		return xEnd, nil
	}
	for {
		if l.i == l.n && !l.fill() {
			return xEOF, l.err()
		}
		if l.buf[l.i] != '<' {
			return xText, l.readText()
		}
		// A tag: find its end within the buffer, growing it if need be.
		end := -1
		for {
			if k := bytes.IndexByte(l.buf[l.i:l.n], '>'); k >= 0 {
				end = l.i + k
				break
			}
			if l.n-l.i > maxLine {
				return xEOF, errValueTooLong
			}
			if !l.fill() {
				if l.rerr == errValueTooLong {
					return xEOF, errValueTooLong
				}
				return xEOF, l.syntaxOrErr()
			}
		}
		if end-l.i > maxLine {
			return xEOF, errValueTooLong
		}
		tag := l.buf[l.i+1 : end]
		switch {
		case len(tag) > 0 && (tag[0] == '?'):
			l.i = end + 1
			continue
		case bytes.HasPrefix(tag, []byte("!--")):
			if err := l.skipPast("-->", 4); err != nil {
				return xEOF, err
			}
			continue
		case bytes.HasPrefix(tag, []byte("![CDATA[")):
			return xText, l.cdata()
		case len(tag) > 0 && tag[0] == '!':
			l.i = end + 1 // a DOCTYPE: office files have none worth reading
			continue
		case len(tag) > 0 && tag[0] == '/':
			l.name = localName(bytes.TrimRight(tag[1:], " \t\r\n"))
			l.i = end + 1
			return xEnd, nil
		}
		self := len(tag) > 0 && tag[len(tag)-1] == '/'
		if self {
			tag = tag[:len(tag)-1]
		}
		k := 0
		for k < len(tag) && !isXMLSpace(tag[k]) {
			k++
		}
		l.name, l.attrs = localName(tag[:k]), tag[k:]
		l.selfEnd = self
		l.i = end + 1
		return xStart, nil
	}
}

func (l *xmlLexer) syntaxOrErr() error {
	if l.rerr != nil && l.rerr != io.EOF {
		return l.rerr
	}
	return errXMLSyntax
}

// skipPast moves past the first end after l.i+from.
func (l *xmlLexer) skipPast(end string, from int) error {
	for {
		if k := bytes.Index(l.buf[min(l.i+from, l.n):l.n], []byte(end)); k >= 0 {
			l.i = min(l.i+from, l.n) + k + len(end)
			return nil
		}
		// Keep the last bytes, which may start the end.
		if l.n-l.i > len(end)+from {
			l.i = l.n - len(end)
			from = 0
		}
		if !l.fill() {
			if l.rerr == errValueTooLong {
				return errValueTooLong
			}
			return l.syntaxOrErr()
		}
	}
}

// cdata reads a CDATA section as text.
func (l *xmlLexer) cdata() error {
	l.i += len("<![CDATA[")
	l.text = l.text[:0]
	for {
		if k := bytes.Index(l.buf[l.i:l.n], []byte("]]>")); k >= 0 {
			l.text = append(l.text, l.buf[l.i:l.i+k]...)
			l.i += k + 3
			return nil
		}
		keep := max(l.i, l.n-2)
		l.text = append(l.text, l.buf[l.i:keep]...)
		l.i = keep
		if len(l.text) > maxLine {
			return errValueTooLong
		}
		if !l.fill() {
			return l.syntaxOrErr()
		}
	}
}

// readText reads the text up to the next tag, its entities undone.
func (l *xmlLexer) readText() error {
	l.text = l.text[:0]
	for {
		k := bytes.IndexByte(l.buf[l.i:l.n], '<')
		end := l.n
		if k >= 0 {
			end = l.i + k
		}
		chunk := l.buf[l.i:end]
		// An entity cut at the buffer's end is kept for the next fill.
		if k < 0 {
			if amp := bytes.LastIndexByte(chunk, '&'); amp >= 0 && bytes.IndexByte(chunk[amp:], ';') < 0 && len(chunk)-amp < 12 {
				chunk = chunk[:amp]
			}
		}
		l.text = appendUnescaped(l.text, chunk)
		l.i += len(chunk)
		if len(l.text) > maxLine {
			return errValueTooLong
		}
		if k >= 0 {
			return nil
		}
		if !l.fill() {
			if l.rerr == errValueTooLong {
				return errValueTooLong
			}
			if l.i < l.n { // a lone & at the very end
				l.text = append(l.text, l.buf[l.i:l.n]...)
				l.i = l.n
			}
			return l.err()
		}
	}
}

// attr is the value of the current tag's attribute by its local name
// (r:id is "id"), its entities undone; ok is false when it has none.
func (l *xmlLexer) attr(local string) ([]byte, bool) {
	a := l.attrs
	for len(a) > 0 {
		k := 0
		for k < len(a) && isXMLSpace(a[k]) {
			k++
		}
		a = a[k:]
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false
		}
		name := localName(bytes.TrimRight(a[:eq], " \t\r\n"))
		rest := bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return nil, false
		}
		q := bytes.IndexByte(rest[1:], rest[0])
		if q < 0 {
			return nil, false
		}
		if string(name) == local {
			l.attrBuf = appendUnescaped(l.attrBuf[:0], rest[1:1+q])
			return l.attrBuf, true
		}
		a = rest[q+2:]
	}
	return nil, false
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// localName drops a name's namespace prefix: w:t is t.
func localName(name []byte) []byte {
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		return name[k+1:]
	}
	return name
}

// appendUnescaped appends text with XML's entities undone: the five
// named ones and character references; anything else is kept as written.
func appendUnescaped(dst, s []byte) []byte {
	for {
		k := bytes.IndexByte(s, '&')
		if k < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:k]...)
		s = s[k:]
		semi := bytes.IndexByte(s, ';')
		if semi < 0 || semi > 10 {
			dst = append(dst, '&')
			s = s[1:]
			continue
		}
		ent := s[1:semi]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				dst = append(dst, s[:semi+1]...)
				s = s[semi+1:]
				continue
			}
			dst = utf8.AppendRune(dst, r)
		}
		s = s[semi+1:]
	}
}

// charRef reads a character reference's body: #233 or #xE9.
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	v, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || v > utf8.MaxRune {
		return 0, false
	}
	return rune(v), true
}
