package web

import (
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/breachdesk/breachdesk/internal/auth"
)

// mailbox is a real SMTP server on loopback that keeps what it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }

type mailSession struct{ m *mailbox }

func (s *mailSession) Reset()                               {}
func (s *mailSession) Logout() error                        { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.m.mu.Lock()
	s.m.rcpt = append(s.m.rcpt, to)
	s.m.mu.Unlock()
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.m.mu.Lock()
	s.m.msgs = append(s.m.msgs, string(b))
	s.m.mu.Unlock()
	return err
}

func startSMTP(t *testing.T) (*mailbox, string) {
	m := &mailbox{}
	srv := smtp.NewServer(m)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return m, ln.Addr().String()
}

// TestNewReportEmailsThePrivacyOfficer: the privacy officer is told by
// email and in the app; the email names the incident but not its details.
func TestNewReportEmailsThePrivacyOfficer(t *testing.T) {
	box, addr := startSMTP(t)
	f := newFixture(t).withOrg()
	f.srv.Notifier.SMTP.Addr, f.srv.Notifier.SMTP.From, f.srv.Notifier.BaseURL = addr, "breachdesk@example.org", "https://breachdesk.example.org"
	f.user("po@example.org", auth.PrivacyOfficer, true)
	staff := f.user("staff@example.org", auth.Reporter, false)
	c := f.login(staff.Email)
	resp := c.post("/report", url.Values{"title": {"Payroll file left on the printer"}, "what_happened": {"Found the payroll of Jane Citizen on the shared printer."},
		"discovered_at": {time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")}, "data_categories": {"income"}})
	if resp.StatusCode != 303 {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	var msg string
	for i := 0; i < 100; i++ {
		box.mu.Lock()
		if len(box.msgs) > 0 {
			msg = box.msgs[0]
		}
		box.mu.Unlock()
		if msg != "" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if msg == "" || box.rcpt[0] != "po@example.org" {
		t.Fatalf("no email to the privacy officer: %v", box.rcpt)
	}
	if !strings.Contains(msg, "INC-0001") || !strings.Contains(msg, "https://breachdesk.example.org/incidents/1") {
		t.Fatalf("email lacks the reference or link: %s", msg)
	}
	if strings.Contains(msg, "Jane Citizen") || strings.Contains(msg, "Payroll") {
		t.Fatalf("email carries incident details: %s", msg)
	}
	po := f.login("po@example.org")
	if page := po.get("/notifications"); !strings.Contains(page, "INC-0001") {
		t.Fatal("no in-app notification")
	}
}
