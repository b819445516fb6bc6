package discover

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
)

// column is what a scan knows about one CSV column: its header, its
// classification, and the sampling that confirms it.
type column struct {
	name      string
	hint      Type
	place     int // placeField(name)
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
func sniffDelimiter(head []byte) byte {
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last may be cut short
	}
	best, bestScore := byte(','), -1
	for _, d := range []byte{',', '\t', ';', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			if n := bytes.Count(l, []byte{d}); n > 0 {
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
func isHeader[T string | []byte](row []T) bool {
	labels := 0
	for _, c := range row {
		if ClassifyField(string(c)) != noType {
			return true
		}
		if len(c) > 0 && len(c) <= 40 && !strings.ContainsAny(string(c), "0123456789@") {
			labels++
		}
	}
	return labels == len(row) && len(row) > 1
}

// csv scans delimited text: any of , tab ; |, quoted fields, with or
// without a header row. Headers classify columns.
func (src *source) csv(name string, r io.Reader) error {
	br := textReader(r)
	defer releaseReader(br, r)
	head, _ := br.Peek(8 << 10)
	comma, row := sniffDelimiter(head), 0
	if sep, n, ok := excelSep(head); ok {
		// Excel's "sep=;" line names the delimiter; the header follows it.
		br.Discard(n)
		comma, row = sep, 1
	}
	_, err := src.csvRows(name, newCSVReader(br, comma), nil, row, -1, true)
	return err
}

// excelSep reads the "sep=;" line Excel writes (and reads) at the top of
// a CSV file to name its delimiter, returning the delimiter and the
// line's length.
func excelSep(head []byte) (byte, int, bool) {
	end := bytes.IndexByte(head, '\n')
	if end < 0 {
		return 0, 0, false
	}
	line := bytes.TrimRight(head[:end], "\r")
	line = bytes.Trim(line, `"`)
	if len(line) != 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, 0, false
	}
	return line[4], end + 1, true
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
	comma, base, row0 := sniffDelimiter(head[:n]), int64(0), 0
	if sep, k, ok := excelSep(head[:n]); ok {
		comma, base, row0 = sep, int64(k), 1
	}
	// Offsets from here on count from base, after any sep= line.
	body := io.NewSectionReader(f, base, j.size-base)
	start, row, err := csvCut(body, comma, max(j.from-base, 0))
	if err != nil || start >= j.to-base {
		return err
	}
	var cols []column
	if start > 0 {
		first, err := newCSVReader(io.NewSectionReader(f, base, start), comma).next()
		if err == nil && isHeader(first) {
			cols = columnsOf(first)
		}
	}
	counted := &countingReader{r: io.NewSectionReader(f, base+start, j.size-base-start), s: src.s}
	read, err := src.csvRows(j.rel, newCSVReader(counted, comma), cols, row0+row, j.to-base-start, start == 0)
	if start == 0 {
		read += base // the first piece counts the sep= line
	}
	counted.settle(read)
	return err
}

func columnsOf(header [][]byte) []column {
	cols := make([]column, len(header))
	for k, h := range header {
		cols[k] = column{name: string(h), hint: ClassifyField(string(h)), place: placeField(string(h))}
	}
	return cols
}

// csvRows scans the records cr reads, numbering them from row+1, until
// one starts at or after limit bytes (-1: no limit), and returns the bytes
// read. first says cr starts at the file's first record, which may be
// its header.
func (src *source) csvRows(name string, cr *csvReader, cols []column, row int, limit int64, first bool) (int64, error) {
	var fields []Field
	for {
		if limit >= 0 && cr.offset >= limit {
			return cr.offset, nil
		}
		rec, err := cr.next()
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return cr.offset, err
		}
		row++
		if first {
			first = false
			if isHeader(rec) {
				cols = columnsOf(rec)
				continue
			}
		}
		for len(cols) < len(rec) {
			cols = append(cols, column{name: "column " + strconv.Itoa(len(cols)+1)})
		}
		// The fields stay from row to row: only their values and hints change.
		for k := len(fields); k < len(cols); k++ {
			fields = append(fields, Field{Name: cols[k].name, Classified: true, place: cols[k].place})
		}
		for k, v := range rec {
			fields[k].Hint, fields[k].Value = cols[k].confirm(v), v
		}
		src.rec = Record{Path: name, Line: row, Fields: fields[:len(rec)]}
		src.record(&src.rec)
	}
}
