package discover

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dchest/siphash"
)

// The synthetic corpus: people with valid, checksummed identifiers,
// planted in every supported format among realistic look-alikes, with
// the ground truth of what was planted where.

var (
	firstNames = []string{"Aroha", "Ben", "Chloe", "Daniel", "Emma", "Finn", "Grace", "Hemi", "Isla", "Jack", "Kiri", "Liam", "Mia", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sam", "Tama", "Uma", "Vik", "Wiremu", "Xin", "Yasmin", "Zoe"}
	lastNames  = []string{"Ngata", "Smith", "Wilson", "Brown", "Taylor", "Williams", "Patel", "Nguyen", "Chen", "Singh", "Walker", "Harris", "Parata", "Kumar", "O'Neill", "Te Whare", "McDonald", "Lee", "King", "Wright"}
	streets    = []string{"Kauri Road", "George Street", "Queen Street", "Harbour View Drive", "Main Road", "Victoria Avenue", "High Street"}
)

type planted struct {
	path string
	t    Type
	norm string
}

// placed is a person the corpus placed somewhere: by their email, the
// name the people output should give them and where they live.
type placed struct {
	path, email, name, given, family, place string
}

type person struct {
	first, last, email, phone, phoneNorm, dob, dobISO string
	card, tfn, ird, abn, medicare, nhi, iban, ssn     string
	address, nzBank, bsb                              string
}

func digits(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return b
}

func genCard(r *rand.Rand) string {
	for {
		var d []byte
		if r.IntN(2) == 0 {
			d = append([]byte("4"), digits(r, 15)...)
		} else {
			d = append([]byte("5"+string(rune('1'+r.IntN(5)))), digits(r, 14)...)
		}
		if luhn(d) {
			return string(d)
		}
	}
}

// until draws values from gen until check accepts one.
func until(r *rand.Rand, gen func() []byte, check func([]byte) bool) string {
	for {
		if d := gen(); check(d) {
			return string(d)
		}
	}
}

func genIBAN(r *rand.Rand) string {
	bban := "WEST" + string(digits(r, 14))
	for k := 2; k < 99; k++ {
		s := fmt.Sprintf("GB%02d%s", k, bban)
		if iban([]byte(s)) {
			return s
		}
	}
	panic("no IBAN check digits")
}

func genNHI(r *rand.Rand) string {
	letters := "ABCDEFGHJKLMNPQRSTUVWXY" // no I, O, Z (Z is the test range)
	return until(r, func() []byte {
		b := []byte{letters[r.IntN(len(letters))], letters[r.IntN(len(letters))], letters[r.IntN(len(letters))]}
		return append(b, digits(r, 4)...)
	}, nzNHI)
}

func newPerson(r *rand.Rand, i int) person {
	p := person{first: firstNames[r.IntN(len(firstNames))], last: lastNames[r.IntN(len(lastNames))]}
	p.email = fmt.Sprintf("%s.%s%d@%s", strings.ToLower(p.first), strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(p.last, "'", ""), " ", "")), i,
		[]string{"example.co.nz", "example.com.au", "mail.example.org", "example.net"}[r.IntN(4)])
	switch r.IntN(4) {
	case 0:
		n := string(digits(r, 7))
		p.phone, p.phoneNorm = "021 "+n[:3]+" "+n[3:], "+6421"+n
	case 1:
		n := string(digits(r, 8))
		p.phone, p.phoneNorm = "04"+n[:2]+" "+n[2:5]+" "+n[5:], "+614"+n
	case 2:
		n := string(digits(r, 8))
		p.phone, p.phoneNorm = "+64 27 "+n[:3]+" "+n[3:], "+6427"+n
	default:
		n := string(digits(r, 7))
		p.phone, p.phoneNorm = "(09) "+n[:3]+" "+n[3:], "+649"+n
	}
	y, m, d := 1940+r.IntN(65), 1+r.IntN(12), 1+r.IntN(28)
	p.dobISO = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	if r.IntN(2) == 0 {
		p.dob = fmt.Sprintf("%02d/%02d/%04d", d, m, y)
	} else {
		p.dob = p.dobISO
	}
	p.card = genCard(r)
	p.tfn = until(r, func() []byte { return append([]byte{byte('1' + r.IntN(9))}, digits(r, 8)...) }, auTFN)
	p.ird = until(r, func() []byte { return append([]byte{byte('1' + r.IntN(9))}, digits(r, 7)...) }, nzIRD)
	p.abn = until(r, func() []byte { return append([]byte{byte('1' + r.IntN(9))}, digits(r, 10)...) }, auABN)
	p.medicare = until(r, func() []byte { return append([]byte{byte('2' + r.IntN(5))}, digits(r, 9)...) }, auMedicare)
	p.nhi = genNHI(r)
	p.iban = genIBAN(r)
	p.ssn = until(r, func() []byte { return digits(r, 9) }, usSSN)
	p.address = fmt.Sprintf("%d %s", 1+r.IntN(200), streets[r.IntN(len(streets))])
	bank := until(r, func() []byte { return append([]byte(fmt.Sprintf("%02d", 1+r.IntN(38))), digits(r, 13)...) },
		func(d []byte) bool { ok, _ := nzBankAccount(d); return ok })
	p.nzBank = fmt.Sprintf("%s-%s-%s-%s", bank[:2], bank[2:6], bank[6:13], bank[13:])
	p.bsb = fmt.Sprintf("%s-%s %s", digits(r, 3), digits(r, 3), digits(r, 8))
	return p
}

func spaced(s string, groups ...int) string {
	var b strings.Builder
	at := 0
	for k, g := range groups {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[at : at+g])
		at += g
	}
	return b.String()
}

// corpus writes the synthetic files under dir and returns what it planted.
type corpus struct {
	r     *rand.Rand
	truth []planted
	// persons is how many different people each file holds; places the
	// people whose name and place a file says.
	persons map[string]int
	places  []placed
}

// holds records that a file holds n different people.
func (c *corpus) holds(path string, n int) {
	if c.persons == nil {
		c.persons = map[string]int{}
	}
	c.persons[path] += n
}

func (c *corpus) plant(path string, t Type, norm string) {
	c.truth = append(c.truth, planted{path, t, norm})
}

// distractor is a line of look-alikes: none of it is personal data.
func (c *corpus) distractor() string {
	r := c.r
	bad := genCard(r)
	bad = bad[:15] + string(rune('0'+(int(bad[15]-'0')+1)%10)) // Luhn broken
	return []string{
		fmt.Sprintf("Order %s shipped on 2026-03-%02d 10:%02d:%02d", spaced(string(digits(r, 9)), 3, 3, 3), 1+r.IntN(28), r.IntN(60), r.IntN(60)),
		fmt.Sprintf("invoice INV-%s total $%d.%02d", digits(r, 10), r.IntN(900), r.IntN(100)),
		fmt.Sprintf("tracking ref %s batch %s", bad, digits(r, 9)),
		fmt.Sprintf("build 1.%d.%d released 2025-11-%02d, sku ABC%s", r.IntN(20), r.IntN(20), 1+r.IntN(28), digits(r, 4)),
		fmt.Sprintf("temperature %d.%d at %d:%02d, reading %s", r.IntN(40), r.IntN(10), r.IntN(24), r.IntN(60), digits(r, 11)),
		fmt.Sprintf("ticket #%s opened, see https://support.example.com/t/%s", digits(r, 6), digits(r, 8)),
		fmt.Sprintf("Invoice no. 021 %s %s paid, receipt 04%s", digits(r, 3), digits(r, 4), digits(r, 8)),
		fmt.Sprintf("synced at %d:%02d:%02d, %d records, checksum %s", r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(100000), digits(r, 16)),
	}[r.IntN(8)]
}

func (c *corpus) csv(p []person) []byte {
	var b bytes.Buffer
	b.WriteString("first_name,surname,E-mail Address,Mobile,DOB,IRD No.,tfn,medicare_no,card_number,nhi,street,diagnosis,order_no,notes\n")
	for i, x := range p {
		path := "customers.csv"
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\",%s,%s,\"%s\"\n", x.first, x.last, x.email, x.phone, x.dob, x.ird, x.tfn, x.medicare,
			spaced(x.card, 4, 4, 4, 4), x.nhi, x.address, []string{"asthma", "Type 2 diabetes", "none recorded"}[i%3], digits(c.r, 9), c.distractor())
		for _, t := range []struct {
			t Type
			v string
		}{{Email, x.email}, {Phone, x.phoneNorm}, {DateOfBirth, x.dobISO}, {NZIRD, x.ird}, {AUTFN, x.tfn}, {AUMedicare, x.medicare}, {CreditCard, x.card}, {NZNHI, x.nhi}} {
			c.plant(path, t.t, t.v)
		}
	}
	return b.Bytes()
}

// log is an application log: events of look-alikes, and for each person
// a signup event whose first line has their email and phone and whose
// next lines (indented, or without a timestamp) their other details.
func (c *corpus) log(p []person) []byte {
	var b bytes.Buffer
	for _, x := range p {
		for k := 0; k < 3; k++ {
			fmt.Fprintf(&b, "2026-03-01T09:%02d:%02dZ WARN %s\n", c.r.IntN(60), c.r.IntN(60), c.distractor())
		}
		fmt.Fprintf(&b, "2026-03-01T09:%02d:11Z INFO signup email=%s phone=%s\n", c.r.IntN(60), x.email, x.phone)
		fmt.Fprintf(&b, "    verified TFN %s and ABN %s, SSN %s-%s-%s\n", spaced(x.tfn, 3, 3, 3), spaced(x.abn, 2, 3, 3, 3), x.ssn[:3], x.ssn[3:5], x.ssn[5:])
		fmt.Fprintf(&b, "payment card ending %s charged; IBAN %s; patient NHI %s born %s\n", x.card, spaced(x.iban, 4, 4, 4, 4, 4, 2), x.nhi, x.dob)
		fmt.Fprintf(&b, "refund to bank account %s or BSB %s\n", x.nzBank, x.bsb)
		for _, t := range []struct {
			t Type
			v string
		}{{Email, x.email}, {Phone, x.phoneNorm}, {AUTFN, x.tfn}, {AUABN, x.abn}, {USSSN, x.ssn}, {CreditCard, x.card}, {IBAN, x.iban}, {NZNHI, x.nhi}, {DateOfBirth, x.dobISO},
			{NZBankAccount, digitsOnly(x.nzBank)}, {AUBSBAccount, digitsOnly(x.bsb)}} {
			c.plant("logs/app.log", t.t, t.v)
		}
	}
	return b.Bytes()
}

// quietLog is an application log where personal data is rare: about
// forty lines of requests, jobs and distractors for each signup line
// with an email and a phone (benchmarks only; nothing is planted).
func (c *corpus) quietLog(p []person) []byte {
	var b bytes.Buffer
	r := c.r
	for _, x := range p {
		for k := 0; k < 40; k++ {
			ts := fmt.Sprintf("2026-03-01T%02d:%02d:%02d.%03dZ", r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000))
			switch r.IntN(4) {
			case 0:
				fmt.Fprintf(&b, "%s INFO http GET /api/v1/orders/%d status=200 bytes=%d duration=%dms\n", ts, r.IntN(1e7), r.IntN(1e5), r.IntN(900))
			case 1:
				fmt.Fprintf(&b, "%s INFO worker-%d processed batch %d in %d.%03ds (%d items)\n", ts, r.IntN(16), r.IntN(1e6), r.IntN(10), r.IntN(1000), r.IntN(500))
			case 2:
				fmt.Fprintf(&b, "%s DEBUG cache hit ratio 0.%02d for key product:%d region=ap-southeast-2\n", ts, r.IntN(100), r.IntN(1e5))
			default:
				fmt.Fprintf(&b, "%s WARN %s\n", ts, c.distractor())
			}
		}
		fmt.Fprintf(&b, "2026-03-01T09:%02d:11.000Z INFO signup email=%s phone=%s\n", r.IntN(60), x.email, x.phone)
	}
	return b.Bytes()
}

// orders is an orders export: one customer email per row among order
// numbers, amounts, dates and tracking numbers (benchmarks only).
func (c *corpus) orders(p []person) []byte {
	var b bytes.Buffer
	r := c.r
	b.WriteString("order_id,created_at,status,sku,qty,unit_price,total,currency,carrier,tracking_no,customer_email\n")
	for _, x := range p {
		qty, price := 1+r.IntN(5), 5+r.IntN(300)
		fmt.Fprintf(&b, "%d,2026-03-%02d %02d:%02d:%02d,%s,SKU-%s,%d,%d.%02d,%d.%02d,NZD,%s,%s,%s\n", 100000000+r.IntN(9e8),
			1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), []string{"paid", "shipped", "refunded", "cancelled"}[r.IntN(4)],
			digits(r, 6), qty, price, r.IntN(100), qty*price, r.IntN(100), []string{"NZ Post", "CourierPost", "Aramex"}[r.IntN(3)],
			digits(r, 12), x.email)
	}
	return b.Bytes()
}

func (c *corpus) json(p []person) []byte {
	var b bytes.Buffer
	for _, x := range p {
		fmt.Fprintf(&b, `{"customer":{"name":"%s %s","contact":{"email":"%s","mobile":"%s"},"dob":"%s","ird":"%s"},"order":{"id":%d,"ref":"%s"}}`+"\n",
			x.first, x.last, x.email, x.phone, x.dobISO, x.ird, 100000000+c.r.IntN(900000000), digits(c.r, 10))
		for _, t := range []struct {
			t Type
			v string
		}{{Email, x.email}, {Phone, x.phoneNorm}, {DateOfBirth, x.dobISO}, {NZIRD, x.ird}} {
			c.plant("export/customers.ndjson", t.t, t.v)
		}
	}
	return b.Bytes()
}

func (c *corpus) sql(p []person) []byte {
	var b bytes.Buffer
	b.WriteString("CREATE TABLE patients (id int, full_name text, email text, nhi text, date_of_birth date, order_total int);\nINSERT INTO patients (id, full_name, email, nhi, date_of_birth, order_total) VALUES\n")
	for i, x := range p {
		sep := ",\n"
		if i == len(p)-1 {
			sep = ";\n"
		}
		fmt.Fprintf(&b, "(%d,'%s %s','%s','%s','%s',%s)%s", i+1, x.first, strings.ReplaceAll(x.last, "'", "''"), x.email, x.nhi, x.dobISO, digits(c.r, 9), sep)
		c.plant("db/dump.sql", Email, x.email)
		c.plant("db/dump.sql", NZNHI, x.nhi)
		c.plant("db/dump.sql", DateOfBirth, x.dobISO)
	}
	return b.Bytes()
}

// pgDump writes people as pg_dump does by default: a COPY block of
// tab-separated rows, with \N for NULL and escapes in free text.
func (c *corpus) pgDump(p []person) []byte {
	var b bytes.Buffer
	b.WriteString("--\n-- PostgreSQL database dump\n--\n\nCOPY public.members (id, given_name, email, mobile, ird_number, note, joined) FROM stdin;\n")
	for i, x := range p {
		note := "\\N"
		if i%3 == 0 {
			note = "rang re invoice " + string(digits(c.r, 8)) + "\\tfollow up" // an invoice number is not an IRD
		}
		fmt.Fprintf(&b, "%d\t%s\t%s\t%s\t%s\t%s\t2024-0%d-1%d\n", i+1, x.first, x.email, x.phone, x.ird, note, 1+i%9, i%10)
		c.plant("db/members.sql", Email, x.email)
		c.plant("db/members.sql", Phone, x.phoneNorm)
		c.plant("db/members.sql", NZIRD, x.ird)
	}
	b.WriteString("\\.\n\n")
	return b.Bytes()
}

func (c *corpus) xlsx(p []person) []byte {
	var shared []string
	idx := func(s string) int { shared = append(shared, s); return len(shared) - 1 }
	var rows strings.Builder
	cell := func(ref, s string) string { return fmt.Sprintf(`<c r="%s" t="s"><v>%d</v></c>`, ref, idx(s)) }
	rows.WriteString(`<row r="1">` + cell("A1", "Name") + cell("B1", "Email") + cell("C1", "Phone") + cell("D1", "Medicare") + cell("E1", "Date of birth") + cell("F1", "Start date") + `</row>`)
	serial := func(iso string) int { // Excel's day number, as Excel stores dates
		d, _ := time.Parse("2006-01-02", iso)
		return int(d.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
	}
	for i, x := range p {
		n := i + 2
		rows.WriteString(fmt.Sprintf(`<row r="%d">`, n) + cell(fmt.Sprintf("A%d", n), x.first+" "+x.last) + cell(fmt.Sprintf("B%d", n), x.email) +
			cell(fmt.Sprintf("C%d", n), x.phone) + fmt.Sprintf(`<c r="D%d"><v>%s</v></c>`, n, x.medicare) +
			fmt.Sprintf(`<c r="E%d" s="1"><v>%d</v></c><c r="F%d" s="1"><v>%d.25</v></c>`, n, serial(x.dobISO), n, 45000+i) + `</row>`)
		c.plant("staff.xlsx!/sheet1", Email, x.email)
		c.plant("staff.xlsx!/sheet1", Phone, x.phoneNorm)
		c.plant("staff.xlsx!/sheet1", AUMedicare, x.medicare)
		c.plant("staff.xlsx!/sheet1", DateOfBirth, x.dobISO) // a start date is not one
	}
	var ss strings.Builder
	for _, s := range shared {
		ss.WriteString("<si><t>" + strings.ReplaceAll(s, "&", "&amp;") + "</t></si>")
	}
	return zipOf(map[string]string{
		"xl/sharedStrings.xml":     `<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + ss.String() + `</sst>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows.String() + `</sheetData></worksheet>`,
	})
}

func (c *corpus) docx(p []person) []byte {
	var body strings.Builder
	for _, x := range p {
		fmt.Fprintf(&body, `<w:p><w:r><w:t>Client %s %s of %s can be reached at %s or on mobile %s. IRD number %s.</w:t></w:r></w:p>`, x.first, x.last, x.address, x.email, x.phone, x.ird)
		c.plant("letters/referral.docx", PersonName, x.first+" "+x.last)
		c.plant("letters/referral.docx", StreetAddress, x.address)
		c.plant("letters/referral.docx", Email, x.email)
		c.plant("letters/referral.docx", Phone, x.phoneNorm)
		c.plant("letters/referral.docx", NZIRD, x.ird)
	}
	return zipOf(map[string]string{"word/document.xml": `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`})
}

// dashedIRD writes an IRD number the way IRD prints it: 49-091-850.
func dashedIRD(d string) string {
	n := len(d)
	return d[:n-6] + "-" + d[n-6:n-3] + "-" + d[n-3:]
}

func (c *corpus) pdf(p []person) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 10 Tf 50 800 Td\n")
	for _, x := range p {
		content.WriteString(utf16Hex(fmt.Sprintf("%s %s, %s, IRD number %s, %s", x.first, x.last, x.email, dashedIRD(x.ird), c.distractor())) + " Tj 0 -12 Td\n")
		c.plant("letters/clients.pdf", Email, x.email)
		c.plant("letters/clients.pdf", NZIRD, x.ird)
	}
	content.WriteString("ET")
	identity := "begincmap 1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap"
	return pdfOf([]string{identity, content.String()}, true)
}

func (c *corpus) eml(p []person) []byte {
	var att bytes.Buffer
	att.WriteString("name,email,ird\n")
	for _, x := range p {
		fmt.Fprintf(&att, "%s %s,%s,%s\n", x.first, x.last, x.email, x.ird)
		c.plant("mail/wrong-recipient.eml!/clients.csv", Email, x.email)
		c.plant("mail/wrong-recipient.eml!/clients.csv", NZIRD, x.ird)
	}
	c.plant("mail/wrong-recipient.eml", Email, "sam@kiwi.example")
	c.plant("mail/wrong-recipient.eml", Email, "wrong@other.example")
	return []byte("From: Sam Staff <sam@kiwi.example>\r\nTo: Wrong Person <wrong@other.example>\r\nSubject: client list\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=XYZ\r\n\r\n--XYZ\r\nContent-Type: text/plain\r\n\r\nPlease find the list attached. Order 123 456 789.\r\n" +
		"--XYZ\r\nContent-Type: text/csv; name=clients.csv\r\nContent-Disposition: attachment; filename=clients.csv\r\n\r\n" + att.String() + "\r\n--XYZ--\r\n")
}

func zipOf(files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

func tgzOf(files map[string][]byte) []byte {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write(body)
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

// writeCorpus writes n people per format under dir and returns what it
// planted, with how many people each file holds and where the people
// it placed live.
func writeCorpus(dir string, n int, seed uint64) (*corpus, error) {
	c := &corpus{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b9))}
	people := func(off int) []person {
		p := make([]person, n)
		for i := range p {
			p[i] = newPerson(c.r, off+i)
		}
		return p
	}
	files := map[string][]byte{
		"customers.csv":            c.csv(people(0)),
		"logs/app.log":             c.log(people(n)),
		"export/customers.ndjson":  c.json(people(2 * n)),
		"db/dump.sql":              c.sql(people(3 * n)),
		"db/members.sql":           c.pgDump(people(9 * n)),
		"staff.xlsx":               c.xlsx(people(4 * n)),
		"letters/referral.docx":    c.docx(people(5 * n)),
		"mail/wrong-recipient.eml": c.eml(people(6 * n)),
		"letters/clients.pdf":      c.pdf(people(8 * n)),
		"support/tickets.log":      c.supportLog("support/tickets.log", people(10*n), false),
		"support/helpdesk.log":     c.supportLog("support/helpdesk.log", people(11*n), true),
		"fhir/patients.json":       c.fhir(people(12 * n)),
		"crm/contacts.csv":         c.crm(people(13 * n)),
		"app/backup.db":            c.sqlite("app/backup.db", people(14*n)),
		"lake/customers.parquet":   c.parquetOf("lake/customers.parquet", people(15*n)),
		"mail/support.mbox":        c.mbox("mail/support.mbox", people(16*n)),
	}
	for name := range files {
		c.holds(name, n)
	}
	c.holds("mail/wrong-recipient.eml", 2) // the sender and the wrong recipient
	c.holds("mail/support.mbox", 1)        // the support desk they wrote to
	// An archive of a further log, planted under the archive's path.
	before := len(c.truth)
	inner := c.log(people(7 * n))
	for k := before; k < len(c.truth); k++ {
		c.truth[k].path = "backup.tgz!/old/app.log"
	}
	files["backup.tgz"] = tgzOf(map[string][]byte{"old/app.log": inner})
	c.holds("backup.tgz", n)
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func hmacHex(key []byte, norm string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(norm))
	return hex.EncodeToString(m.Sum(nil))
}

// idHex is a finding's id as the contract defines it, computed apart
// from the scanner's code: SipHash-128 of the normalised value under the
// first 16 bytes of HMAC-SHA256(scan key, "breachdesk finding id"), its
// output bytes in hex.
func idHex(key []byte, norm string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("breachdesk finding id"))
	k := m.Sum(nil)
	a, b := siphash.Hash128(binary.LittleEndian.Uint64(k[:8]), binary.LittleEndian.Uint64(k[8:16]), []byte(norm))
	return hex.EncodeToString(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, a), b))
}
