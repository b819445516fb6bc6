package discover

import (
	"bufio"
	"bytes"
	"io"
)

// csvReader reads delimited records exactly as encoding/csv does with
// LazyQuotes (quoted fields over several lines, doubled and stray quotes,
// CRLF, empty lines skipped), but without allocating: a record's fields
// are slices of one buffer, valid until the next call. A record or line
// longer than maxLine stops the file with errTooLong, so memory stays
// bounded whatever the quotes do.
type csvReader struct {
	br    *bufio.Reader
	comma byte
	// offset is how many bytes the records read so far took: where the
	// next one starts, as encoding/csv's InputOffset reports it.
	offset int64
	long   []byte // a line longer than the bufio buffer, put together
	buf    []byte // the current record's field bytes
	ends   []int
	fields [][]byte
}

func newCSVReader(r io.Reader, comma byte) *csvReader {
	return &csvReader{br: bufio.NewReaderSize(r, textChunk), comma: comma}
}

// readLine returns the next line with "\r\n" read as "\n".
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(r.long) > maxLine {
				return nil, errTooLong
			}
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	n := len(line)
	if n > maxLine {
		return nil, errTooLong
	}
	if n > 0 && err == io.EOF {
		err = nil
		if line[n-1] == '\r' { // as encoding/csv: a '\r' just before the end is dropped
			line = line[:n-1]
		}
	}
	r.offset += int64(n)
	if m := len(line); m >= 2 && line[m-2] == '\r' && line[m-1] == '\n' {
		line[m-2] = '\n'
		line = line[:m-1]
	}
	return line, err
}

func endsInNewline(b []byte) bool { return len(b) > 0 && b[len(b)-1] == '\n' }

// next returns the next record's fields, or io.EOF after the last.
func (r *csvReader) next() ([][]byte, error) {
	var line []byte
	var err error
	for {
		line, err = r.readLine()
		if err != nil {
			return nil, err
		}
		if len(line) > 1 || len(line) == 1 && line[0] != '\n' {
			break
		}
		// an empty line (or a lone '\r' at the end): skipped
	}
	r.buf, r.ends = r.buf[:0], r.ends[:0]
	endField := func() { r.ends = append(r.ends, len(r.buf)) }
fields:
	for {
		if len(line) == 0 || line[0] != '"' {
			i := bytes.IndexByte(line, r.comma)
			field := line
			switch {
			case i >= 0:
				field = field[:i]
			case endsInNewline(field):
				field = field[:len(field)-1]
			}
			r.buf = append(r.buf, field...)
			endField()
			if i < 0 {
				break fields
			}
			line = line[i+1:]
			continue
		}
		line = line[1:] // a quoted field
		for {
			i := bytes.IndexByte(line, '"')
			switch {
			case i >= 0:
				r.buf = append(r.buf, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"': // "" is a quote
					r.buf = append(r.buf, '"')
					line = line[1:]
				case len(line) > 0 && line[0] == r.comma: // the field ends
					line = line[1:]
					endField()
					continue fields
				case len(line) == 0 || len(line) == 1 && line[0] == '\n': // the record ends
					endField()
					break fields
				default: // a stray quote, kept
					r.buf = append(r.buf, '"')
				}
			case len(line) > 0: // the field goes on over the next line
				r.buf = append(r.buf, line...)
				if len(r.buf) > maxLine {
					return nil, errTooLong
				}
				if line, err = r.readLine(); err != nil && err != io.EOF {
					return nil, err
				}
			default: // the file ends inside the quotes
				endField()
				break fields
			}
		}
	}
	r.fields = r.fields[:0]
	start := 0
	for _, end := range r.ends {
		r.fields = append(r.fields, r.buf[start:end:end])
		start = end
	}
	return r.fields, nil
}

// csvCut finds where a large CSV file can be cut between records, so
// that workers can read it in pieces: it reads records from the start and
// returns the offset of the first record boundary at or after at (where
// the next record starts, or the end of the text) and how many records
// come before it.
func csvCut(r io.Reader, comma byte, at int64) (cut int64, records int, err error) {
	cr := newCSVReader(r, comma)
	for cr.offset < at {
		if _, err := cr.next(); err != nil {
			if err == io.EOF {
				err = nil
			}
			return cr.offset, records, err
		}
		records++
	}
	return cr.offset, records, nil
}
