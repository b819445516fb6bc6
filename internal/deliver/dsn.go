package deliver

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Bounces makes and reads VERP return paths: each message's envelope
// sender names its outbox entry, signed, so a bounce says which person's
// message failed even when the remote server rewrote everything else, and
// a forged bounce cannot mark anyone's message bounced.
type Bounces struct {
	key    []byte
	local  string // the local part before '+', e.g. "bounces"
	domain string
}

// NewBounces returns the VERP codec for addresses local+TOKEN@domain.
func NewBounces(key []byte, address string) (*Bounces, error) {
	at := strings.LastIndexByte(address, '@')
	if at <= 0 || CheckEmail(address) != nil || strings.Contains(address[:at], "+") {
		return nil, fmt.Errorf("bounce address %q: give a plain address such as bounces@notices.example.org", address)
	}
	return &Bounces{key: append([]byte(nil), key...), local: address[:at], domain: strings.ToLower(address[at+1:])}, nil
}

func (b *Bounces) tag(id int64) []byte {
	m := hmac.New(sha256.New, b.key)
	fmt.Fprintf(m, "verp:%d", id)
	return m.Sum(nil)[:6]
}

// ReturnPath is the envelope sender for the outbox entry id.
func (b *Bounces) ReturnPath(id int64) string {
	buf := binary.AppendUvarint(nil, uint64(id))
	buf = append(buf, b.tag(id)...)
	return b.local + "+" + strings.ToLower(crockford.EncodeToString(buf)) + "@" + b.domain
}

// Entry reads the outbox entry id from an address a bounce was sent to.
// It fails for any address that is not one of ours or whose signature
// does not match.
func (b *Bounces) Entry(address string) (int64, error) {
	address = strings.Trim(strings.TrimSpace(address), "<>")
	at := strings.LastIndexByte(address, '@')
	if at < 0 || !strings.EqualFold(address[at+1:], b.domain) {
		return 0, fmt.Errorf("not a bounce address of this server")
	}
	local, token, ok := strings.Cut(address[:at], "+")
	if !ok || !strings.EqualFold(local, b.local) || len(token) > 32 {
		return 0, fmt.Errorf("not a bounce address of this server")
	}
	raw, err := crockford.DecodeString(strings.ToUpper(token))
	if err != nil {
		return 0, fmt.Errorf("malformed bounce address")
	}
	id, n := binary.Uvarint(raw)
	if n <= 0 || len(raw)-n != 6 || id == 0 || id > 1<<62 {
		return 0, fmt.Errorf("malformed bounce address")
	}
	if !hmac.Equal(raw[n:], b.tag(int64(id))) {
		return 0, fmt.Errorf("the bounce address's signature does not match")
	}
	return int64(id), nil
}

// Report is what a delivery status notification (RFC 3464) or a
// complaint (an abuse report, RFC 5965) says about a message we sent.
type Report struct {
	// Kind is "bounce" (a permanent failure), "delay" (still trying),
	// "delivered" (a positive DSN), "complaint" (the person reported the
	// message as abuse), or "" when the message held no report.
	Kind string
	// MessageID is the Message-ID of our original message, without
	// brackets, when the report quotes its headers.
	MessageID  string
	EnvelopeID string
	Recipients []RecipientStatus
}

// RecipientStatus is one recipient's block of a DSN.
type RecipientStatus struct {
	Recipient  string // Final-Recipient's address
	Action     string // failed, delayed, delivered, relayed, expanded
	Status     string // e.g. 5.1.1
	Diagnostic string // the remote server's words
}

// Reason is the recipient's failure in words for the delivery record.
func (r RecipientStatus) Reason() string {
	s := strings.TrimSpace(r.Status + " " + r.Diagnostic)
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

// ErrNotAReport is returned for a message that holds no DSN or abuse report.
var ErrNotAReport = errors.New("the message holds no delivery status notification or complaint")

// MaxReportBytes bounds a report read from the network.
const MaxReportBytes = 4 << 20

// ParseReport reads a delivery status notification or an abuse report
// from a whole message, reading at most MaxReportBytes.
func ParseReport(r io.Reader) (Report, error) {
	msg, err := mail.ReadMessage(bufio.NewReader(io.LimitReader(r, MaxReportBytes)))
	if err != nil {
		return Report{}, fmt.Errorf("not a mail message: %w", err)
	}
	var rep Report
	if err := readPart(&rep, textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		return Report{}, err
	}
	if rep.Kind == "" {
		return Report{}, ErrNotAReport
	}
	return rep, nil
}

func readPart(rep *Report, h textproto.MIMEHeader, body io.Reader, depth int) error {
	if depth > 4 {
		return nil
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mt = "text/plain"
	}
	body = decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		if params["boundary"] == "" {
			return fmt.Errorf("a multipart message without a boundary")
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reading the report's parts: %w", err)
			}
			if err := readPart(rep, p.Header, p, depth+1); err != nil {
				return err
			}
		}
	case mt == "message/delivery-status" || mt == "message/global-delivery-status":
		return readDeliveryStatus(rep, body)
	case mt == "message/feedback-report":
		rep.Kind = "complaint"
	case mt == "text/rfc822-headers" || mt == "message/rfc822" || mt == "message/global" || mt == "message/global-headers":
		tp := textproto.NewReader(bufio.NewReader(body))
		hdr, err := tp.ReadMIMEHeader()
		if err != nil && len(hdr) == 0 {
			return nil // the quoted original is optional and may be cut short
		}
		if id := strings.Trim(strings.TrimSpace(hdr.Get("Message-Id")), "<>"); id != "" && rep.MessageID == "" {
			rep.MessageID = id
		}
	}
	return nil
}

// decodeTransfer undoes a part's transfer encoding; reports are usually
// 7bit, but some servers base64 or quoted-printable them.
func decodeTransfer(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &skipSpace{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// skipSpace drops line breaks and spaces from base64 text.
type skipSpace struct{ r io.Reader }

func (s *skipSpace) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// readDeliveryStatus reads the per-message fields, then one block of
// fields per recipient (RFC 3464 section 2.1).
func readDeliveryStatus(rep *Report, body io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(body, MaxReportBytes))
	if err != nil {
		return fmt.Errorf("reading the delivery status: %w", err)
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	blocks := bytes.Split(bytes.TrimSpace(data), []byte("\n\n"))
	for i, blk := range blocks {
		tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(bytes.TrimSpace(blk), '\n', '\n'))))
		h, err := tp.ReadMIMEHeader()
		if err != nil && len(h) == 0 {
			continue
		}
		if i == 0 && h.Get("Final-Recipient") == "" {
			rep.EnvelopeID = strings.TrimSpace(h.Get("Original-Envelope-Id"))
			continue
		}
		rs := RecipientStatus{Recipient: addressOf(h.Get("Final-Recipient")), Action: strings.ToLower(strings.TrimSpace(h.Get("Action"))),
			Status: strings.TrimSpace(h.Get("Status")), Diagnostic: strings.Join(strings.Fields(typedValue(h.Get("Diagnostic-Code"))), " ")}
		if rs.Recipient == "" {
			rs.Recipient = addressOf(h.Get("Original-Recipient"))
		}
		rep.Recipients = append(rep.Recipients, rs)
	}
	rep.Kind = kindOf(rep.Recipients)
	return nil
}

// kindOf sums the recipients up: any failure makes it a bounce.
func kindOf(rs []RecipientStatus) string {
	kind := ""
	for _, r := range rs {
		switch {
		case r.Action == "failed" || strings.HasPrefix(r.Status, "5."):
			return "bounce"
		case r.Action == "delayed" || strings.HasPrefix(r.Status, "4."):
			kind = "delay"
		case (r.Action == "delivered" || r.Action == "relayed" || r.Action == "expanded") && kind == "":
			kind = "delivered"
		}
	}
	return kind
}

// typedValue drops the type of an address-type or diagnostic-type field
// ("rfc822; ann@example.org" -> "ann@example.org").
func typedValue(v string) string {
	if _, rest, ok := strings.Cut(v, ";"); ok {
		return strings.TrimSpace(rest)
	}
	return strings.TrimSpace(v)
}

func addressOf(v string) string {
	return strings.ToLower(strings.Trim(typedValue(v), "<> "))
}
