package discover

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Generators of the shapes in which exports name people in parts and
// spread them over lines: support logs whose tickets run over several
// lines, FHIR patients with given and family names and addresses, and
// a CRM export with split name and address columns.

// where is a town with its state, postcode and country as addresses
// write them, and the ISO 3166-2 code it is in ("" for a country alone).
type where struct{ city, state, postcode, country, code string }

var towns = []where{
	{"Melbourne", "VIC", "3000", "Australia", "AU-VIC"}, {"Sydney", "NSW", "2000", "Australia", "AU-NSW"},
	{"Brisbane", "QLD", "4000", "Australia", "AU-QLD"}, {"Perth", "WA", "6000", "Australia", "AU-WA"},
	{"Adelaide", "SA", "5000", "Australia", "AU-SA"}, {"Hobart", "TAS", "7000", "Australia", "AU-TAS"},
	{"Canberra", "ACT", "2601", "Australia", "AU-ACT"}, {"Darwin", "NT", "0800", "Australia", "AU-NT"},
	{"Seattle", "WA", "98101", "United States", "US-WA"}, {"San Francisco", "CA", "94105", "United States", "US-CA"},
	{"New York", "NY", "10001", "United States", "US-NY"}, {"Austin", "TX", "78701", "United States", "US-TX"},
	{"Montréal", "QC", "H3A 3G4", "Canada", "CA-QC"}, {"Toronto", "ON", "M5H 2N2", "Canada", "CA-ON"},
	{"Vancouver", "BC", "V6B 1A1", "Canada", "CA-BC"},
	{"Auckland", "", "1010", "New Zealand", "NZ-AUK"}, {"Wellington", "", "6011", "New Zealand", "NZ-WGN"},
	{"Christchurch", "", "8011", "New Zealand", "NZ-CAN"}, {"Dunedin", "", "9016", "New Zealand", "NZ-OTA"},
	{"London", "", "SW1A 2AA", "United Kingdom", "GB"},
}

// isoOf is the ISO 3166 code of the countries towns are in.
var isoOf = map[string]string{"Australia": "AU", "United States": "US", "Canada": "CA", "New Zealand": "NZ", "United Kingdom": "GB"}

// supportLog writes a support desk's log: each ticket is an event of
// several lines, the first with the customer's email and the next ones
// (indented, or, with syslog, plain lines without a timestamp) with
// their IRD number, tax file number, SSN, card or phone; among them
// events of other kinds and stack traces. One ticket in ten is a
// returning customer's, and one in ten gives the email on a later line.
func (c *corpus) supportLog(path string, p []person, syslog bool) []byte {
	var b bytes.Buffer
	r := c.r
	ticket := 48000
	stamp := func(level string) string {
		if syslog {
			return fmt.Sprintf("Mar %2d %02d:%02d:%02d helpdesk zd-sync[%d]:", 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), 2000+r.IntN(999))
		}
		return fmt.Sprintf("2026-03-%02d %02d:%02d:%02d,%03d %-5s [http-nio-8080-exec-%d] c.e.support.TicketService -",
			1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000), level, 1+r.IntN(9))
	}
	indent := "    "
	if syslog {
		indent = ""
	}
	write := func(x person) {
		ticket++
		emailLater := r.IntN(10) == 0
		if emailLater {
			fmt.Fprintf(&b, "%s ticket #%d opened by phone (priority=%s)\n", stamp("INFO"), ticket, []string{"low", "normal", "high"}[r.IntN(3)])
			fmt.Fprintf(&b, "%sreply-to: %s\n", indent, x.email)
		} else {
			fmt.Fprintf(&b, "%s ticket #%d opened by %s via %s\n", stamp("INFO"), ticket, x.email, []string{"web form", "email", "chat"}[r.IntN(3)])
		}
		c.plant(path, Email, x.email)
		fmt.Fprintf(&b, "%ssubject: %s\n", indent, []string{"Refund not received", "Change of address", "Card declined", "Account locked"}[r.IntN(4)])
		lines := []func(){
			func() {
				fmt.Fprintf(&b, "%scustomer wrote: my IRD number is %s, order %s never arrived\n", indent, dashedIRD(x.ird), spaced(string(digits(r, 9)), 3, 3, 3))
				c.plant(path, NZIRD, x.ird)
			},
			func() {
				fmt.Fprintf(&b, "%sverified identity with tax file number %s\n", indent, spaced(x.tfn, 3, 3, 3))
				c.plant(path, AUTFN, x.tfn)
			},
			func() {
				fmt.Fprintf(&b, "%sSSN provided for verification: %s-%s-%s\n", indent, x.ssn[:3], x.ssn[3:5], x.ssn[5:])
				c.plant(path, USSSN, x.ssn)
			},
			func() {
				fmt.Fprintf(&b, "%scard on file: %s (exp %02d/%02d)\n", indent, spaced(x.card, 4, 4, 4, 4), 1+r.IntN(12), 26+r.IntN(5))
				c.plant(path, CreditCard, x.card)
			},
			func() {
				fmt.Fprintf(&b, "%splease call back on %s after 5pm\n", indent, x.phone)
				c.plant(path, Phone, x.phoneNorm)
			},
		}
		r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		for _, l := range lines[:1+r.IntN(3)] {
			l()
		}
		if !syslog && r.IntN(3) == 0 {
			fmt.Fprintf(&b, "%s\tat com.example.support.Attachments.scan(Attachments.java:%d)\n", indent, 40+r.IntN(200))
		}
	}
	for i, x := range p {
		write(x)
		if i > 0 && r.IntN(10) == 0 {
			write(p[r.IntN(i)]) // a returning customer
		}
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "%s ticket #%d routed to queue %s after %d ms\n", stamp("DEBUG"), ticket, []string{"billing", "tax", "accounts"}[r.IntN(3)], r.IntN(900))
		case 1:
			fmt.Fprintf(&b, "%s reply for ticket #%d failed\n", stamp("ERROR"), ticket-1)
			b.WriteString("java.net.SocketTimeoutException: Read timed out\n")
			fmt.Fprintf(&b, "\tat com.example.support.Mailer.send(Mailer.java:%d)\n\t... %d more\n", 100+r.IntN(99), r.IntN(30))
		default:
			fmt.Fprintf(&b, "%s %s\n", stamp("WARN"), c.distractor())
		}
	}
	return b.Bytes()
}

// fhir writes a FHIR bundle of patients, each named in parts
// ({"given": [...], "family": ...}) with an address in a town of towns.
func (c *corpus) fhir(p []person) []byte {
	type entry = map[string]any
	var entries []entry
	for i, x := range p {
		w := towns[c.r.IntN(len(towns))]
		given := []string{x.first}
		if i%3 == 0 {
			given = append(given, firstNames[c.r.IntN(len(firstNames))])
		}
		addr := map[string]any{"line": []string{x.address}, "city": w.city, "postalCode": w.postcode, "country": isoOf[w.country]}
		if w.state != "" {
			addr["state"] = w.state
		}
		entries = append(entries, entry{"fullUrl": fmt.Sprintf("urn:uuid:pat-%d", i), "resource": map[string]any{
			"resourceType": "Patient", "id": fmt.Sprintf("pat-%d", i), "active": true, "gender": []string{"female", "male", "other"}[i%3],
			"name":      []map[string]any{{"use": "official", "family": x.last, "given": given}},
			"telecom":   []map[string]any{{"system": "email", "value": x.email}, {"system": "phone", "value": x.phone, "use": "mobile"}},
			"birthDate": x.dobISO,
			"address":   []map[string]any{addr},
		}})
		for _, t := range []struct {
			t Type
			v string
		}{{Email, x.email}, {Phone, x.phoneNorm}, {DateOfBirth, x.dobISO}} {
			c.plant("fhir/patients.json", t.t, t.v)
		}
		c.places = append(c.places, placed{path: "fhir/patients.json", email: x.email, name: strings.Join(given, " ") + " " + x.last,
			given: strings.Join(given, " "), family: x.last, place: w.code})
	}
	b, err := json.MarshalIndent(map[string]any{"resourceType": "Bundle", "type": "collection", "entry": entries}, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// crm writes a CRM's contacts export: name and address in split columns.
func (c *corpus) crm(p []person) []byte {
	var b bytes.Buffer
	b.WriteString("Contact ID,First Name,Last Name,Email,Mobile Phone,Street,City,State,Postcode,Country,Lead Source,Created\n")
	for i, x := range p {
		w := towns[c.r.IntN(len(towns))]
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,2025-%02d-%02d\n", 300000+i, x.first, csvQuote(x.last), x.email, x.phone, x.address,
			w.city, w.state, w.postcode, w.country, []string{"Web", "Referral", "Trade show"}[c.r.IntN(3)], 1+c.r.IntN(12), 1+c.r.IntN(28))
		c.plant("crm/contacts.csv", Email, x.email)
		c.plant("crm/contacts.csv", Phone, x.phoneNorm)
		c.places = append(c.places, placed{path: "crm/contacts.csv", email: x.email, name: x.first + " " + x.last, given: x.first, family: x.last, place: w.code})
	}
	return b.Bytes()
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, `,"`) {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// sqliteOf writes a SQLite database with a table of customers, a
// table of support notes (free text) and a table without personal data,
// and returns its bytes.
func (c *corpus) sqlite(path string, p []person) []byte {
	dir, err := os.MkdirTemp("", "corpus-sqlite")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "app.db")
	db, err := sql.Open("sqlite", file)
	if err != nil {
		panic(err)
	}
	must := func(_ sql.Result, err error) {
		if err != nil {
			panic(err)
		}
	}
	must(db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, given_name TEXT, family_name TEXT, email TEXT, mobile TEXT, tfn TEXT, suburb TEXT, state TEXT, postcode TEXT)`))
	must(db.Exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, customer_id INTEGER, body TEXT)`))
	must(db.Exec(`CREATE TABLE settings (key TEXT, value TEXT)`))
	must(db.Exec(`INSERT INTO settings VALUES ('version', '4.2.1'), ('synced', '2026-03-01 10:00:00')`))
	for i, x := range p {
		w := towns[c.r.IntN(8)] // Australian towns
		must(db.Exec(`INSERT INTO customers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, i+1, x.first, x.last, x.email, x.phone, x.tfn, w.city, w.state, w.postcode))
		must(db.Exec(`INSERT INTO notes VALUES (?, ?, ?)`, i+1, i+1, fmt.Sprintf("Called back about order %s; confirmed IRD %s for %s", spaced(string(digits(c.r, 9)), 3, 3, 3), dashedIRD(x.ird), x.email)))
		for _, t := range []struct {
			t Type
			v string
		}{{Email, x.email}, {Phone, x.phoneNorm}, {AUTFN, x.tfn}} {
			c.plant(path+"!/customers", t.t, t.v)
		}
		c.plant(path+"!/notes", Email, x.email)
		c.plant(path+"!/notes", NZIRD, x.ird)
		c.places = append(c.places, placed{path: path, email: x.email, name: x.first + " " + x.last, given: x.first, family: x.last, place: w.code})
	}
	if err := db.Close(); err != nil {
		panic(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	return b
}

// parquetRow is a row of a data lake's customer export.
type parquetRow struct {
	CustomerID  int64  `parquet:"customer_id"`
	FirstName   string `parquet:"first_name"`
	LastName    string `parquet:"last_name"`
	Email       string `parquet:"email"`
	Phone       string `parquet:"phone,optional"`
	DateOfBirth int32  `parquet:"date_of_birth,date"`
	Medicare    string `parquet:"medicare_no"`
	Country     string `parquet:"country"`
	Spend       float64
}

// parquetOf writes people as a Parquet file of several row groups.
func (c *corpus) parquetOf(path string, p []person) []byte {
	rows := make([]parquetRow, len(p))
	for i, x := range p {
		d, _ := time.Parse("2006-01-02", x.dobISO)
		rows[i] = parquetRow{CustomerID: int64(500000 + i), FirstName: x.first, LastName: x.last, Email: x.email, Phone: x.phone,
			DateOfBirth: int32(d.Unix() / 86400), Medicare: x.medicare, Country: "Australia", Spend: float64(c.r.IntN(100000)) / 100}
		for _, t := range []struct {
			t Type
			v string
		}{{Email, x.email}, {Phone, x.phoneNorm}, {DateOfBirth, x.dobISO}, {AUMedicare, x.medicare}} {
			c.plant(path, t.t, t.v)
		}
		c.places = append(c.places, placed{path: path, email: x.email, name: x.first + " " + x.last, given: x.first, family: x.last, place: "AU"})
	}
	var b bytes.Buffer
	if err := parquet.Write(&b, rows, parquet.MaxRowsPerRowGroup(100)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// mbox writes a mailbox of messages, each from a customer with their
// details in the body, some with a CSV attachment of another customer;
// the support desk's replies quote them.
func (c *corpus) mbox(mbox string, p []person) []byte {
	var b bytes.Buffer
	msgs := 0
	for i := 0; i < len(p); i++ {
		x := p[i]
		msgs++
		path := fmt.Sprintf("%s!/message-%d", mbox, msgs)
		fmt.Fprintf(&b, "From %s Sun Mar  1 09:%02d:00 2026\nFrom: %s %s <%s>\nTo: support@example.org\nSubject: my account\nMessage-ID: <%d@example>\n",
			x.email, i%60, x.first, x.last, x.email, i)
		c.plant(path, Email, x.email)
		c.plant(path, Email, "support@example.org")
		if i+1 < len(p) && i%5 == 0 {
			y := p[i+1]
			i++
			fmt.Fprintf(&b, "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B%d\n\n--B%d\nContent-Type: text/plain\n\nPlease update my partner's details, attached.\nMy IRD number is %s.\n--B%d\nContent-Type: text/csv; name=partner.csv\nContent-Disposition: attachment; filename=partner.csv\n\nname,email,ird\n%s %s,%s,%s\n--B%d--\n\n",
				i, i, dashedIRD(x.ird), i, y.first, y.last, y.email, y.ird, i)
			c.plant(path, NZIRD, x.ird)
			c.plant(path+"!/partner.csv", Email, y.email)
			c.plant(path+"!/partner.csv", NZIRD, y.ird)
			continue
		}
		fmt.Fprintf(&b, "\nHi, my IRD number is %s and my mobile is %s.\n>From the desk of %s\n\n", dashedIRD(x.ird), x.phone, x.first)
		c.plant(path, NZIRD, x.ird)
		c.plant(path, Phone, x.phoneNorm)
		if i%3 == 0 {
			// The desk's reply, quoting the customer.
			msgs++
			path := fmt.Sprintf("%s!/message-%d", mbox, msgs)
			fmt.Fprintf(&b, "From support@example.org Sun Mar  1 10:%02d:00 2026\nFrom: Support <support@example.org>\nTo: %s\nSubject: Re: my account\n\nThanks %s, updated.\n> Hi, my IRD number is %s and my mobile is %s.\n\n",
				i%60, x.email, x.first, dashedIRD(x.ird), x.phone)
			c.plant(path, Email, x.email)
			c.plant(path, Email, "support@example.org")
			c.plant(path, NZIRD, x.ird)
			c.plant(path, Phone, x.phoneNorm)
		}
	}
	return b.Bytes()
}
