package discover

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// openMember opens a member of an office file for its XML to be read
// (by xmlLexer, which bounds what it holds).
func openMember(zr *zip.Reader, name string) (io.ReadCloser, error) {
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{&limitedMember{r: rc, n: maxMember}, rc}, nil
		}
	}
	return nil, fmt.Errorf("%s is missing", name)
}

// unreadable is the reason an office file could not be read: a bound it
// stopped at as it is, anything else as a broken file.
func unreadable(kind string, err error) error {
	var u unsupportedError
	if errors.As(err, new(stopError)) || errors.As(err, &u) {
		return err
	}
	return fmt.Errorf("not a readable %s file (%v)", kind, err)
}

// maxSharedStrings bounds the memory an XLSX file's table of shared
// strings may take (its strings and a header each): the table is held
// while the sheets are read, and a small compressed file could otherwise
// claim gigabytes.
const maxSharedStrings = 4 * maxInMemory

// docx scans a Word document's paragraphs, each as a line: the body
// (under the file's own name), then its headers, footers, footnotes,
// endnotes and comments, where names and numbers also turn up (under
// letter.docx!/header1, letter.docx!/comments, ...).
func (src *source) docx(name string, zr *zip.Reader) error {
	if err := src.docxPart(name, zr, "word/document.xml"); err != nil {
		return err
	}
	var parts []string
	for _, f := range zr.File {
		if docxTextPart(f.Name) {
			parts = append(parts, f.Name)
		}
	}
	sort.Strings(parts)
	for _, p := range parts {
		if err := src.docxPart(member(name, strings.TrimSuffix(path.Base(p), ".xml")), zr, p); err != nil {
			return err
		}
	}
	return nil
}

// docxTextPart says whether a DOCX member beside the body holds text a
// reader sees: headers, footers, footnotes, endnotes, comments.
func docxTextPart(name string) bool {
	base, ok := strings.CutPrefix(name, "word/")
	if !ok || strings.Contains(base, "/") || !strings.HasSuffix(base, ".xml") {
		return false
	}
	for _, prefix := range []string{"header", "footer", "footnotes", "endnotes", "comments"} {
		if strings.HasPrefix(base, prefix) {
			return true
		}
	}
	return false
}

// docxPart scans the paragraphs of one part of a DOCX file: the text of
// its w:t elements, a tab or break as a space, a table cell's end as a
// tab, each paragraph (w:p) a line.
func (src *source) docxPart(name string, zr *zip.Reader, part string) error {
	rc, err := openMember(zr, part)
	if err != nil {
		return unreadable("DOCX", err)
	}
	defer rc.Close()
	lex := newXMLLexer(rc)
	var para []byte
	inText, line := false, 0
	fields := []Field{{}}
	for {
		kind, err := lex.next()
		if err != nil {
			return unreadable("DOCX", err)
		}
		switch kind {
		case xEOF:
			return nil
		case xStart:
			switch string(lex.name) {
			case "t":
				inText = true
			case "tab", "br":
				para = append(para, ' ')
			}
		case xEnd:
			switch string(lex.name) {
			case "t":
				inText = false
			case "p":
				line++
				if len(para) > 0 {
					fields[0].Value = para
					src.rec = Record{Path: name, Line: line, Fields: fields}
					src.record(&src.rec)
					para = para[:0]
				}
			case "tc":
				para = append(para, '\t')
			}
		case xText:
			if inText && len(para) < maxLine {
				para = append(para, lex.text...)
			}
		}
	}
}

// xlsx scans each worksheet row by row; a first row of labels names the
// columns, as in CSV. Paths are book.xlsx!/sheet1.
func (src *source) xlsx(name string, zr *zip.Reader) error {
	shared, err := sharedStrings(zr)
	if err != nil {
		return unreadable("XLSX", err)
	}
	var sheets []string
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml") && !strings.Contains(f.Name[len("xl/worksheets/"):], "/") {
			sheets = append(sheets, f.Name)
		}
	}
	book := readWorkbook(zr)
	// In the workbook's order, under the names its tabs show; sheets it
	// does not list come after, under their file names.
	sort.SliceStable(sheets, func(a, b int) bool {
		oa, oka := book.order[sheets[a]]
		ob, okb := book.order[sheets[b]]
		if oka != okb {
			return oka
		}
		if oka {
			return oa < ob
		}
		return sheets[a] < sheets[b]
	})
	for _, sh := range sheets {
		label := strings.TrimSuffix(path.Base(sh), ".xml")
		if n, ok := book.names[sh]; ok {
			label = n
		}
		if err := src.sheet(member(name, label), zr, sh, shared, book.date1904); err != nil {
			return err
		}
	}
	return nil
}

// workbook is what an XLSX file's workbook part says about its sheets.
type workbook struct {
	date1904 bool              // dates count from 1904 (early Mac Excel)
	names    map[string]string // sheet names by member, "xl/worksheets/sheet1.xml": "Payroll"
	order    map[string]int    // the sheets' order in the workbook, by member
}

// readWorkbook reads xl/workbook.xml and its relationships; a workbook
// without them (or with broken ones) gets file names and the 1900 dates.
func readWorkbook(zr *zip.Reader) workbook {
	book := workbook{names: map[string]string{}, order: map[string]int{}}
	targets := map[string]string{} // relationship id: member
	if rc, err := openMember(zr, "xl/_rels/workbook.xml.rels"); err == nil {
		lex := newXMLLexer(rc)
		for {
			kind, err := lex.next()
			if err != nil || kind == xEOF {
				break
			}
			if kind == xStart && string(lex.name) == "Relationship" {
				id, _ := lex.attr("Id")
				idS := string(id)
				t, _ := lex.attr("Target")
				target := string(t)
				if strings.HasPrefix(target, "/") {
					target = strings.TrimPrefix(target, "/")
				} else {
					target = path.Join("xl", target)
				}
				targets[idS] = target
			}
		}
		rc.Close()
	}
	rc, err := openMember(zr, "xl/workbook.xml")
	if err != nil {
		return book
	}
	defer rc.Close()
	lex := newXMLLexer(rc)
	for {
		kind, err := lex.next()
		if err != nil || kind == xEOF {
			return book
		}
		if kind != xStart {
			continue
		}
		switch string(lex.name) {
		case "workbookPr":
			v, _ := lex.attr("date1904")
			book.date1904 = string(v) == "1" || string(v) == "true"
		case "sheet":
			// The relationship id is r:id, in the relationships namespace.
			id, _ := lex.attr("id")
			m, ok := targets[string(id)]
			name, _ := lex.attr("name")
			if ok && len(name) > 0 {
				book.names[m] = string(name)
				book.order[m] = len(book.order)
			}
		}
	}
}

func sharedStrings(zr *zip.Reader) (*stringTable, error) {
	rc, err := openMember(zr, "xl/sharedStrings.xml")
	if err != nil {
		return nil, nil // a workbook without text has none
	}
	defer rc.Close()
	lex := newXMLLexer(rc)
	out := &stringTable{}
	start := 0
	inT := false
	held := 0
	for {
		kind, err := lex.next()
		if err != nil {
			return nil, err
		}
		switch kind {
		case xEOF:
			return out, nil
		case xStart:
			inT = inT || string(lex.name) == "t"
		case xEnd:
			switch string(lex.name) {
			case "t":
				inT = false
			case "si":
				if held += len(out.arena) - start + 16; held > maxSharedStrings {
					return nil, unsupported(fmt.Sprintf("XLSX shared strings over %d MiB", maxSharedStrings>>20))
				}
				out.ends = append(out.ends, len(out.arena))
				start = len(out.arena)
			}
		case xText:
			if inT && len(out.arena)-start < 1<<20 {
				out.arena = append(out.arena, lex.text...)
			}
		}
	}
}

// colIndex turns a cell reference such as "C12" into column 2.
func colIndex(ref []byte) int {
	n := 0
	for i := 0; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A') + 1
		if n > 16384 {
			return -1
		}
	}
	return n - 1
}

func (src *source) sheet(name string, zr *zip.Reader, member string, shared *stringTable, date1904 bool) error {
	rc, err := openMember(zr, member)
	if err != nil {
		return err
	}
	defer rc.Close()
	lex := newXMLLexer(rc)
	var cols []column
	// The row's cells, by column: their values in arena.
	type cell struct {
		start, end int
		numeric    bool
	}
	var cells []cell
	var arena []byte
	var fields []Field
	rowNum, col := 0, 0
	var kind []byte
	inV := false
	valStart := 0
	for {
		tok, err := lex.next()
		if err != nil {
			return unreadable("XLSX", err)
		}
		switch tok {
		case xEOF:
			return nil
		case xStart:
			switch string(lex.name) {
			case "row":
				cells, arena = cells[:0], arena[:0]
				rowNum++
				if r, ok := lex.attr("r"); ok {
					if n, err := strconv.Atoi(string(r)); err == nil {
						rowNum = n
					}
				}
			case "c":
				col = len(cells)
				if r, ok := lex.attr("r"); ok {
					if c := colIndex(r); c >= 0 {
						col = c
					}
				}
				t, _ := lex.attr("t")
				kind = append(kind[:0], t...)
				valStart = len(arena)
			case "v", "t":
				inV = true
			}
		case xEnd:
			switch string(lex.name) {
			case "v", "t":
				inV = false
			case "c":
				if col > 16384 {
					continue
				}
				for len(cells) <= col {
					cells = append(cells, cell{})
				}
				c := cell{start: valStart, end: len(arena), numeric: len(kind) == 0 || string(kind) == "n"}
				if string(kind) == "s" {
					if i, err := strconv.Atoi(string(arena[valStart:])); err == nil {
						if s, ok := shared.at(i); ok {
							arena = append(arena[:valStart], s...)
							c.end = len(arena)
						}
					}
				}
				cells[col] = c
			case "row":
				if cols == nil && isHeaderCells(len(cells), func(k int) []byte { return arena[cells[k].start:cells[k].end] }) {
					cols = make([]column, len(cells))
					for k, c := range cells {
						h := string(arena[c.start:c.end])
						cols[k] = column{name: h, hint: ClassifyField(h), place: placeField(h)}
					}
					continue
				}
				fields = fields[:0]
				for k, c := range cells {
					for len(cols) <= k {
						cols = append(cols, column{name: "column " + strconv.Itoa(len(cols)+1)})
					}
					v := arena[c.start:c.end]
					if c.numeric && cols[k].hint == DateOfBirth {
						if iso, ok := excelDate(string(v), date1904); ok {
							v = []byte(iso) // Excel keeps dates as day numbers
						}
					}
					fields = append(fields, Field{Name: cols[k].name, Hint: cols[k].confirm(v), Classified: true, Value: v, place: cols[k].place})
				}
				src.rec = Record{Path: name, Line: rowNum, Fields: fields}
				src.record(&src.rec)
			}
		case xText:
			if inV && len(arena)-valStart < 1<<20 {
				arena = append(arena, lex.text...)
			}
		}
	}
}

// isHeaderCells is isHeader for n cells read by cell.
func isHeaderCells(n int, cell func(int) []byte) bool {
	row := make([][]byte, n)
	for k := range row {
		row[k] = cell(k)
	}
	return isHeader(row)
}

// stringTable is an XLSX file's shared strings in one arena.
type stringTable struct {
	arena []byte
	ends  []int
}

func (t *stringTable) at(i int) ([]byte, bool) {
	if t == nil || i < 0 || i >= len(t.ends) {
		return nil, false
	}
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.arena[start:t.ends[i]], true
}

// excelDate turns an Excel date, a day number such as "32874" (with a
// time of day as its fraction), into YYYY-MM-DD. Workbooks count from
// 1 January 1900, with a 29 February 1900 that never was (Lotus 1-2-3's
// error, kept for compatibility), or, when date1904 is set, from
// 1 January 1904.
func excelDate(v string, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f >= 2958466 { // 2958465 is 31 December 9999
		return "", false
	}
	days := int(f)
	base := time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	if !date1904 {
		switch {
		case days == 60:
			return "", false // the day that never was
		case days < 60:
			base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
		default:
			base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		}
	}
	return base.AddDate(0, 0, days).Format("2006-01-02"), true
}
