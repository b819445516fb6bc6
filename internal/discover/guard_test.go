package discover

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A single value of more than 16 MiB, in the readers that hold a whole
// value in memory (JSON, the XML of DOCX and XLSX, an email's header),
// stops that file with a reason after what came before it; DOCX and XLSX
// are small when compressed, so a tiny file could otherwise claim
// gigabytes. Long lines made of many small values are read whole.
func TestHugeValuesStop(t *testing.T) {
	huge := strings.Repeat("a", maxLine+10)
	escaped := strings.Repeat(`a\"`, maxLine/3+10) // quotes inside a string do not end it
	cases := []struct {
		name string
		body []byte
	}{
		{"string.json", []byte(`[{"email":"a@example.org"},{"notes":"` + huge + `"}]`)},
		{"escaped.json", []byte(`[{"email":"a@example.org"},{"notes":"` + escaped + `"}]`)},
		{"number.ndjson", []byte(`{"email":"a@example.org"}` + "\n" + `{"n":1` + strings.Repeat("0", maxLine+10) + "}\n")},
		{"text.docx", zipOf(map[string]string{"word/document.xml": `<w:document><w:body><w:p><w:t>Write to a@example.org</w:t></w:p><w:p><w:t>` + huge + `</w:t></w:p></w:body></w:document>`})},
		{"cell.xlsx", zipOf(map[string]string{
			"xl/sharedStrings.xml":     `<sst><si><t>email</t></si><si><t>a@example.org</t></si><si><t>` + huge + `</t></si></sst>`,
			"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row><c t="s"><v>0</v></c></row><row><c t="s"><v>1</v></c></row></sheetData></worksheet>`,
		})},
		{"header.eml", []byte("From: A <a@example.org>\r\nSubject: " + huge + "\r\n\r\nbody\r\n")},
	}
	for _, c := range cases {
		sum, out := scanOne(t, c.name, c.body)
		if len(sum.Skipped) != 1 || !strings.HasPrefix(sum.Skipped[0].Reason, "stopped: ") || !strings.Contains(sum.Skipped[0].Reason, "16 MiB") {
			t.Errorf("%s: skipped %+v", c.name, sum.Skipped)
		}
		if c.name != "header.eml" && c.name != "cell.xlsx" && !strings.Contains(out, "a***@example.org") {
			t.Errorf("%s: what came before the value was not scanned: %s", c.name, out)
		}
	}
	// A minified export is one line far longer than 16 MiB, of small values.
	var export bytes.Buffer
	export.WriteString("[")
	n := 0
	for ; export.Len() < maxLine+(1<<20); n++ {
		if n > 0 {
			export.WriteString(",")
		}
		fmt.Fprintf(&export, `{"email":"user%d@example.org","note":"a \"quoted\" word, [brackets] and {braces}"}`, n)
	}
	export.WriteString("]")
	if !json.Valid(export.Bytes()) {
		t.Fatal("the export is not valid JSON")
	}
	sum, _ := scanOne(t, "export.json", export.Bytes())
	if len(sum.Skipped) != 0 || sum.Findings != int64(n) {
		t.Fatalf("a long line of small values: %d findings of %d, skipped %+v", sum.Findings, n, sum.Skipped)
	}
}

// An XLSX whose table of shared strings would take more than its bound
// is skipped with a reason: the table is held while the sheets are read.
func TestSharedStringsBound(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 260 MB of XML")
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("xl/sharedStrings.xml")
	w.Write([]byte("<sst>"))
	text := bytes.Repeat([]byte("a"), 1<<20) // strings of 1 MiB, the most one may hold
	for range maxSharedStrings>>20 + 1 {
		w.Write([]byte("<si><t>"))
		w.Write(text)
		w.Write([]byte("</t></si>"))
	}
	w.Write([]byte("</sst>"))
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	w.Write([]byte(`<worksheet><sheetData><row><c t="s"><v>0</v></c></row></sheetData></worksheet>`))
	zw.Close()
	sum, _ := scanOne(t, "strings.xlsx", b.Bytes())
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "XLSX shared strings over 256 MiB") {
		t.Fatalf("skipped %+v", sum.Skipped)
	}
}

// Exports keyed by id, as Firebase and many APIs write them, hold one
// person per key; the keys of a person's own parts do not split it.
func TestJSONMapsOfPeople(t *testing.T) {
	for key, want := range map[string]bool{
		"12345": true, "7": true, "u-8f3k29": true, "-NqR7xYz": true, "a@b.co": true,
		"Zk3PqR7sTuVwXyZaBcDeFgHiJk": true, "550e8400-e29b-41d4-a716-446655440000": true,
		"address": false, "billing": false, "line2": false, "address_2": false, "emergencyContact": false, "": false, "-": false,
	} {
		if idKey(key) != want {
			t.Errorf("idKey(%q) = %v", key, !want)
		}
	}
	body := `{"users": {
		"-NqR7xYzAa": {"name": "Aroha Ngata", "email": "aroha@example.nz", "address": {"street": "12 Queen Street", "city": "Auckland"}},
		"-NqR7xYzBb": {"name": "Ben Smith", "email": "ben@example.au", "billing": {"phone": "+61 412 345 678"}},
		"-NqR7xYzCc": {"name": "Cara Jones", "email": "cara@example.org"}
	}, "by_email": {"dan@example.org": {"phone": "+64 21 234 5678"}},
	"phones": {"u-10001": "+64 21 555 0101", "u-10002": "+64 21 555 0102"}}`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "firebase.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, res, err := Scan(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var people []Person
	res.People(func(p Person) { people = append(people, p) })
	if len(people) != 6 {
		t.Fatalf("want 6 people, got %d: %+v", len(people), people)
	}
	if len(people[3].Emails) != 1 || len(people[3].Phones) != 1 {
		t.Errorf("a map keyed by email: the key is the person's email: %+v", people[3])
	}
	if len(people[0].Addresses) != 1 || len(people[1].Phones) != 1 {
		t.Errorf("a person's nested parts went astray: %+v", people[:2])
	}
}

// One JSON object with more values than a record may hold is read in
// parts, so a table written as one object cannot fill memory.
func TestHugeJSONObject(t *testing.T) {
	letters := func(i int) string { // keys without digits, so not ids
		k := []byte("key")
		for ; i > 0; i /= 26 {
			k = append(k, byte('a'+i%26))
		}
		return string(k)
	}
	var b bytes.Buffer
	b.WriteString("{")
	n := 3*maxRecordFields + 5
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"%s":"user%d@example.org"`, letters(i), i)
	}
	b.WriteString("}")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "table.json"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, res, err := Scan(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Findings != int64(n) || len(sum.Skipped) != 0 || res.Count() != 4 {
		t.Fatalf("%d findings of %d in %d parts (want 4), skipped %+v", sum.Findings, n, res.Count(), sum.Skipped)
	}
}
