package discover

import "testing"

// An email's subject is scanned, its encoded words decoded, and Bcc
// recipients are people like the others.
func TestMailHeaders(t *testing.T) {
	msg := "From: Sam Staff <sam@kiwi.example>\r\n" +
		"To: Aroha Ngata <aroha@example.nz>\r\n" +
		"Bcc: Ben Smith <ben@example.au>, cara@example.org\r\n" +
		"Subject: =?UTF-8?B?UmU6IElSRCA0OS0wOTEtODUwIGZvciBBcm9oYQ==?=\r\n" + // "Re: IRD 49-091-850 for Aroha"
		"\r\nSee above.\r\n"
	scanFinds(t, "sent.eml", []byte(msg),
		`"type":"nz_ird"`,
		`"field":"Bcc","type":"email","masked":"b***@example.au"`,
		`"field":"Bcc","type":"email","masked":"c***@example.org"`,
		`"field":"Bcc.name","type":"person_name"`,
	)
}
