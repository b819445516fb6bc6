package discover

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"unsafe"
)

// column is what a scan knows about one CSV column: its header, its
// classification, and the sampling that confirms it.
type column struct {
	name      string
	hint      Type
	seen, ok  int
	abandoned bool
}

// sampleSize is how many values of a classified column are checked
// before its classification is trusted or dropped.
const sampleSize = 20

// confirm updates the column's sample with one value and says whether
// the classification still stands.
func (c *column) confirm(v []byte) Type {
	if c.hint == noType || c.abandoned || !wholeValue(c.hint) {
		return c.hint
	}
	if c.seen < sampleSize && len(trimSpace(v)) > 0 {
		c.seen++
		if plausible(c.hint, trimSpace(v)) {
			c.ok++
		}
		if c.seen == sampleSize && c.ok*2 < c.seen {
			c.abandoned = true
			return noType
		}
	}
	return c.hint
}

// sniffDelimiter picks the delimiter that splits the first lines into the
// same number of fields most consistently.
func sniffDelimiter(head []byte) rune {
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last may be cut short
	}
	best, bestScore := ',', -1
	for _, d := range []rune{',', '\t', ';', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			if n := bytes.Count(l, []byte(string(d))); n > 0 {
				counts[n]++
			}
		}
		score := 0
		for n, k := range counts {
			if k*n > score {
				score = k * n
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// isHeader says whether a first row names its columns: some cell names a
// known field, or every cell is a short label without digits or @.
func isHeader(row []string) bool {
	labels := 0
	for _, c := range row {
		if ClassifyField(c) != noType {
			return true
		}
		if len(c) > 0 && len(c) <= 40 && !bytes.ContainsAny([]byte(c), "0123456789@") {
			labels++
		}
	}
	return labels == len(row) && len(row) > 1
}

// lineGuard fails a read when a line runs past maxLine, so a file that
// is one enormous line cannot make the CSV reader hold it all.
type lineGuard struct {
	r   io.Reader
	run int
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			g.run = 0
		} else if g.run++; g.run > maxLine {
			return 0, errTooLong
		}
	}
	return n, err
}

// csv scans delimited text: any of , tab ; |, quoted fields, with or
// without a header row. Headers classify columns.
func (src *source) csv(name string, r io.Reader) error {
	br := bufio.NewReaderSize(&lineGuard{r: r}, textChunk)
	head, _ := br.Peek(8 << 10)
	_, err := src.csvRows(name, newCSVReader(br, sniffDelimiter(head)), nil, 0, -1)
	return err
}

// csvPiece scans the records of a large CSV file that start in
// [j.from, j.to): a piece of the file for one of the workers reading it
// at once. Each piece finds its first record with csvCut, takes the
// delimiter and the header from the start of the file, and confirms the
// columns' classifications on its own sample.
func (src *source) csvPiece(j job, f *os.File) error {
	head := make([]byte, 8<<10)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return err
	}
	comma := sniffDelimiter(head[:n])
	start, row, err := csvCut(io.NewSectionReader(f, 0, j.size), byte(comma), j.from)
	if err != nil || start >= j.to {
		return err
	}
	var cols []column
	if start > 0 {
		first, err := newCSVReader(bufio.NewReader(&lineGuard{r: io.NewSectionReader(f, 0, start)}), comma).Read()
		if err == nil && isHeader(first) {
			cols = columnsOf(first)
		}
	}
	cr := newCSVReader(bufio.NewReaderSize(&lineGuard{r: io.NewSectionReader(f, start, j.size-start)}, textChunk), comma)
	read, err := src.csvRows(j.rel, cr, cols, row, j.to-start)
	src.s.bytes.Add(read)
	return err
}

func newCSVReader(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return cr
}

func columnsOf(header []string) []column {
	cols := make([]column, len(header))
	for k, h := range header {
		cols[k] = column{name: h, hint: ClassifyField(h)}
	}
	return cols
}

// csvRows scans the records cr reads, numbering them from row+1, until
// one starts at or after limit bytes (-1: no limit), and returns the bytes
// read. cols is nil at the start of a file, whose first row may be its
// header.
func (src *source) csvRows(name string, cr *csv.Reader, cols []column, row int, limit int64) (int64, error) {
	var fields []Field
	first := cols == nil && row == 0
	for {
		if limit >= 0 && cr.InputOffset() >= limit {
			return cr.InputOffset(), nil
		}
		rec, err := cr.Read()
		if err != nil {
			if err == io.EOF {
				return cr.InputOffset(), nil
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, errTooLong) && pe.Err != csv.ErrFieldCount {
				// A bad quote in one row: skip the row, keep going.
				row++
				continue
			}
			return cr.InputOffset(), err
		}
		row++
		if first && row == 1 && isHeader(rec) {
			cols = columnsOf(rec)
			continue
		}
		for len(cols) < len(rec) {
			cols = append(cols, column{name: "column " + strconv.Itoa(len(cols)+1)})
		}
		fields = fields[:0]
		for k, v := range rec {
			b := bytesOf(v)
			hint := cols[k].confirm(b)
			fields = append(fields, Field{Name: cols[k].name, Hint: hint, Classified: true, Value: b})
		}
		src.rec = Record{Path: name, Line: row, Fields: fields}
		src.record(&src.rec)
	}
}

// bytesOf views a string as bytes without copying. The processor only
// reads field values and copies what it keeps, so this is safe.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
