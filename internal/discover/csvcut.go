package discover

import "io"

// States of csvCut's reading, as encoding/csv reads with LazyQuotes.
const (
	csvRecordStart = iota // before a record: empty lines are skipped here
	csvFieldStart
	csvUnquoted
	csvQuoted
	csvQuoteInQuoted // a '"' inside a quoted field: closing, doubled or (lazily) literal
)

// csvCut finds where a large CSV file can be cut between records, so
// that workers can read it in pieces. It reads the text from the start as
// encoding/csv (LazyQuotes) does, quotes and line breaks inside quotes
// included, and returns the end of the first record that ends at or
// after at (0 when at is 0), which is where encoding/csv's InputOffset
// stands between records, and how many records come before it. Past the
// last record it returns the size of the text.
func csvCut(r io.Reader, comma byte, at int64) (cut int64, records int, err error) {
	if at <= 0 {
		return 0, 0, nil
	}
	state := csvRecordStart
	var pos int64
	cr := false // a '\r' waiting to see whether a '\n' follows: "\r\n" reads as '\n'
	step := func(c byte) bool {
		switch state {
		case csvRecordStart:
			switch c {
			case '\n':
				return false
			case '"':
				state = csvQuoted
			case comma:
				state = csvFieldStart
			default:
				state = csvUnquoted
			}
		case csvFieldStart:
			switch c {
			case '"':
				state = csvQuoted
			case comma:
			case '\n':
				state = csvRecordStart
				return true
			default:
				state = csvUnquoted
			}
		case csvUnquoted:
			switch c {
			case comma:
				state = csvFieldStart
			case '\n':
				state = csvRecordStart
				return true
			}
		case csvQuoted:
			if c == '"' {
				state = csvQuoteInQuoted
			}
		case csvQuoteInQuoted:
			switch c {
			case comma:
				state = csvFieldStart
			case '\n':
				state = csvRecordStart
				return true
			default: // a doubled quote, or a stray one kept as it is
				state = csvQuoted
			}
		}
		return false
	}
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		for i, c := range buf[:n] {
			if cr {
				cr = false
				if c != '\n' {
					step('\r') // a '\r' on its own is data
				}
			}
			if c == '\r' {
				cr = true
				continue
			}
			if step(c) {
				records++
				if end := pos + int64(i) + 1; end >= at {
					return end, records, nil
				}
			}
		}
		pos += int64(n)
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return pos, records, rerr
		}
	}
	// A '\r' at the very end is dropped, as encoding/csv drops it.
	if state != csvRecordStart {
		records++ // the last record, without a line break
	}
	return pos, records, nil
}
