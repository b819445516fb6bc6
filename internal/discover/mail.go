package discover

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"path"
	"strings"
	"sync"
)

// mail scans one email: its subject, the people in its address headers
// (Bcc too: a sent message keeps it), its text bodies, and its
// attachments as files of their own (archive!/attachment.csv).
func (src *source) mail(name string, r io.Reader, depth int) error {
	hr := headerReaders.Get().(*bufio.Reader)
	hr.Reset(&headerGuard{r: r})
	defer func() {
		hr.Reset(nil)
		headerReaders.Put(hr)
	}()
	msg, err := mail.ReadMessage(hr)
	if err != nil {
		if errors.As(err, new(stopError)) {
			return err
		}
		return fmt.Errorf("not a readable email (%v)", err)
	}
	var fields []Field
	// A subject can name someone or carry a number ("IRD 49-091-850 for
	// Aroha"): it is scanned as a line of text, its encoded words decoded.
	if subject := msg.Header.Get("Subject"); subject != "" {
		if dec, err := new(mime.WordDecoder).DecodeHeader(subject); err == nil {
			subject = dec
		}
		src.rec = Record{Path: name, Fields: []Field{{Value: []byte(subject)}}}
		src.record(&src.rec)
	}
	// From comes last, so that the body can go on its record.
	var from []*mail.Address
	for _, h := range []string{"To", "Cc", "Bcc", "Reply-To", "From"} {
		list, _ := msg.Header.AddressList(h)
		if h == "From" {
			from = list
		}
		for _, a := range list {
			if a.Name != "" {
				fields = append(fields, Field{Name: h + ".name", Hint: PersonName, Classified: true, Value: []byte(a.Name)})
			}
			fields = append(fields, Field{Name: h, Hint: Email, Classified: true, Value: []byte(a.Address)})
			src.rec = Record{Path: name, Fields: fields}
			src.record(&src.rec)
			fields = fields[:0]
		}
	}
	// A customer who writes in with their details: the details in the
	// body are the sender's. Not so in a reply or a forward (which speak
	// of someone else), nor from a shared or automatic address (support@,
	// noreply@), which writes about many people.
	src.bodyOfSender = len(from) == 1 && !roleAddress(from[0].Address) && !replySubject(msg.Header.Get("Subject"))
	defer func() { src.bodyOfSender = false }()
	return src.part(name, msg.Header, msg.Body, depth, 0)
}

// headerReaders are the buffers emails are read through (the header, then
// the body), reused from message to message of a mailbox.
var headerReaders = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// roleAddress says whether an email address is a shared or automatic
// one rather than a person's.
func roleAddress(a string) bool {
	local, _, _ := strings.Cut(strings.ToLower(a), "@")
	local = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' {
			return -1
		}
		return r
	}, local)
	for _, r := range []string{"support", "noreply", "donotreply", "info", "admin", "helpdesk", "service", "sales", "billing",
		"accounts", "hello", "contact", "enquiries", "inquiries", "team", "office", "reception", "privacy", "hr", "payroll",
		"notifications", "alerts", "mailerdaemon", "postmaster", "customerservice", "care", "feedback", "bounce"} {
		if strings.HasPrefix(local, r) {
			return true
		}
	}
	return false
}

// replySubject says whether a subject is a reply's or a forward's.
func replySubject(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"re:", "re ", "fw:", "fwd:", "aw:", "tr:", "sv:", "antw:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// header is what part needs of a message's or a part's header.
type header interface{ Get(string) string }

// part scans one MIME part: text is scanned line by line, multiparts part
// by part, anything with a file name as a file.
func (src *source) part(name string, h header, body io.Reader, depth, level int) error {
	if level > 10 {
		return unsupported("MIME parts nested deeper than 10 levels")
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &stripNewlines{r: body})
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		ct = "text/plain"
	}
	_, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	file := dparams["filename"]
	if file == "" {
		file = params["name"]
	}
	switch {
	case strings.HasPrefix(ct, "multipart/"):
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("broken MIME structure (%v)", err)
			}
			if err := src.part(name, p.Header, p, depth, level+1); err != nil {
				return err
			}
		}
	case file != "":
		if depth >= maxDepth {
			src.s.skip(member(name, path.Base(file)), "attachments nested too deep")
			return nil
		}
		src.file(member(name, path.Base(file)), &limitedMember{r: body, n: maxMember}, -1, depth+1, nil)
		return nil
	case strings.HasPrefix(ct, "text/"):
		br := textReader(body)
		defer releaseReader(br, body)
		if src.bodyOfSender && (ct == "text/plain" || ct == "text/html") {
			// The first text part goes on the sender's record, but for
			// quoted lines (another message).
			src.bodyOfSender = false
			_, err := src.textFrom(name, br, quotedApart, 0, -1, true)
			return err
		}
		return src.text(name, br)
	}
	return nil
}

// headerGuard fails a read when an email's header passes maxLine bytes
// before the blank line that ends it: net/mail holds the whole header in
// memory. 16 MiB is far more than a real header, even one that lists
// thousands of recipients.
type headerGuard struct {
	r    io.Reader
	n    int
	nl   int // line breaks in a row, ignoring \r
	body bool
}

func (g *headerGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if g.body {
			break
		}
		switch c {
		case '\n':
			g.nl++
			g.body = g.nl == 2
		case '\r':
		default:
			g.nl = 0
		}
		if g.n++; g.n > maxLine {
			return 0, errTooLong
		}
	}
	return n, err
}

// stripNewlines drops line breaks from base64 bodies.
type stripNewlines struct{ r io.Reader }

func (s *stripNewlines) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	j := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}

// mbox splits a mailbox on its "From " lines and scans each message.
func (src *source) mbox(name string, r io.Reader, depth int) error {
	guard := &runGuard{r: r, kind: lineRuns}
	br := textReader(guard)
	defer releaseReader(br, guard)
	var msg bytes.Buffer
	n := 0
	flush := func() {
		if msg.Len() == 0 {
			return
		}
		n++
		if err := src.mail(fmt.Sprintf("%s!/message-%d", name, n), bytes.NewReader(msg.Bytes()), depth+1); err != nil {
			src.s.skip(fmt.Sprintf("%s!/message-%d", name, n), err.Error())
		}
		msg.Reset()
	}
	start, from := true, false // at a line's start; in a "From " line
	for {
		line, err := br.ReadSlice('\n') // a line longer than the buffer comes in parts
		if start {
			if from = bytes.HasPrefix(line, []byte("From ")); from {
				flush()
			}
		}
		if !from && msg.Len() < maxInMemory {
			msg.Write(line)
		}
		start = err != bufio.ErrBufferFull
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			flush()
			return nil
		}
		if err != nil {
			return err
		}
	}
}
