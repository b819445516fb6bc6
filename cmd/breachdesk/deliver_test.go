package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// sink is a real SMTP server on loopback that keeps what it accepts and
// refuses recipients whose address holds "perm".
type sink struct {
	mu   sync.Mutex
	msgs []sinkMsg
}

type sinkMsg struct{ from, to, data string }

func (s *sink) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct {
	s        *sink
	from, to string
}

func (ss *sinkSession) Reset()        {}
func (ss *sinkSession) Logout() error { return nil }
func (ss *sinkSession) Mail(from string, _ *gosmtp.MailOptions) error {
	ss.from = from
	return nil
}
func (ss *sinkSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if strings.Contains(to, "perm") {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
	}
	ss.to = to
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, sinkMsg{ss.from, ss.to, string(b)})
	ss.s.mu.Unlock()
	return err
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestNoticesAreDeliveredTrackedAndBounced: people imported from a list
// are told by email or letter through a real SMTP server; a refusal
// fails one message with the server's words; a printed run marks the
// letter; a DSN delivered to the bounce listener marks the email bounced.
func TestNoticesAreDeliveredTrackedAndBounced(t *testing.T) {
	data := t.TempDir()
	if code, _, errs := runCLI(t, "", "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	csv := filepath.Join(data, "people.csv")
	if err := os.WriteFile(csv, []byte("name,email,address,city,postcode,country\n"+
		"Aroha Ngata,aroha@example.co.nz,,,,NZ\n"+
		"Ben Gone,ben.perm@example.co.nz,,,,NZ\n"+
		"Chloe Post,,12 Queen Street,Auckland,1010,NZ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, "", "people", "import", "INC-0004", csv, "--data", data); code != 0 || !strings.Contains(out, "3 people") {
		t.Fatalf("people import: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", "deliver", "start", "INC-0004", "--data", data, "--channels", "email,letter"); code == 0 || !strings.Contains(errs, "practicable") {
		t.Fatalf("a campaign without its reason: %d %s", code, errs)
	}
	code, out, errs := runCLI(t, "", "deliver", "start", "INC-0004", "--data", data, "--channels", "email,letter",
		"--practicable", "We hold every client's email or postal address.", "--override", "Reviewed by the privacy officer.")
	if code != 0 || !strings.Contains(out, "Campaign 1") {
		t.Fatalf("deliver start: %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "", "deliver", "start", "INC-0004", "--data", data, "--practicable", "x", "--override", "y"); code == 0 || !strings.Contains(errs, "still") {
		t.Fatalf("a second campaign while one runs: %d %s", code, errs)
	}

	box := &sink{}
	srv := gosmtp.NewServer(box)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	bounce := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var serveOut, serveErr strings.Builder
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--smtp-addr", ln.Addr().String(), "--smtp-tls", "none",
			"--notice-from", "Demo Organisation <privacy@demo.breachdesk.test>", "--bounce-addr", bounce, "--bounce-mailbox", "bounces@notices.demo.breachdesk.test"},
			strings.NewReader(""), &serveOut, &serveErr)
	}()
	stopped := false
	stop := func() {
		if !stopped {
			cancel()
			<-done
			stopped = true
		}
	}
	defer stop()

	status := func() string {
		_, out, _ := runCLI(t, "", "deliver", "status", "INC-0004", "--data", data)
		return out
	}
	deadline := time.Now().Add(30 * time.Second)
	// The notice to the person; staff get their own emails meanwhile (the
	// demo's overdue deadlines are reminded as serve starts).
	notice := func() (sinkMsg, bool) {
		box.mu.Lock()
		defer box.mu.Unlock()
		for _, m := range box.msgs {
			if m.to == "aroha@example.co.nz" {
				return m, true
			}
		}
		return sinkMsg{}, false
	}
	for {
		if _, ok := notice(); ok && strings.Contains(status(), "1 by email") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the email was not sent: %s\n%s", status(), serveErr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	msg, _ := notice()
	parsed, err := mail.ReadMessage(strings.NewReader(msg.data))
	if err != nil {
		t.Fatal(err)
	}
	if msg.to != "aroha@example.co.nz" || !strings.HasPrefix(msg.from, "bounces+") || !strings.HasPrefix(parsed.Header.Get("Message-Id"), "<notice.") {
		t.Fatalf("message: from %q to %q\n%.600s", msg.from, msg.to, msg.data)
	}
	if !strings.Contains(strings.ReplaceAll(msg.data, "=\r\n", ""), "Your reference is") {
		t.Error("the notice does not carry the person's reference")
	}

	// The letter waits for a print run.
	if code, out, errs := runCLI(t, "", "deliver", "print", "INC-0004", "1", "--data", data); code != 0 || !strings.Contains(out, "1 letters") {
		t.Fatalf("print: %d %s %s", code, out, errs)
	}
	// A DSN for the sent email, to its return path at the listener.
	dsn, err := os.ReadFile("../../internal/deliver/testdata/dsn/postfix-remote-550.eml")
	if err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(bounce, nil, "", []string{msg.from}, dsn); err != nil {
		t.Fatalf("delivering the bounce: %v", err)
	}
	deadline = time.Now().Add(30 * time.Second)
	for !strings.Contains(status(), "done") {
		if time.Now().After(deadline) {
			t.Fatalf("the campaign did not finish: %s", status())
		}
		time.Sleep(200 * time.Millisecond)
	}
	st := status()
	// 3 messages: one bounced, one failed (550), one letter printed.
	fields := strings.Fields(strings.Split(st, "\n")[1])
	if got := strings.Join(fields[:8], " "); got != "1 1 done 3 0 1 2 0" {
		t.Errorf("status %q, want campaign 1 stage 1 done 3 messages, 0 pending, 1 told, 2 undelivered, 0 unreachable:\n%s", got, st)
	}
	stop()
	if code, out, _ := runCLI(t, "", "audit", "verify", "--data", data); code != 0 {
		t.Errorf("audit: %s", out)
	}
	if strings.Contains(serveErr.String(), "aroha") {
		t.Error("the server's log names an affected person")
	}
	fmt.Fprint(io.Discard, serveOut.String())
}
