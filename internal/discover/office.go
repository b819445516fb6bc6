package discover

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// openMember opens a member of an office file for its XML to be read.
// The readers take raw tokens: they need element names without their
// namespaces, and leniency about unmatched end tags, and raw tokens are
// 10-17% faster for it.
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
			}{&runGuard{r: &limitedMember{r: rc, n: maxMember}, kind: xmlRuns}, rc}, nil
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

// docxPart scans the paragraphs of one part of a DOCX file.
func (src *source) docxPart(name string, zr *zip.Reader, part string) error {
	rc, err := openMember(zr, part)
	if err != nil {
		return unreadable("DOCX", err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var para strings.Builder
	inText, line := false, 0
	fields := []Field{{}}
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return unreadable("DOCX", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inText = true
			case "tab", "br":
				para.WriteByte(' ')
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				line++
				if para.Len() > 0 {
					fields[0].Value = []byte(para.String())
					src.rec = Record{Path: name, Line: line, Fields: fields}
					src.record(&src.rec)
					para.Reset()
				}
			case "tc":
				para.WriteByte('\t')
			}
		case xml.CharData:
			if inText && para.Len() < maxLine {
				para.Write(t)
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
		dec := xml.NewDecoder(rc)
		for {
			tok, err := dec.RawToken()
			if err != nil {
				break
			}
			if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "Relationship" {
				id, target := xmlAttr(t, "Id"), xmlAttr(t, "Target")
				if strings.HasPrefix(target, "/") {
					target = strings.TrimPrefix(target, "/")
				} else {
					target = path.Join("xl", target)
				}
				targets[id] = target
			}
		}
		rc.Close()
	}
	rc, err := openMember(zr, "xl/workbook.xml")
	if err != nil {
		return book
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return book
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch t.Name.Local {
		case "workbookPr":
			v := xmlAttr(t, "date1904")
			book.date1904 = v == "1" || v == "true"
		case "sheet":
			// The relationship id is r:id, in the relationships namespace.
			if m, ok := targets[xmlAttr(t, "id")]; ok && xmlAttr(t, "name") != "" {
				book.names[m] = xmlAttr(t, "name")
				book.order[m] = len(book.order)
			}
		}
	}
}

// xmlAttr is the value of an element's attribute by its local name.
func xmlAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func sharedStrings(zr *zip.Reader) ([]string, error) {
	rc, err := openMember(zr, "xl/sharedStrings.xml")
	if err != nil {
		return nil, nil // a workbook without text has none
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var out []string
	var cur strings.Builder
	inT := false
	held := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inT = inT || t.Name.Local == "t"
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "si":
				if held += cur.Len() + 16; held > maxSharedStrings {
					return nil, unsupported(fmt.Sprintf("XLSX shared strings over %d MiB", maxSharedStrings>>20))
				}
				out = append(out, cur.String())
				cur.Reset()
			}
		case xml.CharData:
			if inT && cur.Len() < 1<<20 {
				cur.Write(t)
			}
		}
	}
}

// colIndex turns a cell reference such as "C12" into column 2.
func colIndex(ref string) int {
	n := 0
	for i := 0; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A') + 1
		if n > 16384 {
			return -1
		}
	}
	return n - 1
}

func (src *source) sheet(name string, zr *zip.Reader, member string, shared []string, date1904 bool) error {
	rc, err := openMember(zr, member)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var cols []column
	var row []string
	var numeric []bool // the row's cells that hold numbers
	rowNum, col, kind := 0, 0, ""
	var val strings.Builder
	inV := false
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return unreadable("XLSX", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row, numeric = row[:0], numeric[:0]
				rowNum++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if n, err := strconv.Atoi(a.Value); err == nil {
							rowNum = n
						}
					}
				}
			case "c":
				kind, col = "", len(row)
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "t":
						kind = a.Value
					case "r":
						if c := colIndex(a.Value); c >= 0 {
							col = c
						}
					}
				}
				val.Reset()
			case "v", "t":
				inV = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inV = false
			case "c":
				if col > 16384 {
					continue
				}
				for len(row) <= col {
					row, numeric = append(row, ""), append(numeric, false)
				}
				v := val.String()
				numeric[col] = kind == "" || kind == "n"
				if kind == "s" {
					if i, err := strconv.Atoi(v); err == nil && i >= 0 && i < len(shared) {
						v = shared[i]
					}
				}
				row[col] = v
			case "row":
				if cols == nil && isHeader(row) {
					cols = make([]column, len(row))
					for k, h := range row {
						cols[k] = column{name: h, hint: ClassifyField(h), place: placeField(h)}
					}
					continue
				}
				fields := make([]Field, 0, len(row))
				for k, v := range row {
					for len(cols) <= k {
						cols = append(cols, column{name: "column " + strconv.Itoa(len(cols)+1)})
					}
					if numeric[k] && cols[k].hint == DateOfBirth {
						if iso, ok := excelDate(v, date1904); ok {
							v = iso // Excel keeps dates as day numbers
						}
					}
					b := []byte(v)
					fields = append(fields, Field{Name: cols[k].name, Hint: cols[k].confirm(b), Classified: true, Value: b, place: cols[k].place})
				}
				src.rec = Record{Path: name, Line: rowNum, Fields: fields}
				src.record(&src.rec)
			}
		case xml.CharData:
			if inV && val.Len() < 1<<20 {
				val.Write(t)
			}
		}
	}
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
