package deliver

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// Event is what came back about one message: a bounce, a complaint, a
// delay or a delivery, from a DSN, a provider's webhook or a gateway's
// delivery report. The outbox finds the message by EntryID when the
// channel carried it (VERP, a callback reference), else by MessageID or
// ProviderID, else by Recipient.
type Event struct {
	EntryID    int64
	MessageID  string
	ProviderID string
	Recipient  string
	// RecipientKey is the keyed hash of Recipient the outbox matches on
	// (set by the application before it hands events to the store).
	RecipientKey []byte
	// Status is what the message becomes: Bounced, Delivered, Failed;
	// Queued for a delay or a temporary failure, which changes nothing
	// but the record's last error.
	Status Status
	// Complaint: the person reported the message as unwanted. It is
	// recorded, but a breach notice is still a notice they were given.
	Complaint bool
	Reason    string
	Source    string // "dsn", "ses", "sendgrid", "postmark", "mailgun", "kannel", "gateway"
}

// EventHandler records events; an error makes the sender try again later.
type EventHandler func(ctx context.Context, events []Event) error

// BounceServer is the inbound SMTP listener for the return paths of
// notices (--bounce-addr): it accepts mail only for the VERP addresses of
// this server and the plain bounce mailbox, reads the delivery status
// notification or complaint in it, and hands the events on.
type BounceServer struct {
	srv     *smtp.Server
	bounces *Bounces
	handle  EventHandler
	log     *slog.Logger
}

// NewBounceServer returns a listener for the bounce domain.
func NewBounceServer(b *Bounces, handle EventHandler, log *slog.Logger) *BounceServer {
	s := &BounceServer{bounces: b, handle: handle, log: log}
	srv := smtp.NewServer(s)
	srv.Domain = b.domain
	srv.MaxMessageBytes = MaxReportBytes
	srv.MaxRecipients = 20
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	s.srv = srv
	return s
}

// Serve accepts connections on ln until Close.
func (s *BounceServer) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the listener.
func (s *BounceServer) Close() error { return s.srv.Close() }

// NewSession is part of smtp.Backend.
func (s *BounceServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &bounceSession{s: s}, nil
}

type bounceSession struct {
	s       *BounceServer
	entries []int64
	plain   bool
}

func (b *bounceSession) Reset()                               { b.entries, b.plain = nil, false }
func (b *bounceSession) Logout() error                        { return nil }
func (b *bounceSession) Mail(string, *smtp.MailOptions) error { return nil }

func (b *bounceSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.EqualFold(to, b.s.bounces.local+"@"+b.s.bounces.domain) {
		b.plain = true
		return nil
	}
	id, err := b.s.bounces.Entry(to)
	if err != nil {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox: this server takes only bounces of its own notices"}
	}
	b.entries = append(b.entries, id)
	return nil
}

func (b *bounceSession) Data(r io.Reader) error {
	rep, err := ParseReport(r)
	if _, drainErr := io.Copy(io.Discard, r); drainErr != nil && err == nil {
		err = drainErr
	}
	if errors.Is(err, ErrNotAReport) {
		// An auto-reply or a human answer to the bounce address: accept
		// it (refusing would send a bounce of a bounce) and keep nothing.
		b.s.log.Info("bounce address: a message without a report was dropped")
		return nil
	}
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "The report could not be read"}
	}
	events := ReportEvents(rep, b.entries)
	if len(events) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.s.handle(ctx, events); err != nil {
		b.s.log.Warn("bounce not recorded; the sender will retry", "error", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	return nil
}

// ReportEvents turns a report into events: one per VERP entry it was
// addressed to (the surest link), else one per recipient it names.
func ReportEvents(rep Report, entries []int64) []Event {
	ev := Event{MessageID: rep.MessageID, Source: "dsn", Complaint: rep.Kind == "complaint"}
	switch rep.Kind {
	case "bounce":
		ev.Status = Bounced
	case "delivered":
		ev.Status = Delivered
	case "delay":
		ev.Status = Queued
	case "complaint":
		ev.Status, ev.Reason = Delivered, "the person reported the message as unwanted"
	default:
		return nil
	}
	reason := func(rs RecipientStatus) string {
		if ev.Complaint {
			return ev.Reason
		}
		return rs.Reason()
	}
	var out []Event
	if len(entries) > 0 {
		for _, id := range entries {
			e := ev
			e.EntryID = id
			for _, rs := range rep.Recipients {
				if e.Reason == "" || rs.Action == "failed" {
					e.Recipient, e.Reason = rs.Recipient, reason(rs)
				}
			}
			out = append(out, e)
		}
		return out
	}
	for _, rs := range rep.Recipients {
		e := ev
		e.Recipient, e.Reason = rs.Recipient, reason(rs)
		out = append(out, e)
	}
	if len(out) == 0 && rep.MessageID != "" {
		out = append(out, ev)
	}
	return out
}
