package discover

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// sql scans a SQL dump's INSERT statements: each tuple of values is a
// record, its fields named by the statement's column list (or "column N"
// without one). Everything else in the dump is passed over.
func (src *source) sql(name string, r io.Reader) error {
	br := bufio.NewReaderSize(&runGuard{r: r, kind: lineRuns}, textChunk)
	p := &sqlParser{br: br, line: 1}
	for {
		ok, err := p.nextInsert()
		if err != nil || !ok {
			return err
		}
		cols, err := p.columns()
		if err != nil {
			return err
		}
		if err := p.tuples(func(line int, vals [][]byte) {
			fields := make([]Field, len(vals))
			for k, v := range vals {
				n := "column " + strconv.Itoa(k+1)
				if k < len(cols) {
					n = cols[k]
				}
				fields[k] = Field{Name: n, Value: v}
			}
			src.rec = Record{Path: name, Line: line, Fields: fields}
			src.record(&src.rec)
		}); err != nil {
			return err
		}
	}
}

type sqlParser struct {
	br   *bufio.Reader
	line int
}

func (p *sqlParser) read() (byte, error) {
	c, err := p.br.ReadByte()
	if c == '\n' {
		p.line++
	}
	return c, err
}

func (p *sqlParser) skipSpace() (byte, error) {
	for {
		c, err := p.read()
		if err != nil || (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
			return c, err
		}
	}
}

// nextInsert moves past the next "INSERT INTO table", reporting false at
// the end of the dump.
func (p *sqlParser) nextInsert() (bool, error) {
	const kw = "insert"
	matched := 0
	for {
		c, err := p.read()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if c|0x20 == kw[matched] {
			matched++
			if matched == len(kw) {
				break
			}
			continue
		}
		matched = 0
		if c|0x20 == kw[0] {
			matched = 1
		}
	}
	// INTO and the table name.
	for words := 0; words < 2; {
		c, err := p.skipSpace()
		if err != nil {
			return false, nil
		}
		for c != ' ' && c != '\n' && c != '\t' && c != '(' {
			if c, err = p.read(); err != nil {
				return false, nil
			}
		}
		words++
		if c == '(' {
			p.br.UnreadByte()
			break
		}
	}
	return true, nil
}

// columns reads an optional "(a, b, c)" column list and the VALUES word.
func (p *sqlParser) columns() ([]string, error) {
	c, err := p.skipSpace()
	if err != nil {
		return nil, nil
	}
	var cols []string
	if c == '(' {
		var cur bytes.Buffer
		for {
			c, err := p.read()
			if err != nil {
				return nil, fmt.Errorf("unfinished column list on line %d", p.line)
			}
			switch c {
			case ',', ')':
				if len(cols) < maxSQLColumns {
					cols = append(cols, string(bytes.Trim(bytes.TrimSpace(cur.Bytes()), "`\"[]")))
				}
				cur.Reset()
			case ' ', '\n', '\r', '\t':
			default:
				if cur.Len() < 128 {
					cur.WriteByte(c)
				}
			}
			if c == ')' {
				break
			}
		}
		if c, err = p.skipSpace(); err != nil {
			return cols, nil
		}
	}
	// VALUES (or VALUE)
	for c != '(' {
		if c, err = p.read(); err != nil {
			return cols, nil
		}
		if c == ';' {
			return cols, nil
		}
	}
	p.br.UnreadByte()
	return cols, nil
}

// tuples reads "(v, v), (v, v);" calling fn for each tuple.
func (p *sqlParser) tuples(fn func(line int, vals [][]byte)) error {
	for {
		c, err := p.skipSpace()
		if err != nil {
			return nil
		}
		switch c {
		case ',':
			continue
		case '(':
		default:
			return nil // ';' or anything else ends the statement
		}
		line := p.line
		var vals [][]byte
		var cur []byte
		quoted, inQuote := false, byte(0)
		for done := false; !done; {
			c, err := p.read()
			if err != nil {
				return fmt.Errorf("unfinished VALUES tuple starting on line %d", line)
			}
			switch {
			case inQuote != 0:
				switch {
				case c == '\\':
					n, err := p.read()
					if err != nil {
						return fmt.Errorf("unfinished string on line %d", line)
					}
					cur = append(cur, n)
				case c == inQuote:
					if n, err := p.br.Peek(1); err == nil && n[0] == inQuote {
						p.read()
						cur = append(cur, c)
					} else {
						inQuote = 0
					}
				default:
					if len(cur) < maxLine {
						cur = append(cur, c)
					}
				}
			case c == '\'' || c == '"':
				inQuote, quoted = c, true
			case c == ',' || c == ')':
				v := cur
				if !quoted {
					v = bytes.TrimSpace(v)
					if bytes.EqualFold(v, []byte("null")) {
						v = nil
					}
				}
				if len(vals) < maxSQLColumns {
					vals = append(vals, append([]byte(nil), v...))
				}
				cur, quoted = cur[:0], false
				done = c == ')'
			default:
				cur = append(cur, c)
			}
		}
		fn(line, vals)
	}
}
