package deliver

import (
	"os"
	"strings"
	"testing"
)

func readReport(t *testing.T, name string) Report {
	t.Helper()
	f, err := os.Open("testdata/dsn/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := ParseReport(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rep
}

func TestParseReportReadsRealBounces(t *testing.T) {
	for _, c := range []struct {
		file, kind, recipient, status, diag, msgID, envID string
	}{
		{"postfix-remote-550.eml", "bounce", "ann.citizen@reject.example", "5.3.0", "500 5.3.0 Error: command failed",
			"notice.5f2c9e1a7b3d48e6a0c1d2e3f4a5b6c7@northwind.example", ""},
		{"postfix-remote-450-delayed.eml", "delay", "ben.example@slow.example", "4.3.0", "450 4.3.0 Error: command failed",
			"notice.77aa9e1a7b3d48e6a0c1d2e3f4a5b6c7@northwind.example", ""},
		{"postfix-local-unknown-user-hdrs.eml", "bounce", "nosuchperson@localhost", "5.1.1", `unknown user: "nosuchperson"`,
			"notice.0a1b2c3d4e5f60718293a4b5c6d7e8f9@northwind.example", "envid-77"},
	} {
		rep := readReport(t, c.file)
		if rep.Kind != c.kind || rep.MessageID != c.msgID || rep.EnvelopeID != c.envID || len(rep.Recipients) != 1 {
			t.Errorf("%s: %+v", c.file, rep)
			continue
		}
		r := rep.Recipients[0]
		if r.Recipient != c.recipient || r.Status != c.status || !strings.Contains(r.Diagnostic, c.diag) {
			t.Errorf("%s: recipient %+v", c.file, r)
		}
	}
	if rep := readReport(t, "arf-abuse-report.eml"); rep.Kind != "complaint" || rep.MessageID != "notice.5f2c9e1a7b3d48e6a0c1d2e3f4a5b6c7@northwind.example" {
		t.Errorf("abuse report: %+v", rep)
	}
}

func TestParseReportRefusesOrdinaryMail(t *testing.T) {
	for _, msg := range []string{
		"From: ann@example.org\r\nSubject: Re: your letter\r\n\r\nThanks, I got it.\r\n",
		"From: ann@example.org\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n",
	} {
		if _, err := ParseReport(strings.NewReader(msg)); err != ErrNotAReport {
			t.Errorf("ParseReport(ordinary mail) = %v, want ErrNotAReport", err)
		}
	}
	if _, err := ParseReport(strings.NewReader("not mail at all")); err == nil {
		t.Error("garbage was read as a message")
	}
}

func TestVERPAddressesAreSigned(t *testing.T) {
	b, err := NewBounces([]byte("k"), "bounces@notices.example.org")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 127, 128, 1 << 40} {
		rp := b.ReturnPath(id)
		if !strings.HasPrefix(rp, "bounces+") || !strings.HasSuffix(rp, "@notices.example.org") {
			t.Fatalf("return path %q", rp)
		}
		got, err := b.Entry("<" + strings.ToUpper(rp[:len("bounces+")+4]) + rp[len("bounces+")+4:] + ">")
		if err != nil || got != id {
			t.Errorf("Entry(%q) = %d, %v; want %d", rp, got, err, id)
		}
	}
	other, _ := NewBounces([]byte("another key"), "bounces@notices.example.org")
	if _, err := b.Entry(other.ReturnPath(7)); err == nil {
		t.Error("an address signed with another key was accepted")
	}
	for _, a := range []string{"bounces@notices.example.org", "bounces+zz@notices.example.org", "bounces+" + b.ReturnPath(7)[8:20] + "@elsewhere.example", "postmaster@notices.example.org"} {
		if _, err := b.Entry(a); err == nil {
			t.Errorf("Entry(%q) was accepted", a)
		}
	}
	if _, err := NewBounces(nil, "bounces+x@example.org"); err == nil {
		t.Error("a bounce address with + was accepted")
	}
}
