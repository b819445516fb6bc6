package deliver

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrUnauthenticated is returned for a webhook whose signature or
// credentials do not check out: nothing in it is recorded.
var ErrUnauthenticated = errors.New("the webhook's signature or credentials do not match")

// MaxWebhookBytes bounds a webhook body.
const MaxWebhookBytes = 1 << 20

// Webhooks checks and reads the bounce and complaint webhooks of the
// common email providers, from their documented payloads. A provider
// whose secret is not configured is refused.
type Webhooks struct {
	// SESTopics are the SNS topic ARNs accepted (none: SES is off).
	SESTopics []string
	// SendGridKey is the Event Webhook's verification key, base64 DER as
	// SendGrid shows it (empty: SendGrid is off).
	SendGridKey string
	// PostmarkUser and PostmarkPassword are the basic-auth credentials
	// put in the webhook's URL at Postmark (empty: Postmark is off).
	PostmarkUser, PostmarkPassword string
	// MailgunKey is the HTTP webhook signing key (empty: Mailgun is off).
	MailgunKey string
	// FetchCert fetches an SNS signing certificate; the default fetches
	// over HTTPS from Amazon's SNS hosts only.
	FetchCert func(ctx context.Context, url string) ([]byte, error)
	// CertURLAllowed says whether a SigningCertURL may be fetched; the
	// default allows https://sns.<region>.amazonaws.com(.cn)/....pem.
	CertURLAllowed func(u *url.URL) bool
	// MaxAge is how old a signed webhook may be (default 1 hour), so a
	// captured one cannot be replayed later.
	MaxAge time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	certs map[string]*x509.Certificate
}

func (w *Webhooks) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Webhooks) maxAge() time.Duration {
	if w.MaxAge > 0 {
		return w.MaxAge
	}
	return time.Hour
}

func (w *Webhooks) fresh(t time.Time) bool {
	d := w.now().Sub(t)
	return d < w.maxAge() && d > -5*time.Minute
}

// snsEnvelope is an Amazon SNS HTTP(S) message.
type snsEnvelope struct {
	Type             string
	MessageID        string `json:"MessageId"`
	Token            string
	TopicArn         string
	Subject          *string
	Message          string
	SubscribeURL     string
	Timestamp        string
	SignatureVersion string
	Signature        string
	SigningCertURL   string
}

var snsHost = regexp.MustCompile(`^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$`)

// SES reads an Amazon SES bounce, complaint or delivery notification
// delivered by SNS, after checking SNS's signature and the topic. For a
// subscription confirmation it returns the URL to visit to confirm, and
// no events.
func (w *Webhooks) SES(ctx context.Context, body []byte) (events []Event, subscribeURL string, err error) {
	if len(w.SESTopics) == 0 {
		return nil, "", ErrUnauthenticated
	}
	var env snsEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, "", fmt.Errorf("not an SNS message: %w", err)
	}
	if !contains(w.SESTopics, env.TopicArn) {
		return nil, "", ErrUnauthenticated
	}
	if err := w.verifySNS(ctx, &env); err != nil {
		return nil, "", err
	}
	switch env.Type {
	case "SubscriptionConfirmation":
		return nil, env.SubscribeURL, nil
	case "UnsubscribeConfirmation":
		return nil, "", nil
	case "Notification":
	default:
		return nil, "", fmt.Errorf("unknown SNS message type %q", env.Type)
	}
	evs, err := sesEvents([]byte(env.Message))
	return evs, "", err
}

func (w *Webhooks) verifySNS(ctx context.Context, env *snsEnvelope) error {
	ts, err := time.Parse(time.RFC3339, env.Timestamp)
	if err != nil || !w.fresh(ts) {
		return ErrUnauthenticated
	}
	u, err := url.Parse(env.SigningCertURL)
	allowed := w.CertURLAllowed
	if allowed == nil {
		allowed = func(u *url.URL) bool {
			return u.Scheme == "https" && snsHost.MatchString(u.Hostname()) && strings.HasSuffix(u.Path, ".pem")
		}
	}
	if err != nil || !allowed(u) {
		return ErrUnauthenticated
	}
	cert, err := w.cert(ctx, u.String())
	if err != nil {
		return fmt.Errorf("the SNS signing certificate could not be fetched: %w", err)
	}
	var b strings.Builder
	field := func(k, v string) { b.WriteString(k + "\n" + v + "\n") }
	field("Message", env.Message)
	field("MessageId", env.MessageID)
	if env.Type == "Notification" {
		if env.Subject != nil {
			field("Subject", *env.Subject)
		}
	} else {
		field("SubscribeURL", env.SubscribeURL)
	}
	field("Timestamp", env.Timestamp)
	if env.Type != "Notification" {
		field("Token", env.Token)
	}
	field("TopicArn", env.TopicArn)
	field("Type", env.Type)
	sig, err := base64.StdEncoding.DecodeString(env.Signature)
	if err != nil {
		return ErrUnauthenticated
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return ErrUnauthenticated
	}
	var h crypto.Hash
	var digest []byte
	switch env.SignatureVersion {
	case "1":
		sum := sha1.Sum([]byte(b.String()))
		h, digest = crypto.SHA1, sum[:]
	case "2":
		sum := sha256.Sum256([]byte(b.String()))
		h, digest = crypto.SHA256, sum[:]
	default:
		return ErrUnauthenticated
	}
	if rsa.VerifyPKCS1v15(pub, h, digest, sig) != nil {
		return ErrUnauthenticated
	}
	return nil
}

func (w *Webhooks) cert(ctx context.Context, u string) (*x509.Certificate, error) {
	w.mu.Lock()
	c, ok := w.certs[u]
	w.mu.Unlock()
	if ok {
		return c, nil
	}
	fetch := w.FetchCert
	if fetch == nil {
		fetch = fetchHTTPS
	}
	raw, err := fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(raw)
	if blk == nil {
		return nil, errors.New("not a PEM certificate")
	}
	c, err = x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, err
	}
	if w.now().After(c.NotAfter) {
		return nil, errors.New("the certificate has expired")
	}
	w.mu.Lock()
	if w.certs == nil {
		w.certs = map[string]*x509.Certificate{}
	}
	w.certs[u] = c
	w.mu.Unlock()
	return c, nil
}

func fetchHTTPS(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", u, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<10))
}

// sesMessage is the part of an SES notification (or event) we read.
type sesMessage struct {
	NotificationType string `json:"notificationType"`
	EventType        string `json:"eventType"`
	Bounce           *struct {
		BounceType        string `json:"bounceType"`
		BounceSubType     string `json:"bounceSubType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			Status         string `json:"status"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
	} `json:"bounce"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string `json:"complaintFeedbackType"`
	} `json:"complaint"`
	Delivery *struct {
		Recipients   []string `json:"recipients"`
		SMTPResponse string   `json:"smtpResponse"`
	} `json:"delivery"`
	Mail struct {
		MessageID     string `json:"messageId"`
		CommonHeaders struct {
			MessageID string `json:"messageId"`
		} `json:"commonHeaders"`
		Headers []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
	} `json:"mail"`
}

func sesEvents(raw []byte) ([]Event, error) {
	var m sesMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not an SES notification: %w", err)
	}
	base := Event{ProviderID: m.Mail.MessageID, MessageID: strings.Trim(m.Mail.CommonHeaders.MessageID, "<> "), Source: "ses"}
	for _, h := range m.Mail.Headers {
		if strings.EqualFold(h.Name, "Message-ID") && base.MessageID == "" {
			base.MessageID = strings.Trim(h.Value, "<> ")
		}
	}
	kind := m.NotificationType
	if kind == "" {
		kind = m.EventType
	}
	var out []Event
	switch kind {
	case "Bounce":
		if m.Bounce == nil {
			return nil, errors.New("an SES bounce without its details")
		}
		for _, r := range m.Bounce.BouncedRecipients {
			e := base
			e.Recipient, e.Status = strings.ToLower(r.EmailAddress), Bounced
			e.Reason = strings.TrimSpace(fmt.Sprintf("%s bounce (%s) %s %s", strings.ToLower(m.Bounce.BounceType), m.Bounce.BounceSubType, r.Status, r.DiagnosticCode))
			out = append(out, e)
		}
	case "Complaint":
		if m.Complaint == nil {
			return nil, errors.New("an SES complaint without its details")
		}
		for _, r := range m.Complaint.ComplainedRecipients {
			e := base
			e.Recipient, e.Status, e.Complaint = strings.ToLower(r.EmailAddress), Delivered, true
			e.Reason = "the person reported the message as unwanted (" + orDefault(m.Complaint.ComplaintFeedbackType, "no type given") + ")"
			out = append(out, e)
		}
	case "Delivery":
		if m.Delivery == nil {
			return nil, errors.New("an SES delivery without its details")
		}
		for _, r := range m.Delivery.Recipients {
			e := base
			e.Recipient, e.Status, e.Reason = strings.ToLower(r), Delivered, m.Delivery.SMTPResponse
			out = append(out, e)
		}
	default:
		return nil, nil // sends, opens and the like are not delivery outcomes
	}
	return out, nil
}

// SendGrid reads a SendGrid Event Webhook post after checking its
// signature (ECDSA P-256 over the timestamp and the body).
func (w *Webhooks) SendGrid(body []byte, signature, timestamp string) ([]Event, error) {
	if w.SendGridKey == "" {
		return nil, ErrUnauthenticated
	}
	der, err := base64.StdEncoding.DecodeString(w.SendGridKey)
	if err != nil {
		return nil, fmt.Errorf("the SendGrid verification key is not base64: %w", err)
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("the SendGrid verification key: %w", err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("the SendGrid verification key is not an ECDSA key")
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return nil, ErrUnauthenticated
	}
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || !w.fresh(time.Unix(sec, 0)) {
		return nil, ErrUnauthenticated
	}
	sum := sha256.Sum256(append([]byte(timestamp), body...))
	if !ecdsa.VerifyASN1(pub, sum[:], sig) {
		return nil, ErrUnauthenticated
	}
	var evs []struct {
		Email  string `json:"email"`
		Event  string `json:"event"`
		Type   string `json:"type"`
		Reason string `json:"reason"`
		Status string `json:"status"`
		SMTPID string `json:"smtp-id"`
		SGID   string `json:"sg_message_id"`
		Entry  string `json:"breachdesk_entry"`
	}
	if err := json.Unmarshal(body, &evs); err != nil {
		return nil, fmt.Errorf("not a SendGrid event list: %w", err)
	}
	var out []Event
	for _, e := range evs {
		ev := Event{Recipient: strings.ToLower(e.Email), MessageID: strings.Trim(e.SMTPID, "<> "), ProviderID: e.SGID, Source: "sendgrid",
			Reason: strings.TrimSpace(e.Status + " " + e.Reason)}
		ev.EntryID = entryOf(e.Entry)
		switch e.Event {
		case "bounce", "dropped":
			ev.Status = Bounced
		case "deferred":
			ev.Status = Queued
		case "delivered":
			ev.Status = Delivered
		case "spamreport":
			ev.Status, ev.Complaint, ev.Reason = Delivered, true, "the person reported the message as spam"
		default:
			continue
		}
		out = append(out, ev)
	}
	return out, nil
}

// Postmark reads a Postmark bounce, spam complaint or delivery webhook
// after checking the basic-auth credentials it was sent with.
func (w *Webhooks) Postmark(body []byte, user, password string) ([]Event, error) {
	if w.PostmarkUser == "" || w.PostmarkPassword == "" {
		return nil, ErrUnauthenticated
	}
	okUser := subtle.ConstantTimeCompare([]byte(user), []byte(w.PostmarkUser))
	okPass := subtle.ConstantTimeCompare([]byte(password), []byte(w.PostmarkPassword))
	if okUser&okPass != 1 {
		return nil, ErrUnauthenticated
	}
	var p struct {
		RecordType  string
		Type        string
		MessageID   string
		Email       string
		Recipient   string
		Description string
		Details     string
		Metadata    map[string]string
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("not a Postmark webhook: %w", err)
	}
	ev := Event{ProviderID: p.MessageID, Recipient: strings.ToLower(orDefault(p.Email, p.Recipient)), Source: "postmark",
		Reason: strings.TrimSpace(p.Type + ": " + p.Description + " " + p.Details)}
	ev.EntryID = entryOf(p.Metadata["breachdesk_entry"])
	switch p.RecordType {
	case "Bounce":
		switch p.Type {
		case "Transient", "AutoResponder", "Subscribe", "Unsubscribe", "AddressChange", "OpenRelayTest", "ChallengeVerification":
			return nil, nil // not a failure to deliver
		}
		ev.Status = Bounced
	case "SpamComplaint":
		ev.Status, ev.Complaint, ev.Reason = Delivered, true, "the person reported the message as spam"
	case "Delivery":
		ev.Status, ev.Reason = Delivered, p.Details
	default:
		return nil, nil
	}
	return []Event{ev}, nil
}

// Mailgun reads a Mailgun webhook after checking its signature (HMAC
// SHA-256 of the timestamp and token under the signing key).
func (w *Webhooks) Mailgun(body []byte) ([]Event, error) {
	if w.MailgunKey == "" {
		return nil, ErrUnauthenticated
	}
	var p struct {
		Signature struct {
			Timestamp string `json:"timestamp"`
			Token     string `json:"token"`
			Signature string `json:"signature"`
		} `json:"signature"`
		Data struct {
			Event     string `json:"event"`
			Severity  string `json:"severity"`
			Recipient string `json:"recipient"`
			Reason    string `json:"reason"`
			ID        string `json:"id"`
			Message   struct {
				Headers map[string]string `json:"headers"`
			} `json:"message"`
			Status struct {
				Code        int    `json:"code"`
				Message     string `json:"message"`
				Description string `json:"description"`
			} `json:"delivery-status"`
			UserVariables map[string]string `json:"user-variables"`
		} `json:"event-data"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("not a Mailgun webhook: %w", err)
	}
	mac := hmac.New(sha256.New, []byte(w.MailgunKey))
	mac.Write([]byte(p.Signature.Timestamp + p.Signature.Token))
	want := hex.EncodeToString(mac.Sum(nil))
	sec, err := strconv.ParseInt(p.Signature.Timestamp, 10, 64)
	if err != nil || !w.fresh(time.Unix(sec, 0)) || !hmac.Equal([]byte(want), []byte(p.Signature.Signature)) {
		return nil, ErrUnauthenticated
	}
	d := p.Data
	ev := Event{Recipient: strings.ToLower(d.Recipient), MessageID: strings.Trim(d.Message.Headers["message-id"], "<> "), ProviderID: d.ID, Source: "mailgun",
		Reason: strings.TrimSpace(fmt.Sprintf("%s %s %s", strconv.Itoa(d.Status.Code), d.Status.Message, d.Status.Description))}
	ev.EntryID = entryOf(d.UserVariables["breachdesk_entry"])
	switch d.Event {
	case "failed", "rejected":
		ev.Status = Bounced
		if d.Severity == "temporary" {
			ev.Status = Queued
		}
	case "delivered":
		ev.Status = Delivered
	case "complained":
		ev.Status, ev.Complaint, ev.Reason = Delivered, true, "the person reported the message as spam"
	default:
		return nil, nil
	}
	return []Event{ev}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// entryOf reads the outbox entry a provider echoes back from the custom
// variable we set; 0 (look the message up otherwise) when it is absent
// or not a number.
func entryOf(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}
