package deliver

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one person's notice as an email.
type Message struct {
	// MessageID is the Message-ID without angle brackets; the same
	// (incident, person, notice version) always gets the same one
	// (MessageID), so a resend after a crash carries the same id.
	MessageID string
	From      mail.Address
	ReplyTo   *mail.Address
	To        mail.Address
	// ReturnPath is the envelope sender bounces go to (a VERP address,
	// see Bounces.ReturnPath); From's address when empty.
	ReturnPath string
	Subject    string
	Text       string
	HTML       []byte
	Date       time.Time
}

// MessageID makes the deterministic Message-ID of one person's notice:
// a keyed hash of (incident, person, notice version), so it names no one
// and cannot be guessed, at the sending domain.
func MessageID(key []byte, incidentID, personID int64, version int, domain string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "message-id:%d:%d:%d", incidentID, personID, version)
	return "notice." + hex.EncodeToString(m.Sum(nil)[:16]) + "@" + domain
}

// Compose builds the MIME message: multipart/alternative with the text
// and the HTML notice, no tracking pixel and no rewritten link (the
// notice is about a privacy breach).
func (m Message) Compose() (*gomail.Msg, error) {
	if err := CheckEmail(m.To.Address); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := CheckEmail(m.From.Address); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	msg.FromMailAddress(&m.From)
	msg.ToMailAddress(&m.To)
	if m.ReplyTo != nil {
		msg.ReplyToMailAddress(m.ReplyTo)
	}
	if m.ReturnPath != "" {
		if err := msg.EnvelopeFrom(m.ReturnPath); err != nil {
			return nil, fmt.Errorf("return path: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	// RFC 3834: an automatic message; replies go to Reply-To, and
	// vacation responders should stay quiet.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if len(m.HTML) > 0 {
		msg.AddAlternativeString(gomail.TypeTextHTML, string(m.HTML))
	}
	return msg, nil
}

// SMTPConfig is the submission server notices go out through.
type SMTPConfig struct {
	Addr     string // host:port
	Username string // empty: no AUTH
	Password string
	// TLS is "starttls" (required, the default), "opportunistic" (when
	// offered), "tls" (implicit TLS, port 465) or "none" (loopback tests).
	TLS string
	// HELO is the name breachdesk gives itself (default: localhost).
	HELO string
	// Concurrency is the number of connections used at once (default 4).
	Concurrency int
	// PerSecond limits messages per second across the connections (0: no
	// limit); PerHour caps any rolling hour, for providers' quotas.
	PerSecond float64
	PerHour   int
	Timeout   time.Duration // per SMTP command (default 30 s)
	// TLSConfig overrides the TLS settings (e.g. a private CA's roots);
	// nil uses the system's roots and the server's host name.
	TLSConfig *tls.Config
}

// Mailer sends messages over a pool of SMTP connections within the
// configured rate. It is safe for concurrent use; at most Concurrency
// messages are handed over at once.
type Mailer struct {
	cfg      SMTPConfig
	host     string
	port     int
	throttle *Throttle
	mu       sync.Mutex
	idle     []*gomail.Client
	dial     func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewMailer checks the configuration and returns a mailer. It does not
// connect until the first message.
func NewMailer(cfg SMTPConfig) (*Mailer, error) {
	host, portText, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("SMTP server %q: give host:port (%v)", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("SMTP server %q: the port is not a number", cfg.Addr)
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = "starttls"
	case "starttls", "opportunistic", "tls", "none":
	default:
		return nil, fmt.Errorf("SMTP TLS mode %q: use starttls, opportunistic, tls or none", cfg.TLS)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.HELO == "" {
		cfg.HELO = "localhost"
	}
	m := &Mailer{cfg: cfg, host: host, port: port, throttle: NewThrottle(cfg.Concurrency, cfg.PerSecond, cfg.PerHour)}
	d := net.Dialer{Timeout: cfg.Timeout}
	m.dial = d.DialContext
	return m, nil
}

// Concurrency is the number of messages handed over at once.
func (m *Mailer) Concurrency() int { return m.cfg.Concurrency }

func (m *Mailer) client(ctx context.Context) (*gomail.Client, error) {
	m.mu.Lock()
	if n := len(m.idle); n > 0 {
		c := m.idle[n-1]
		m.idle = m.idle[:n-1]
		m.mu.Unlock()
		return c, nil
	}
	m.mu.Unlock()
	opts := []gomail.Option{gomail.WithPort(m.port), gomail.WithTimeout(m.cfg.Timeout), gomail.WithHELO(m.cfg.HELO),
		gomail.WithDialContextFunc(m.dial), gomail.WithoutNoop()}
	switch m.cfg.TLS {
	case "starttls":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
	case "opportunistic":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSOpportunistic))
	case "tls":
		opts = append(opts, gomail.WithSSLPort(false))
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if m.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(m.cfg.TLSConfig))
	}
	if m.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(m.cfg.Username), gomail.WithPassword(m.cfg.Password))
	}
	c, err := gomail.NewClient(m.host, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (m *Mailer) release(c *gomail.Client, healthy bool) {
	if !healthy {
		_ = c.Close() // the connection is broken or in an unknown state; its close error says nothing more
		return
	}
	m.mu.Lock()
	m.idle = append(m.idle, c)
	m.mu.Unlock()
}

// Send hands one message to the server and says what came of it: Sent
// when it was accepted, Failed with the server's words for a permanent
// (5xx) refusal or a message that cannot be composed, Queued for a
// temporary (4xx) refusal, a server that cannot be reached, or a rate
// limit that would outlast ctx.
func (m *Mailer) Send(ctx context.Context, msg Message) Outcome {
	gm, err := msg.Compose()
	if err != nil {
		return Outcome{Status: Failed, Detail: err.Error()}
	}
	done, err := m.throttle.Acquire(ctx)
	if err != nil {
		return Outcome{Status: Queued, Detail: err.Error()}
	}
	defer done()
	c, err := m.client(ctx)
	if err != nil {
		return Outcome{Status: Queued, Detail: "cannot reach the SMTP server: " + err.Error()}
	}
	err = c.Send(gm)
	if err == nil {
		m.release(c, true)
		return Outcome{Status: Sent, Detail: strings.TrimSpace(gm.ServerResponse())}
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		// A refusal of this message leaves the connection usable; a
		// broken connection has no reply code.
		m.release(c, code >= 400)
		switch {
		case code >= 500:
			return Outcome{Status: Failed, Detail: se.Error()}
		case code >= 400 || se.IsTemp():
			return Outcome{Status: Queued, Detail: se.Error()}
		}
		return Outcome{Status: Queued, Detail: "connection lost: " + se.Error()}
	}
	m.release(c, false)
	return Outcome{Status: Queued, Detail: err.Error()}
}

// Close closes the idle connections.
func (m *Mailer) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for _, c := range m.idle {
		errs = append(errs, c.Close())
	}
	m.idle = nil
	return errors.Join(errs...)
}
