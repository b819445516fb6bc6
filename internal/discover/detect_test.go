package discover

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func detectAll(text string, hint Type) []Hit {
	var d Detector
	var out []Hit
	d.Detect([]byte(text), hint, func(h Hit) {
		h.Value, h.Norm = bytes.Clone(h.Value), bytes.Clone(h.Norm) // they are only valid during the call
		out = append(out, h)
	})
	return out
}

func TestDetectFindsAndRejects(t *testing.T) {
	cases := []struct {
		text string
		hint Type
		want string // "type=norm" joined by spaces; "" for nothing
	}{
		{"mail me at Jo.Bloggs+x@Example.co.nz today", "", "email=jo.bloggs+x@example.co.nz"},
		{"not@an-email, a@b.c, @home", "", ""},
		{"card 4111 1111 1111 1111 exp 12/27", "", "credit_card=4111111111111111"},
		{"card 4111 1111 1111 1112", "", ""},
		{"order 4111111111111111", "", ""},
		{"TFN: 123 456 782", "", "au_tfn=123456782"},
		{"Order 123 456 782 shipped", "", ""},
		{"reference 123456782", "", ""},
		{"IRD number 49-091-850", "", "nz_ird=49091850"},
		{"49091850", NZIRD, "nz_ird=49091850"},
		{"ABN 51 824 753 556", "", "au_abn=51824753556"},
		{"Medicare 2123 45670 1", "", "au_medicare=2123456701"},
		{"SSN 536-22-5231, fake 078-05-1120", "", "us_ssn=536225231"},
		{"NHI ZAC5361 and ZBN77VL", "", "nz_nhi=ZAC5361 nz_nhi=ZBN77VL"},
		{"sku ZAC5361", "", ""},
		{"IBAN GB82 WEST 1234 5698 7654 32 ok", "", "iban=GB82WEST12345698765432"},
		{"IBAN GB82 WEST 1234 5698 7654 33", "", ""},
		{"call +64 21 234 5678 or 021 234 5678", "", "phone=+64212345678 phone=+64212345678"},
		{"mobile 0412 345 678", "", "phone=+61412345678"},
		{"(09) 123 4567", "", "phone=+6491234567"},
		{"US office 415-555-0132", "", "phone=+14155550132"},
		{"Invoice no. 021 555 0134", "", ""},
		{"born 12/03/1985", "", "date_of_birth=1985-03-12"},
		{"shipped 12/03/1985", "", ""},
		{"1985-03-12", DateOfBirth, "date_of_birth=1985-03-12"},
		{"31/02/1985", DateOfBirth, ""},
		{"from 192.168.1.20 port 22", "", "ip_address=192.168.1.20"},
		{"version 1.2.300.4", "", ""},
		{"passport LA1234567", "", "passport_number=LA1234567"},
		{"123456789", AUTFN, "au_tfn=123456789"},
		{"abc123456782 x123-45-6789", "", ""},
		{"pay into 12-3140-0123456-00 please", "", "nz_bank_account=123140012345600"},
		{"BSB 062-000 12345678", "", "au_bsb_account=06200012345678"},
		{"ref 062-000 12345678", "", ""},
		// Names only where the text says one follows; addresses by a house
		// number, capitalised words and a street type.
		{"Dear Aroha Ngata, your account", "", "person_name=Aroha Ngata"},
		{"Dear Ms Ngata,", "", "person_name=Ngata"},
		{"Client Ben O'Brien-Smith called", "", "person_name=Ben O'Brien-Smith"},
		{"name=Aroha Ngata", "", "person_name=Aroha Ngata"},
		{"Dear Valued Customer,", "", ""},
		{"Dear Aroha, thanks", "", ""},
		{"The Quick Brown Fox Jumps", "", ""},
		{"Student Loan Scheme", "", ""}, // a title after a label word, not a name
		{"Member Benefits Guide\nPage 2", "", ""},
		{"Dear Aroha Ngata", "", "person_name=Aroha Ngata"}, // a salutation on its own line is one
		{"lives at 12 Harbour View Drive, Auckland", "", "street_address=12 Harbour View Drive"},
		{"unit 3/40 Queen St", "", "street_address=3/40 Queen St"},
		{"5 Ways To Save", "", ""},
		{"order 12 shipped to Main", "", ""},
	}
	for _, c := range cases {
		var got []string
		for _, h := range detectAll(c.text, c.hint) {
			got = append(got, string(h.Type)+"="+string(h.Norm))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%q (hint %q): got %q, want %q", c.text, c.hint, strings.Join(got, " "), c.want)
		}
	}
}

func TestValidatedOnlyWhenChecked(t *testing.T) {
	// A TFN column holding a value that fails the check is reported, but
	// as unvalidated and with low confidence.
	hs := detectAll("123456789", AUTFN)
	if len(hs) != 1 || hs[0].Validated || hs[0].Confidence > 0.5 {
		t.Fatalf("%+v", hs)
	}
}

func TestClassifyField(t *testing.T) {
	for name, want := range map[string]Type{
		"first_name": PersonName, "Surname": PersonName, "E-mail Address": Email, "Mobile": Phone, "DOB": DateOfBirth,
		"IRD No.": NZIRD, "tfn": AUTFN, "medicare_no": AUMedicare, "street": StreetAddress, "diagnosis": Health,
		"customer.contact.email": Email, "items[2].name": PersonName, "order_total": noType, "Billing Address": StreetAddress,
	} {
		if got := ClassifyField(name); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}

func TestMask(t *testing.T) {
	for _, c := range []struct {
		t       Type
		in, out string
	}{
		{CreditCard, "4111 1111 1111 1111", "**** **** **** 1111"}, {Email, "jo@example.org", "j***@example.org"},
		{PersonName, "Aroha Ngata", "A**** N****"}, {Password, "hunter2", "********"}, {AUTFN, "123456782", "*****6782"},
	} {
		if got := Mask(c.t, c.in); got != c.out {
			t.Errorf("Mask(%s, %q) = %q, want %q", c.t, c.in, got, c.out)
		}
	}
}

// scanOne scans one file written with body and returns the summary.
func scanOne(t *testing.T, name string, body []byte) (*Summary, string) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sum, _, err := Scan(context.Background(), []string{dir}, Options{Findings: &out, Reveal: true})
	if err != nil {
		t.Fatal(err)
	}
	return sum, out.String()
}

// scanFinds scans body as the file name, expecting no file skipped and
// every one of wants in the findings, and returns the findings.
func scanFinds(t *testing.T, name string, body []byte, wants ...string) string {
	t.Helper()
	sum, out := scanOne(t, name, body)
	if len(sum.Skipped) != 0 {
		t.Fatalf("%s: skipped %+v", name, sum.Skipped)
	}
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s: missing %s in\n%s", name, want, out)
		}
	}
	return out
}

// Hostile input is skipped with a reason, in bounded memory and time.
func TestHostileFilesAreSkipped(t *testing.T) {
	// A zip whose member claims to expand 1000-fold past 100 MiB.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("bomb.txt")
	chunk := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		w.Write(chunk)
	}
	zw.Close()
	sum, _ := scanOne(t, "bomb.zip", zb.Bytes())
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "zip bomb") {
		t.Fatalf("zip bomb: %+v", sum.Skipped)
	}
	deep := strings.Repeat(`{"a":`, 200) + `"x@example.org"` + strings.Repeat(`}`, 200)
	sum, _ = scanOne(t, "deep.json", []byte(deep))
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "nested deeper") {
		t.Fatalf("deep JSON: %+v", sum.Skipped)
	}
	sum, out := scanOne(t, "broken.json", []byte(`[{"email":"a@example.org"}, {"email": `))
	if len(sum.Skipped) != 1 || !strings.Contains(out, "a@example.org") {
		t.Fatalf("broken JSON keeps what came before: %+v %s", sum.Skipped, out)
	}
	sum, _ = scanOne(t, "random.bin", []byte{0, 1, 2, 3, 0xff, 0})
	if len(sum.Skipped) != 1 || sum.Skipped[0].Reason != "unsupported binary file" {
		t.Fatalf("binary: %+v", sum.Skipped)
	}
	sum, _ = scanOne(t, "notazip.zip", []byte("this is not a zip"))
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "zip") {
		t.Fatalf("bad zip: %+v", sum.Skipped)
	}
}

// A 20 MB single line of CSV stops that file with a reason, and the
// text reader scans a long line in pieces.
func TestLongLines(t *testing.T) {
	long := append([]byte("email\n"), bytes.Repeat([]byte("x"), maxLine+10)...)
	sum, _ := scanOne(t, "long.csv", long)
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "16 MiB") {
		t.Fatalf("long CSV line: %+v", sum.Skipped)
	}
	// A quote left open runs over many short lines: the record, not any
	// one line, passes the limit, and what came before it is kept.
	open := append([]byte("email,note\na@example.org,ok\nb@example.org,\"never closed\n"), bytes.Repeat([]byte("short line\n"), maxLine/11+10)...)
	sum, out := scanOne(t, "open.csv", open)
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "16 MiB") || !strings.Contains(out, `"line":2`) {
		t.Fatalf("open quote: %+v %s", sum.Skipped, out)
	}
	text := append(bytes.Repeat([]byte("y "), 100000), []byte(" contact jo@example.org\n")...)
	sum, out = scanOne(t, "long.log", text)
	if len(sum.Skipped) != 0 || !strings.Contains(out, `"line":1`) || !strings.Contains(out, "jo@example.org") {
		t.Fatalf("long text line: %+v %s", sum.Skipped, out)
	}
}

func TestPeopleMerge(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("name,email,dob\nAroha Ngata,aroha@example.nz,1985-03-12\nBen Smith,ben@example.au,1990-01-02\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.log"), []byte("user AROHA@example.nz mobile 021 234 5678\nmobile 021 234 5678 IRD 49-091-850\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.json"), []byte(`{"name":"Ben Smith","dob":"02/01/1990"}`), 0o644)
	_, res, err := Scan(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var people []Person
	res.People(func(p Person) { people = append(people, p) })
	if len(people) != 2 || res.Count() != 2 {
		t.Fatalf("want 2 people, got %d (counted %d): %+v", len(people), res.Count(), people)
	}
	for _, p := range people {
		switch p.Records {
		case 3: // Aroha: the CSV row, and two log lines joined by email then phone
			if p.Jurisdiction != "NZ" || p.JurisdictionBasis != "identifier type" || len(p.Files) != 2 {
				t.Errorf("Aroha: %+v", p)
			}
		case 2: // Ben: CSV and JSON joined by name and date of birth
			if len(p.Files) != 2 {
				t.Errorf("Ben: %+v", p)
			}
		default:
			t.Errorf("unexpected person %+v", p)
		}
	}
}

// A name in free text joins the other mentions of the same name in the
// same file, and whatever they carry; in another file it is someone else.
// A line with two emails is two people.
func TestPeopleInLetters(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "letter.txt"), []byte("Dear Aroha Ngata,\nClient Aroha Ngata can be reached at aroha@example.nz.\nClient Ben Smith of 12 Queen Street, Dunedin.\n"+
		"Copied from aroha@example.nz to cara@example.org, mobile 021 234 5678.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "other.txt"), []byte("Dear Aroha Ngata,\n"), 0o644)
	_, res, err := Scan(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	records := map[string]int{}
	res.People(func(p Person) { records[p.Files[0]+":"+fmt.Sprint(p.Elements)] = p.Records })
	// The last line names two people: Aroha again, and Cara with the
	// mobile number written after her address.
	want := map[string]int{"letter.txt:[email person_name]": 3, "letter.txt:[email phone]": 1, "letter.txt:[person_name street_address]": 1, "other.txt:[person_name]": 1}
	if fmt.Sprint(records) != fmt.Sprint(want) {
		t.Fatalf("people: got %v, want %v", records, want)
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"card 4111 1111 1111 1111", "TFN: 123 456 782", "+64 21 234 5678", "a@b.co", "(09) 123", "NHI ZAC5361", "GB82 WEST 1234 5698 7654 32", "1.2.3.4", "born 1/1/1990", "Dear Ms O'Brien-Smith,", "at 3/40 Queen St"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, h := range detectAll(string(b), "") {
			if h.Offset < 0 || h.Offset > len(b) || len(h.Value) == 0 || !bytes.HasPrefix(b[h.Offset:], h.Value) {
				t.Fatalf("bad hit %+v: its value is not the text at its offset", h)
			}
		}
		detectAll(string(b), AUTFN)
	})
}

// FuzzReaders feeds arbitrary bytes to every reader through the file
// dispatcher: none may panic or hang.
func FuzzReaders(f *testing.F) {
	f.Add("x.csv", []byte("email,tfn\na@b.co,123456782\n\"bad"))
	f.Add("x.json", []byte(`{"a":[{"email":"a@b.co"}]}`))
	f.Add("x.sql", []byte("INSERT INTO t (a,b) VALUES ('x@y.co', 'it''s'),(1,NULL);"))
	f.Add("z.sql", []byte("CREATE TABLE `t` (`email` text, KEY (`email`));\nINSERT INTO t VALUES ('a@b.co');"))
	f.Add("y.sql", []byte("COPY t (a, b) FROM stdin;\nx@y.co\t\\N\n\\x41\\101\tz\n\\.\n"))
	f.Add("x.eml", []byte("From: A <a@b.co>\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n--Z\r\n\r\nhi\r\n--Z--"))
	f.Add("x.mbox", []byte("From a\nSubject: x\n\nbody a@b.co\nFrom b\n\n"))
	f.Add("x.zip", zipOf(map[string]string{"a.txt": "a@b.co"}))
	f.Add("x.docx", zipOf(map[string]string{"word/document.xml": "<w:p><w:t>a@b.co</w:t></w:p>"}))
	f.Add("x.xlsx", zipOf(map[string]string{"xl/worksheets/sheet1.xml": `<row><c t="s"><v>0</v></c></row>`, "xl/sharedStrings.xml": "<si><t>email</t></si>"}))
	f.Add("x.tgz", tgzOf(map[string][]byte{"a.txt": []byte("a@b.co")}))
	f.Add("x.log", []byte("plain text a@b.co"))
	f.Add("y.pdf", pdfFiltered("[/AHx /RL]", []byte("03 42 54 28 61 FD 40 29 54 6A 80>")))
	f.Add("z.pdf", pdfFiltered("[/A85 /Fl]", []byte("GhQ,,~>")))
	f.Add("w.pdf", pdfFiltered("/LZWDecode", lzwEncode([]byte("BT (a@b.co) Tj ET"), 1)))
	f.Add("x.pdf", pdfOf([]string{"begincmap 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap", "BT <0061> Tj [(a@b.co) -300 (x)] TJ ET"}, true))
	f.Fuzz(func(t *testing.T, name string, body []byte) {
		name = filepath.Base(name)
		if name == "" || name == "." || name == "/" || len(body) > 1<<20 {
			return
		}
		s := &Scanner{sum: &Summary{Counts: map[Type]*Count{}}, res: NewResolver(), key: []byte("k"), batches: make(chan *batch, 1)}
		go func() {
			for range s.batches {
			}
		}()
		p := s.newProcessor()
		src := &source{s: s, p: p, ctx: context.Background()}
		src.file(name, bytes.NewReader(body), int64(len(body)), 0, bytes.NewReader(body))
		s.flush(p, true)
		close(s.batches)
	})
}

// A large log is read by every worker, each taking a piece: every line
// is scanned once, under its own line number, and the file counts once.
func TestLargeLogInPieces(t *testing.T) {
	var b bytes.Buffer
	n := 0
	for b.Len() < splitSize+splitSize/2 {
		n++
		fmt.Fprintf(&b, "2026-03-01T10:00:00Z INFO %s login ok for user%d@example.org from the mobile app\n", strings.Repeat("x", n%97), n)
	}
	checkPieces(t, "big.log", b.Bytes(), n, "", func(line int) int { return line })
}

// So is a large CSV, cut between records however its quoted fields run
// over lines; the pieces after the first know the header.
func TestLargeCSVInPieces(t *testing.T) {
	// The second file starts with Excel's sep= line: its header is row 2.
	for _, first := range []string{"", "sep=;\r\n"} {
		comma := ","
		if first != "" {
			comma = ";"
		}
		var b bytes.Buffer
		b.WriteString(first + "id" + comma + "email" + comma + "notes\n")
		n := 0
		for b.Len() < splitSize+splitSize/2 {
			n++
			note := strings.Repeat("y", n%89)
			switch n % 4 {
			case 1:
				note = `"called back, said ""fine""; twice` + "\n" + `second line ` + note + `"`
			case 2:
				note = `"` + note + "\r\n" + `"` + "\r\n" // CRLF inside and after the quotes
			case 3:
				note += "\n" // and an empty line after the record
			}
			fmt.Fprintf(&b, "%d%suser%d@example.org%s%s\n", n, comma, n, comma, note)
		}
		header := 1
		if first != "" {
			header = 2
		}
		checkPieces(t, "big.csv", b.Bytes(), n, "email", func(row int) int { return row - header })
	}
}

// checkPieces scans body as the file name with one, two and three
// workers and checks that it yields n findings, one per record, record
// k holding user<who(k)>@example.org in the field named field.
func checkPieces(t *testing.T, name string, body []byte, n int, field string, who func(record int) int) {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, name), body, 0o644)
	for _, workers := range []int{1, 2, 3} {
		var out bytes.Buffer
		sum, _, err := Scan(context.Background(), []string{dir}, Options{Workers: workers, Reveal: true, Findings: &out})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Files != 1 || sum.Bytes != int64(len(body)) || sum.Findings != int64(n) || len(sum.Skipped) > 0 {
			t.Fatalf("%d workers: files %d, bytes %d of %d, findings %d of %d, skipped %v", workers, sum.Files, sum.Bytes, len(body), sum.Findings, n, sum.Skipped)
		}
		seen := map[int]bool{}
		sc := bufio.NewScanner(&out)
		for sc.Scan() {
			var f struct {
				Line         int
				Field, Value string
			}
			json.Unmarshal(sc.Bytes(), &f)
			want := fmt.Sprintf("user%d@example.org", who(f.Line))
			if f.Value != want || f.Field != field || seen[f.Line] {
				t.Fatalf("%d workers: line %d holds %q in field %q (seen before: %v)", workers, f.Line, f.Value, f.Field, seen[f.Line])
			}
			seen[f.Line] = true
		}
	}
}

// The guard SQL dumps and mailboxes are read through fails a line over
// maxLine bytes, wherever the reads split it, and lets one of maxLine
// bytes through; the word-at-a-time path for lines agrees with the
// byte-by-byte one.
func TestRunGuard(t *testing.T) {
	bytewise := &runKind{ends: lineRuns.ends, err: errTooLong}
	for _, kind := range []*runKind{lineRuns, bytewise} {
		for _, c := range []struct {
			text []byte
			fail bool
		}{
			{append(append([]byte("a\n"), bytes.Repeat([]byte("x"), maxLine)...), "\nb\n"...), false},
			{append(append([]byte("a\n"), bytes.Repeat([]byte("x"), maxLine+1)...), "\nb\n"...), true},
			{append([]byte("a\n"), bytes.Repeat([]byte("x"), maxLine+1)...), true},
			{bytes.Repeat([]byte("short line\n"), maxLine/11+10), false},
		} {
			for _, chunk := range []int{7, 64 << 10, 1 << 20} {
				g := &runGuard{r: bytes.NewReader(c.text), kind: kind}
				buf := make([]byte, chunk)
				var err error
				for err == nil {
					_, err = g.Read(buf)
				}
				if failed := err == errTooLong; failed != c.fail || (!failed && err != io.EOF) {
					t.Errorf("line kind %v, %d bytes read %d at a time: %v, want failure %v", kind.line, len(c.text), chunk, err, c.fail)
				}
			}
		}
	}
}
