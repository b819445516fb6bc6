package deliver

import (
	"context"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strings"
	"testing"
)

func testMessage(to string) Message {
	return Message{
		MessageID:  MessageID([]byte("k"), 7, 42, 1, "notices.northwind.example"),
		From:       mail.Address{Name: "Northwind Health", Address: "notices@northwind.example"},
		ReplyTo:    &mail.Address{Name: "Privacy Officer", Address: "privacy@northwind.example"},
		To:         mail.Address{Name: "Ann Citizen", Address: to},
		ReturnPath: "bounces+abc@notices.northwind.example",
		Subject:    "Your information was involved in a privacy breach",
		Text:       "Dear Ann,\n\nWhat happened: a spreadsheet with your details was emailed to the wrong person.\n",
		HTML:       []byte("<!doctype html><html><body><p>Dear Ann,</p><p>What happened: a spreadsheet with your details was emailed to the wrong person.</p></body></html>"),
	}
}

// TestMailerSendsTheNoticeAsTextAndHTML: a real SMTP server receives one
// message per person with the deterministic Message-ID, the VERP return
// path, the reply-to and both parts; nothing tracks the reader.
func TestMailerSendsTheNoticeAsTextAndHTML(t *testing.T) {
	srv := startTestSMTP(t, false)
	m, err := NewMailer(SMTPConfig{Addr: srv.addr, TLS: "none", Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	msg := testMessage("ann.citizen@example.co.nz")
	if o := m.Send(context.Background(), msg); o.Status != Sent {
		t.Fatalf("send: %+v", o)
	}
	// The same (incident, person, version) gets the same id; another does not.
	if msg.MessageID != MessageID([]byte("k"), 7, 42, 1, "notices.northwind.example") || msg.MessageID == MessageID([]byte("k"), 7, 42, 2, "notices.northwind.example") {
		t.Fatal("Message-ID is not deterministic per notice version")
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("%d messages received", len(got))
	}
	r := got[0]
	if r.From != msg.ReturnPath || len(r.To) != 1 || r.To[0] != "ann.citizen@example.co.nz" {
		t.Errorf("envelope: from %q to %q", r.From, r.To)
	}
	parsed, err := mail.ReadMessage(strings.NewReader(r.Data))
	if err != nil {
		t.Fatal(err)
	}
	h := parsed.Header
	if h.Get("Message-Id") != "<"+msg.MessageID+">" || !strings.Contains(h.Get("Reply-To"), "privacy@northwind.example") || h.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("headers: %v", h)
	}
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("content type %q: %v", h.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(parsed.Body, params["boundary"])
	var types []string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		types = append(types, strings.Split(p.Header.Get("Content-Type"), ";")[0])
	}
	if strings.Join(types, ",") != "text/plain,text/html" {
		t.Errorf("parts %v, want text then HTML", types)
	}
	if strings.Contains(r.Data, "<img") {
		t.Error("the message holds an image (a tracking pixel?)")
	}
}

// TestMailerSortsRefusals: 4xx is tried again later, 5xx fails with the
// server's words, a server that is down leaves the message queued.
func TestMailerSortsRefusals(t *testing.T) {
	srv := startTestSMTP(t, false)
	m, err := NewMailer(SMTPConfig{Addr: srv.addr, TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if o := m.Send(context.Background(), testMessage("busy.temp@example.org")); o.Status != Queued || !strings.Contains(o.Detail, "451") {
		t.Errorf("4xx: %+v", o)
	}
	if o := m.Send(context.Background(), testMessage("gone.perm@example.org")); o.Status != Failed || !strings.Contains(o.Detail, "No such user here") {
		t.Errorf("5xx: %+v", o)
	}
	// The connection survives refusals: the next message goes through.
	if o := m.Send(context.Background(), testMessage("ann@example.org")); o.Status != Sent {
		t.Errorf("after refusals: %+v", o)
	}
	if o := m.Send(context.Background(), testMessage("not an address")); o.Status != Failed {
		t.Errorf("bad address: %+v", o)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	d, err := NewMailer(SMTPConfig{Addr: down, TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	if o := d.Send(context.Background(), testMessage("ann@example.org")); o.Status != Queued || o.Retry() != true {
		t.Errorf("server down: %+v", o)
	}
}

// TestMailerUsesSTARTTLSAndAUTH: a submission server that requires TLS
// and a password gets both; a wrong password is not "sent".
func TestMailerUsesSTARTTLSAndAUTH(t *testing.T) {
	srv := startTestSMTP(t, true)
	m, err := NewMailer(SMTPConfig{Addr: srv.addr, Username: srv.user, Password: srv.password, TLSConfig: srv.tlsCfg})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if o := m.Send(context.Background(), testMessage("ann@example.org")); o.Status != Sent {
		t.Fatalf("with TLS and AUTH: %+v", o)
	}
	wrong, err := NewMailer(SMTPConfig{Addr: srv.addr, Username: srv.user, Password: "wrong", TLSConfig: srv.tlsCfg})
	if err != nil {
		t.Fatal(err)
	}
	if o := wrong.Send(context.Background(), testMessage("ann@example.org")); o.Status == Sent {
		t.Fatalf("a wrong password sent the message: %+v", o)
	}
	if len(srv.messages()) != 1 {
		t.Errorf("%d messages received, want 1", len(srv.messages()))
	}
	if _, err := NewMailer(SMTPConfig{Addr: "smtp.example.org"}); err == nil {
		t.Error("an address without a port was accepted")
	}
	if _, err := NewMailer(SMTPConfig{Addr: "smtp.example.org:587", TLS: "maybe"}); err == nil {
		t.Error("an unknown TLS mode was accepted")
	}
}
