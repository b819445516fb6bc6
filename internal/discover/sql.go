package discover

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// sql scans a SQL dump's data: each tuple of an INSERT statement and
// each row of a COPY ... FROM stdin block (pg_dump's default) is a
// record, its fields named by the statement's column list, else by the
// table's CREATE TABLE earlier in the dump (mysqldump writes INSERTs
// without a list), else "column N". Everything else is passed over.
func (src *source) sql(name string, r io.Reader) error {
	guard := &runGuard{r: r, kind: lineRuns}
	br := textReader(guard)
	defer releaseReader(br, guard)
	p := &sqlParser{br: br, line: 1}
	var fields []Field // a statement's columns, their values those of the record
	for {
		kind, err := p.nextStatement()
		if err != nil || kind == "" {
			return err
		}
		var cols []string
		fields = fields[:0] // the columns are named and classified once per statement
		record := func(line int, vals [][]byte) {
			for k := len(fields); k < len(vals); k++ {
				n := "column " + strconv.Itoa(k+1)
				if k < len(cols) {
					n = cols[k]
				}
				fields = append(fields, Field{Name: n, Hint: ClassifyField(n), Classified: true, place: placeField(n)})
			}
			for k, v := range vals {
				fields[k].Value = v
			}
			src.rec = Record{Path: name, Line: line, Fields: fields[:len(vals)]}
			src.record(&src.rec)
		}
		switch kind {
		case "create":
			p.createTable()
		case "copy":
			var data bool
			if cols, data, err = p.copyHeader(); err == nil && data {
				err = p.copyRows(record)
			}
		default:
			if cols, err = p.columns(); err == nil {
				if cols == nil {
					cols = p.tables[tableKey(p.table)]
				}
				err = p.tuples(record)
			}
		}
		if err != nil {
			return err
		}
	}
}

type sqlParser struct {
	br   *bufio.Reader
	line int
	// table is the last INSERT's table; tables the columns each CREATE
	// TABLE gave, by tableKey.
	table  string
	tables map[string][]string
	// A record's values, slices of buf (ends[k] is where the k'th
	// ends, -1 for NULL), reused from record to record.
	buf  []byte
	ends []int
	vals [][]byte
	row  []byte // a COPY row longer than the reader's buffer
}

// record returns the values kept in p.buf, valid until the next record.
func (p *sqlParser) record() [][]byte {
	p.vals = p.vals[:0]
	start := 0
	for _, end := range p.ends {
		if end < 0 {
			p.vals = append(p.vals, nil)
			continue
		}
		p.vals = append(p.vals, p.buf[start:end:end])
		start = end
	}
	return p.vals
}

// keep adds a value (nil for NULL) to the record being read.
func (p *sqlParser) keep(v []byte) {
	if len(p.ends) == maxSQLColumns {
		return
	}
	if v == nil {
		p.ends = append(p.ends, -1)
		return
	}
	p.buf = append(p.buf, v...)
	p.ends = append(p.ends, len(p.buf))
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

// nextStatement moves past the next "INSERT INTO table" or the word
// COPY, reporting which ("" at the end of the dump). Keywords count only
// as whole words: my_copy_table is not one.
func (p *sqlParser) nextStatement() (string, error) {
	var word [8]byte
	n := 0 // letters of the current word, len(word)+1 once it is too long
	for {
		c, err := p.read()
		if err == io.EOF {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if isAlpha(c) || isDigit(c) || c == '_' {
			if n < len(word) {
				word[n] = c | 0x20
			}
			n = min(n+1, len(word)+1)
			continue
		}
		w := string(word[:min(n, len(word))])
		if n > len(word) {
			w = ""
		}
		n = 0
		switch w {
		case "copy", "create":
			return w, nil
		case "insert":
			if p.intoTable(c) {
				return "insert", nil
			}
			if c == '(' {
				p.br.UnreadByte()
			}
		}
	}
}

// intoTable moves past INTO and the table name of an INSERT (and words
// such as IGNORE before INTO), keeping the name in p.table; c is the byte
// that ended the word INSERT.
func (p *sqlParser) intoTable(c byte) bool {
	if c == '(' {
		return false
	}
	for {
		w, end, ok := p.word()
		if !ok {
			return false
		}
		switch strings.ToLower(w) {
		case "into", "ignore", "low_priority", "delayed", "high_priority", "":
			if end == '(' {
				return false
			}
			continue
		}
		p.table = w
		return true
	}
}

// word reads the next word (up to white space or '('), returning it and
// the byte that ended it; a '(' is left to be read again.
func (p *sqlParser) word() (string, byte, bool) {
	c, err := p.skipSpace()
	if err != nil {
		return "", 0, false
	}
	var w []byte
	for c != ' ' && c != '\n' && c != '\r' && c != '\t' && c != '(' {
		if len(w) < 256 {
			w = append(w, c)
		}
		if c, err = p.read(); err != nil {
			return "", 0, false
		}
	}
	if c == '(' {
		p.br.UnreadByte()
	}
	return string(w), c, true
}

// createTable reads a CREATE TABLE statement's column names into
// p.tables, so that INSERTs without a column list (mysqldump's default,
// and pg_dump --inserts) name their values. Other CREATE statements are
// passed over.
func (p *sqlParser) createTable() {
	isTable, name := false, ""
	for words := 0; ; words++ {
		w, end, ok := p.word()
		if !ok || words == 12 || strings.IndexByte(w, ';') >= 0 {
			return // CREATE TABLE ... AS SELECT, LIKE, or not a statement
		}
		switch lw := strings.ToLower(w); {
		case lw == "table":
			isTable = true
		case !isTable && lw != "temporary" && lw != "temp" && lw != "unlogged" && lw != "or" && lw != "replace" && lw != "global" && lw != "local":
			return // CREATE INDEX, VIEW, FUNCTION...
		case w != "" && lw != "if" && lw != "not" && lw != "exists":
			name = w
		}
		if end == '(' {
			break
		}
	}
	if name == "" {
		return
	}
	p.read() // the '('
	var body []byte
	for nest := (sqlNesting{depth: 1}); ; {
		c, err := p.read()
		if err != nil || len(body) > 1<<20 {
			return
		}
		if nest.step(c); nest.depth == 0 {
			break
		}
		body = append(body, c)
	}
	if p.tables == nil {
		p.tables = map[string][]string{}
	}
	if len(p.tables) < 10000 {
		p.tables[tableKey(name)] = columnNames(body)
	}
}

// sqlNesting follows quotes and parentheses through SQL text, a byte at
// a time.
type sqlNesting struct {
	depth int
	quote byte // the quote open, 0 outside quotes
}

// step takes the next byte and says whether it stands outside quotes.
func (n *sqlNesting) step(c byte) bool {
	switch {
	case n.quote != 0:
		if c == n.quote {
			n.quote = 0
		}
		return false
	case c == '\'' || c == '"' || c == '`':
		n.quote = c
		return false
	case c == '(':
		n.depth++
	case c == ')':
		n.depth--
	}
	return true
}

// columnNames reads the column names of a CREATE TABLE body, or of a
// column list: the first word of each item at the top level, unquoted,
// leaving out constraints and keys.
func columnNames(body []byte) []string {
	var cols []string
	start := 0
	item := func(b []byte) {
		b = bytes.TrimSpace(b)
		if len(b) == 0 || len(cols) == maxSQLColumns || sqlConstraint(b) {
			return
		}
		name := b
		if q := b[0]; q == '`' || q == '"' || q == '[' {
			closing := q
			if q == '[' {
				closing = ']'
			}
			name = nil
			if end := bytes.IndexByte(b[1:], closing); end >= 0 {
				name = b[1 : 1+end]
			}
		} else if end := bytes.IndexAny(b, " \t\r\n"); end >= 0 {
			name = b[:end]
		}
		if len(name) > 0 {
			cols = append(cols, string(name))
		}
	}
	var nest sqlNesting
	for i, c := range body {
		if nest.step(c) && c == ',' && nest.depth == 0 {
			item(body[start:i])
			start = i + 1
		}
	}
	item(body[start:])
	return cols
}

// sqlConstraint says whether an item of a CREATE TABLE body is a key or
// a constraint rather than a column: it starts with a word such as KEY,
// UNIQUE or CHECK followed by what a constraint has there ("(", a quoted
// name, KEY or INDEX, or a name, a space and "("). A column may have such
// a name: "key text", "period int" and "unique varchar(20)" are columns.
func sqlConstraint(item []byte) bool {
	word, rest := sqlWord(item)
	switch strings.ToLower(string(word)) {
	case "primary", "foreign", "constraint":
		return true
	case "unique", "key", "index", "fulltext", "spatial", "check", "exclude", "like", "period":
		if len(rest) == 0 {
			return false // a column with nothing but its name
		}
		if c := rest[0]; c == '(' || c == '`' || c == '"' || c == '[' {
			return true
		}
		next, after := sqlWord(rest)
		if bytes.EqualFold(next, []byte("key")) || bytes.EqualFold(next, []byte("index")) {
			return true
		}
		// "INDEX idx_a (a)" names an index; in "unique varchar(20)" the
		// "(" belongs to the column's type.
		return len(after) > 0 && after[0] == '(' && rest[len(next)] != '('
	}
	return false
}

// sqlWord splits b into its first word (up to white space or "(") and
// the rest, without the white space between.
func sqlWord(b []byte) (word, rest []byte) {
	end := bytes.IndexAny(b, " \t\r\n(")
	if end < 0 {
		return b, nil
	}
	return b[:end], bytes.TrimSpace(b[end:])
}

// tableKey is how a table is known across statements: its last name
// part without quotes, in lower case (public.users, "users", `users`).
func tableKey(name string) string {
	name = strings.ToLower(name)
	if k := strings.LastIndexByte(name, '.'); k >= 0 {
		name = name[k+1:]
	}
	return strings.Trim(name, "`\"[]")
}

// copyHeader reads the rest of a COPY statement, up to its ';' and the
// end of its line: the table, an optional column list, and FROM stdin.
// data is false for any other COPY (to a file, from a program), whose
// rows are not in the dump.
func (p *sqlParser) copyHeader() (cols []string, data bool, err error) {
	var stmt []byte
	for {
		c, err := p.read()
		if err != nil {
			return nil, false, nil
		}
		if c == ';' {
			break
		}
		if len(stmt) == 4096 {
			return nil, false, nil // not a COPY statement of a dump
		}
		stmt = append(stmt, c)
	}
	for { // the rows start on the next line
		c, err := p.read()
		if err != nil || c == '\n' {
			break
		}
	}
	lower := bytes.ToLower(stmt)
	from := bytes.LastIndex(lower, []byte(" from "))
	if from < 0 || !bytes.HasPrefix(bytes.TrimSpace(lower[from+6:]), []byte("stdin")) {
		return nil, false, nil
	}
	if open := bytes.IndexByte(stmt[:from], '('); open >= 0 {
		if end := bytes.LastIndexByte(stmt[:from], ')'); end > open {
			cols = columnNames(stmt[open+1 : end])
		}
	}
	return cols, true, nil
}

// copyRows reads the rows of a COPY ... FROM stdin block, in PostgreSQL's
// text format: values separated by tabs, \N for NULL, backslash escapes,
// a line "\." at the end.
func (p *sqlParser) copyRows(fn func(line int, vals [][]byte)) error {
	for {
		row, err := p.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			p.row = append(p.row[:0], row...)
			for err == bufio.ErrBufferFull {
				row, err = p.br.ReadSlice('\n')
				p.row = append(p.row, row...)
			}
			row = p.row
		}
		if len(row) == 0 && err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		line := p.line
		if row[len(row)-1] == '\n' {
			p.line++
		}
		row = bytes.TrimRight(row, "\r\n")
		if string(row) == "\\." {
			return nil
		}
		p.buf, p.ends = p.buf[:0], p.ends[:0]
		for {
			v, rest, more := bytes.Cut(row, []byte("\t"))
			if string(v) == "\\N" {
				p.keep(nil)
			} else {
				p.keep(copyUnescape(v))
			}
			if !more {
				break
			}
			row = rest
		}
		fn(line, p.record())
		if err != nil {
			return nil
		}
	}
}

// copyUnescape undoes the backslash escapes of COPY's text format.
func copyUnescape(v []byte) []byte {
	if bytes.IndexByte(v, '\\') < 0 {
		return v
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' || i+1 == len(v) {
			out = append(out, c)
			continue
		}
		i++
		switch c = v[i]; c {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case 'x':
			n, k := 0, 0
			for ; k < 2 && i+1 < len(v) && hexDigit(v[i+1]) >= 0; k++ {
				i++
				n = n*16 + hexDigit(v[i])
			}
			if k == 0 {
				out = append(out, 'x')
			} else {
				out = append(out, byte(n))
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			n := int(c - '0')
			for k := 1; k < 3 && i+1 < len(v) && v[i+1] >= '0' && v[i+1] <= '7'; k++ {
				i++
				n = n*8 + int(v[i]-'0')
			}
			out = append(out, byte(n))
		default:
			out = append(out, c)
		}
	}
	return out
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
		p.buf, p.ends = p.buf[:0], p.ends[:0]
		cur := p.row[:0] // the value being read
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
				p.keep(v)
				cur, quoted = cur[:0], false
				done = c == ')'
			default:
				cur = append(cur, c)
			}
		}
		p.row = cur
		fn(line, p.record())
	}
}
