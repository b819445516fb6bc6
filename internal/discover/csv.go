package discover

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
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
	cr := csv.NewReader(br)
	cr.Comma = sniffDelimiter(head)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	var cols []column
	var fields []Field
	row := 0
	for {
		rec, err := cr.Read()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, errTooLong) && pe.Err != csv.ErrFieldCount {
				// A bad quote in one row: skip the row, keep going.
				row++
				continue
			}
			return err
		}
		row++
		if row == 1 && isHeader(rec) {
			cols = make([]column, len(rec))
			for k, h := range rec {
				cols[k] = column{name: h, hint: ClassifyField(h)}
			}
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
