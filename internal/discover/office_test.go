package discover

import (
	"strings"
	"testing"
)

// A DOCX file's headers, footers, footnotes and comments are read
// besides its body, each under its own path.
func TestDOCXParts(t *testing.T) {
	p := func(text string) string { return `<w:p><w:r><w:t>` + text + `</w:t></w:r></w:p>` }
	doc := zipOf(map[string]string{
		"word/document.xml":  `<w:document><w:body>` + p("Dear Ms Ngata, write to body@example.nz") + `</w:body></w:document>`,
		"word/header1.xml":   `<w:hdr>` + p("Prepared for head@example.nz") + `</w:hdr>`,
		"word/footer2.xml":   `<w:ftr>` + p("Questions: foot@example.nz") + `</w:ftr>`,
		"word/footnotes.xml": `<w:footnotes><w:footnote>` + p("Per note@example.nz") + `</w:footnote></w:footnotes>`,
		"word/comments.xml":  `<w:comments><w:comment w:author="Reviewer">` + p("Check with cara@example.org first") + `</w:comment></w:comments>`,
		"word/styles.xml":    `<w:styles>` + p("style@example.org") + `</w:styles>`,
	})
	out := scanFinds(t, "letter.docx", doc,
		`"path":"letter.docx","line":1,"type":"email","masked":"b***@example.nz"`,
		`"path":"letter.docx!/header1","line":1,"type":"email","masked":"h***@example.nz"`,
		`"path":"letter.docx!/footer2","line":1,"type":"email","masked":"f***@example.nz"`,
		`"path":"letter.docx!/footnotes","line":1,"type":"email","masked":"n***@example.nz"`,
		`"path":"letter.docx!/comments","line":1,"type":"email","masked":"c***@example.org"`,
	)
	if strings.Contains(out, "style@") || strings.Contains(out, "s***@example.org") {
		t.Errorf("the styles part was read: %s", out)
	}
}

// TestExcelDate checks Excel's day numbers in both date systems,
// including the 29 February 1900 that Excel counts and never was.
func TestExcelDate(t *testing.T) {
	for _, c := range []struct {
		v        string
		date1904 bool
		want     string
	}{
		{"1", false, "1900-01-01"}, {"59", false, "1900-02-28"}, {"60", false, ""}, {"61", false, "1900-03-01"},
		{"32874", false, "1990-01-01"}, {"36526", false, "2000-01-01"}, {"36526.75", false, "2000-01-01"},
		{"35064", true, "2000-01-01"}, {"1", true, "1904-01-02"},
		{"0", false, ""}, {"-5", false, ""}, {"2958466", false, ""}, {"2958465", false, "9999-12-31"}, {"1e3x", false, ""}, {"", false, ""},
	} {
		got, ok := excelDate(c.v, c.date1904)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("excelDate(%q, %v) = %q, %v; want %q", c.v, c.date1904, got, ok, c.want)
		}
	}
	// A workbook that counts from 1904 says so in its workbook part.
	for system, want := range map[string]string{`<workbookPr date1904="1"/>`: "2000-**-**", `<workbookPr/>`: "1995-**-**"} {
		book := zipOf(map[string]string{
			"xl/workbook.xml":          `<workbook>` + system + `</workbook>`,
			"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row><c t="inlineStr"><is><t>DOB</t></is></c></row><row><c><v>35064</v></c></row></sheetData></worksheet>`,
		})
		_, out := scanOne(t, "book.xlsx", book)
		if !strings.Contains(out, `"type":"date_of_birth","masked":"`+want+`"`) {
			t.Errorf("%s: want a date of birth in %s: %s", system, want, out)
		}
	}
}

// Sheets are read in the workbook's order under the names their tabs
// show; a sheet the workbook does not list keeps its file name.
func TestXLSXSheetNames(t *testing.T) {
	sheet := func(email string) string {
		return `<worksheet><sheetData><row><c t="inlineStr"><is><t>` + email + `</t></is></c></row></sheetData></worksheet>`
	}
	book := zipOf(map[string]string{
		"xl/workbook.xml": `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			`<sheet name="Payroll" sheetId="2" r:id="rId2"/><sheet name="Customers &amp; Co" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/><Relationship Id="rId3" Target="styles.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": sheet("cust@example.org"),
		"xl/worksheets/sheet2.xml": sheet("pay@example.org"),
		"xl/worksheets/sheet3.xml": sheet("hidden@example.org"),
	})
	out := scanFinds(t, "book.xlsx", book)
	pay := strings.Index(out, `"path":"book.xlsx!/Payroll","line":1,"field":"column 1","type":"email","masked":"p***@example.org"`)
	cust := strings.Index(out, `"path":"book.xlsx!/Customers \u0026 Co","line":1,"field":"column 1","type":"email","masked":"c***@example.org"`)
	rest := strings.Index(out, `"path":"book.xlsx!/sheet3","line":1,"field":"column 1","type":"email","masked":"h***@example.org"`)
	if pay < 0 || cust < 0 || rest < 0 || !(pay < cust && cust < rest) {
		t.Errorf("sheets named and ordered wrongly (%d, %d, %d):\n%s", pay, cust, rest, out)
	}
}
