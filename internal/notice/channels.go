package notice

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Email is a notice ready for a mail system: the subject, a plain-text
// part and an HTML part saying the same.
type Email struct {
	Subject string
	Text    string
	HTML    []byte
}

// ForEmail renders a document as an email.
func (d Document) ForEmail(lang string) (Email, error) {
	html, err := d.HTML(lang, "")
	return Email{Subject: d.Title, Text: d.Text(72), HTML: html}, err
}

// gsm7 is the GSM 03.38 basic character set: texts using only these fit
// 160 characters in one SMS, 153 per part when split.
const gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// IsGSM7 says whether every character of a text is in the GSM 7-bit
// alphabet, so that it can be sent without UCS-2.
func IsGSM7(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(gsm7, r) {
			return false
		}
	}
	return true
}

// SMSSegments counts the parts a text needs: GSM-7 when every character
// allows it (160, then 153 per part), else UCS-2 (70, then 67).
func SMSSegments(s string) int {
	n := utf8.RuneCountInString(s)
	single, multi := 160, 153
	if !IsGSM7(s) {
		single, multi = 70, 67
	}
	if n <= single {
		return 1
	}
	return (n + multi - 1) / multi
}

// MaxSMSSegments is the longest text message breachdesk sends.
const MaxSMSSegments = 2

// SMS writes the text message for a person: who it is from, that their
// information was involved, and the link to the full notice. It fails
// rather than send more than two parts.
func (d Data) SMS() (string, error) {
	if d.NoticeURL == "" {
		return "", fmt.Errorf("an SMS needs the address of the notice page to link to")
	}
	greeting := ""
	if d.Person != nil && d.Person.Name != "" {
		greeting = strings.Fields(d.Person.Name)[0] + ", "
	}
	msg := fmt.Sprintf("%s%s here. Some of your personal information was involved in a privacy breach. Please read what happened and what you can do: %s", greeting, d.Org.Name, d.NoticeURL)
	if d.Org.Phone != "" {
		msg += " Questions: " + d.Org.Phone
	}
	if n := SMSSegments(msg); n > MaxSMSSegments {
		return "", fmt.Errorf("the SMS needs %d parts (at most %d): shorten the organisation name or the link", n, MaxSMSSegments)
	}
	return msg, nil
}

// PhoneScript turns a notice to a person into what a call-centre agent
// says: check who they are speaking to first, then the notice's sections
// in order, and never read out anyone else's details.
func (d Document) PhoneScript(org string) Document {
	s := Document{Title: "Phone script: " + d.Title}
	s.Sections = append(s.Sections, Section{Heading: "Before you start", Blocks: []Block{{Kind: List, Items: []string{
		"Say who you are and that you are calling from " + org + ".",
		"Check you are speaking to the right person, using the details on your call list, before you say anything about the breach.",
		"If it is not them, do not say why you are calling. Ask when is a good time to call back.",
		"Do not read out details of anyone else, even if asked.",
	}}}})
	for _, sec := range d.Sections {
		if sec.Heading == "" {
			continue
		}
		ns := Section{Heading: "Say: " + strings.ToLower(sec.Heading[:1]) + sec.Heading[1:]}
		ns.Blocks = sec.Blocks
		s.Sections = append(s.Sections, ns)
	}
	s.Sections = append(s.Sections, Section{Heading: "To finish", Blocks: []Block{{Kind: List, Items: []string{
		"Ask if they have questions. If you cannot answer, say who will call back, and by when.",
		"Offer to send the notice in writing as well.",
		"Record the call on the person's delivery record: date, time, and what was said.",
	}}}})
	return s
}

// WriteLetter renders a notice to one person as a letter ready for a
// window envelope.
func (d Document) WriteLetter(w io.Writer, data Data, paper Paper) error {
	b := newBatch(paper, true)
	b.AddLetter(d, data)
	return b.Write(w)
}

// AddLetter adds a letter to a print run.
func (b *Batch) AddLetter(d Document, data Data) {
	o := PDFOptions{Date: data.Date(data.Now), Footer: data.Org.Name, Subject: d.Title}
	o.From = []string{data.Org.Name}
	if data.Org.Contact != "" {
		o.From = append(o.From, data.Org.Contact)
	}
	for _, s := range []string{data.Org.Email, data.Org.Phone} {
		if s != "" {
			o.From = append(o.From, s)
		}
	}
	if data.Person != nil && len(data.Person.Address) > 0 {
		o.To = &Address{Lines: append([]string{data.Person.Name}, data.Person.Address...)}
	}
	b.Add(d, o)
}

// PDFBytes renders a document to memory.
func (d Document) PDFBytes(o PDFOptions) ([]byte, error) {
	var b bytes.Buffer
	err := d.WritePDF(&b, o)
	return b.Bytes(), err
}
