package discover

import (
	"strings"
	"testing"
)

// An email's subject is scanned, its encoded words decoded, and Bcc
// recipients are people like the others.
func TestMailHeaders(t *testing.T) {
	msg := "From: Sam Staff <sam@kiwi.example>\r\n" +
		"To: Aroha Ngata <aroha@example.nz>\r\n" +
		"Bcc: Ben Smith <ben@example.au>, cara@example.org\r\n" +
		"Subject: =?UTF-8?B?UmU6IElSRCA0OS0wOTEtODUwIGZvciBBcm9oYQ==?=\r\n" + // "Re: IRD 49-091-850 for Aroha"
		"\r\nSee above.\r\n"
	sum, out := scanOne(t, "sent.eml", []byte(msg))
	if len(sum.Skipped) != 0 {
		t.Fatalf("skipped %+v", sum.Skipped)
	}
	for _, want := range []string{
		`"type":"nz_ird"`,
		`"field":"Bcc","type":"email","masked":"b***@example.au"`,
		`"field":"Bcc","type":"email","masked":"c***@example.org"`,
		`"field":"Bcc.name","type":"person_name"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
}
