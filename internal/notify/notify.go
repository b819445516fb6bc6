// Package notify tells people about incidents: always inside breachdesk,
// and by email when an SMTP server is configured. It never puts the
// details of a breach into an email, only the reference and a link, since
// mail crosses systems the organisation does not control.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// Message is one in-app notification.
type Message struct {
	ID         int64
	IncidentID int64
	Text       string
	CreatedAt  time.Time
	ReadAt     *time.Time
}

// Store keeps in-app notifications.
type Store interface {
	Notify(ctx context.Context, userIDs []int64, incidentID int64, text string) error
	Notifications(ctx context.Context, userID int64) ([]Message, error)
	UnreadCount(ctx context.Context, userID int64) (int, error)
	MarkRead(ctx context.Context, userID int64) error
}

// Recipient is a person to notify.
type Recipient struct {
	UserID int64
	Email  string
}

// SMTP is an outgoing mail server. An empty Addr means email is off.
type SMTP struct {
	Addr     string // host:port
	From     string
	Username string
	Password string
}

// Notifier sends notifications through every configured channel.
type Notifier struct {
	Store   Store
	SMTP    SMTP
	BaseURL string // e.g. http://127.0.0.1:8080, for links in emails
	Log     *slog.Logger
}

// Send notifies each recipient about an incident. The in-app message is
// the record; a failed email is logged and does not fail the change that
// caused it.
func (n *Notifier) Send(ctx context.Context, to []Recipient, incidentID int64, ref, text string) error {
	ids := make([]int64, len(to))
	for i, r := range to {
		ids[i] = r.UserID
	}
	if err := n.Store.Notify(ctx, ids, incidentID, text); err != nil {
		return err
	}
	n.Email(to, incidentID, ref, text)
	return nil
}

// Email sends the email copies of a notification whose in-app messages
// are already recorded (by Send, or by a job in the transaction of its
// effects). A failed email is logged.
func (n *Notifier) Email(to []Recipient, incidentID int64, ref, text string) {
	if n.SMTP.Addr == "" {
		return
	}
	for _, r := range to {
		if err := n.email(r.Email, ref, text, incidentID); err != nil && n.Log != nil {
			n.Log.Warn("notification email not sent", "incident", incidentID, "error", err)
		}
	}
}

func (n *Notifier) email(to, ref, text string, incidentID int64) error {
	if strings.ContainsAny(to, "\r\n") {
		return fmt.Errorf("invalid recipient address")
	}
	subject := "[breachdesk] " + ref + ": " + text
	if len(subject) > 150 {
		subject = subject[:150]
	}
	body := fmt.Sprintf("%s\r\n\r\nOpen the incident: %s/incidents/%d\r\n\r\nDetails are kept in breachdesk and are not sent by email.\r\n", text, n.BaseURL, incidentID)
	msg := "From: " + n.SMTP.From + "\r\nTo: " + to + "\r\nSubject: " + strings.NewReplacer("\r", " ", "\n", " ").Replace(subject) +
		"\r\nDate: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
	var a smtp.Auth
	if n.SMTP.Username != "" {
		host, _, _ := net.SplitHostPort(n.SMTP.Addr)
		a = smtp.PlainAuth("", n.SMTP.Username, n.SMTP.Password, host)
	}
	return smtp.SendMail(n.SMTP.Addr, a, n.SMTP.From, []string{to}, []byte(msg))
}
