package deliver

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"os"
	"strings"
	"sync"
	"testing"
)

type eventLog struct {
	mu     sync.Mutex
	events []Event
	fail   bool
}

func (l *eventLog) handle(_ context.Context, evs []Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail {
		return errors.New("database is locked")
	}
	l.events = append(l.events, evs...)
	return nil
}

func startBounceServer(t *testing.T, l *eventLog) (*Bounces, string) {
	t.Helper()
	b, err := NewBounces([]byte("verp key"), "bounces@localhost.example")
	if err != nil {
		t.Fatal(err)
	}
	s := NewBounceServer(b, l.handle, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	return b, ln.Addr().String()
}

// TestBounceServerMarksTheMessageOfARealDSN: Postfix's bounce, delivered
// over SMTP to the VERP address of outbox entry 4711, becomes a bounce of
// that entry with Postfix's reason.
func TestBounceServerMarksTheMessageOfARealDSN(t *testing.T) {
	l := &eventLog{}
	b, addr := startBounceServer(t, l)
	dsn, err := os.ReadFile("testdata/dsn/postfix-remote-550.eml")
	if err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(addr, nil, "", []string{b.ReturnPath(4711)}, dsn); err != nil {
		t.Fatalf("delivering the DSN: %v", err)
	}
	if len(l.events) != 1 {
		t.Fatalf("events: %+v", l.events)
	}
	e := l.events[0]
	if e.EntryID != 4711 || e.Status != Bounced || e.Recipient != "ann.citizen@reject.example" || !strings.Contains(e.Reason, "5.3.0") || e.Source != "dsn" {
		t.Errorf("event: %+v", e)
	}

	// A delay warning changes nothing but the record's last error.
	delayed, err := os.ReadFile("testdata/dsn/postfix-remote-450-delayed.eml")
	if err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(addr, nil, "", []string{b.ReturnPath(4712)}, delayed); err != nil {
		t.Fatal(err)
	}
	if e := l.events[1]; e.EntryID != 4712 || e.Status != Queued {
		t.Errorf("delay: %+v", e)
	}
}

// TestBounceServerRefusesStrangers: mail for addresses that are not ours
// is refused at RCPT; a forged VERP address too; a bounce we cannot
// record now is refused with 4xx so the sender retries.
func TestBounceServerRefusesStrangers(t *testing.T) {
	l := &eventLog{}
	b, addr := startBounceServer(t, l)
	dsn, err := os.ReadFile("testdata/dsn/postfix-local-unknown-user-hdrs.eml")
	if err != nil {
		t.Fatal(err)
	}
	for _, rcpt := range []string{"ceo@localhost.example", "bounces+aaaaaaaaaaaa@localhost.example", "bounces@elsewhere.example"} {
		err := smtp.SendMail(addr, nil, "", []string{rcpt}, dsn)
		if err == nil || !strings.Contains(err.Error(), "550") {
			t.Errorf("RCPT %s: %v, want 550", rcpt, err)
		}
	}
	l.fail = true
	err = smtp.SendMail(addr, nil, "", []string{b.ReturnPath(9)}, dsn)
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Errorf("store failing: %v, want 451", err)
	}
	l.fail = false
	// Ordinary mail to the plain bounce mailbox is accepted and dropped.
	if err := smtp.SendMail(addr, nil, "ann@example.org", []string{"bounces@localhost.example"}, []byte("Subject: hello\r\n\r\nIs this the right address?\r\n")); err != nil {
		t.Errorf("ordinary mail: %v", err)
	}
	// A complaint to the plain mailbox names the message by its id.
	arf, err := os.ReadFile("testdata/dsn/arf-abuse-report.eml")
	if err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(addr, nil, "abuse@mailbox.example", []string{"bounces@localhost.example"}, arf); err != nil {
		t.Fatal(err)
	}
	if len(l.events) != 1 || !l.events[0].Complaint || l.events[0].MessageID != "notice.5f2c9e1a7b3d48e6a0c1d2e3f4a5b6c7@northwind.example" {
		t.Errorf("complaint: %+v", l.events)
	}
}
