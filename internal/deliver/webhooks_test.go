package deliver

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

var hookNow = time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)

// snsSigner signs SNS messages as Amazon does, with its own certificate.
type snsSigner struct {
	key     *rsa.PrivateKey
	certPEM []byte
	url     string
}

func newSNSSigner(t *testing.T) *snsSigner {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "sns.ap-southeast-2.amazonaws.com"},
		NotBefore: hookNow.Add(-time.Hour), NotAfter: hookNow.Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &snsSigner{key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		url: "https://sns.ap-southeast-2.amazonaws.com/SimpleNotificationService-0000.pem"}
}

func (s *snsSigner) sign(t *testing.T, env map[string]string) []byte {
	keys := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if env["Type"] != "Notification" {
		keys = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var b strings.Builder
	for _, k := range keys {
		if v, ok := env[k]; ok {
			b.WriteString(k + "\n" + v + "\n")
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	env["SignatureVersion"], env["Signature"], env["SigningCertURL"] = "2", base64.StdEncoding.EncodeToString(sig), s.url
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const topic = "arn:aws:sns:ap-southeast-2:123456789012:breachdesk-bounces"

// sesBounce is an SES bounce notification in the documented shape.
const sesBounce = `{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"Ann.Citizen@example.co.nz","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"}],"timestamp":"2026-11-29T17:59:00.000Z","feedbackId":"0100-abc"},"mail":{"timestamp":"2026-11-29T17:58:00.000Z","source":"notices@northwind.example","messageId":"0100018e-ses-id","destination":["ann.citizen@example.co.nz"],"headersTruncated":false,"headers":[{"name":"Message-ID","value":"<notice.abc@notices.northwind.example>"}],"commonHeaders":{"messageId":"<notice.abc@notices.northwind.example>","subject":"Your information was involved in a privacy breach"}}}`

func TestSESBounceThroughSNS(t *testing.T) {
	s := newSNSSigner(t)
	fetched := 0
	w := &Webhooks{SESTopics: []string{topic}, Now: func() time.Time { return hookNow },
		FetchCert: func(_ context.Context, u string) ([]byte, error) {
			fetched++
			if u != s.url {
				return nil, errors.New("unexpected certificate URL " + u)
			}
			return s.certPEM, nil
		}}
	env := map[string]string{"Type": "Notification", "MessageId": "sns-1", "TopicArn": topic, "Message": sesBounce, "Timestamp": "2026-11-29T17:59:30.000Z"}
	body := s.sign(t, env)
	evs, sub, err := w.SES(context.Background(), body)
	if err != nil || sub != "" || len(evs) != 1 {
		t.Fatalf("SES: %+v %q %v", evs, sub, err)
	}
	e := evs[0]
	if e.Status != Bounced || e.Recipient != "ann.citizen@example.co.nz" || e.MessageID != "notice.abc@notices.northwind.example" || !strings.Contains(e.Reason, "5.1.1") {
		t.Errorf("event %+v", e)
	}

	// Tampered, another topic, or an old message: refused.
	tampered := strings.Replace(string(body), "5.1.1 user unknown", "5.1.1 user unknowN", 1)
	if _, _, err := w.SES(context.Background(), []byte(tampered)); err != ErrUnauthenticated {
		t.Errorf("tampered: %v", err)
	}
	other := map[string]string{"Type": "Notification", "MessageId": "sns-2", "TopicArn": topic + "-other", "Message": sesBounce, "Timestamp": "2026-11-29T17:59:30.000Z"}
	if _, _, err := w.SES(context.Background(), s.sign(t, other)); err != ErrUnauthenticated {
		t.Errorf("other topic: %v", err)
	}
	old := map[string]string{"Type": "Notification", "MessageId": "sns-3", "TopicArn": topic, "Message": sesBounce, "Timestamp": "2026-11-27T17:59:30.000Z"}
	if _, _, err := w.SES(context.Background(), s.sign(t, old)); err != ErrUnauthenticated {
		t.Errorf("replayed: %v", err)
	}
	// A certificate from anywhere but Amazon's SNS hosts is never fetched.
	evil := map[string]string{"Type": "Notification", "MessageId": "sns-4", "TopicArn": topic, "Message": sesBounce, "Timestamp": "2026-11-29T17:59:30.000Z"}
	b := s.sign(t, evil)
	b = []byte(strings.Replace(string(b), "sns.ap-southeast-2.amazonaws.com", "sns.evil.example", 1))
	if _, _, err := w.SES(context.Background(), b); err != ErrUnauthenticated {
		t.Errorf("foreign certificate URL: %v", err)
	}
	if fetched != 1 {
		t.Errorf("the certificate was fetched %d times, want once (cached)", fetched)
	}

	// A subscription confirmation hands back the URL to visit.
	conf := map[string]string{"Type": "SubscriptionConfirmation", "MessageId": "sns-5", "TopicArn": topic, "Token": "tok",
		"Message": "You have chosen to subscribe", "SubscribeURL": "https://sns.ap-southeast-2.amazonaws.com/?Action=ConfirmSubscription&Token=tok", "Timestamp": "2026-11-29T17:59:30.000Z"}
	if _, sub, err := w.SES(context.Background(), s.sign(t, conf)); err != nil || !strings.Contains(sub, "ConfirmSubscription") {
		t.Errorf("subscription: %q %v", sub, err)
	}
	if _, _, err := (&Webhooks{}).SES(context.Background(), body); err != ErrUnauthenticated {
		t.Errorf("SES not configured: %v", err)
	}
}

func TestSendGridSignedEvents(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	w := &Webhooks{SendGridKey: base64.StdEncoding.EncodeToString(der), Now: func() time.Time { return hookNow }}
	body := []byte(`[{"email":"ann@example.org","timestamp":1795968000,"smtp-id":"<notice.abc@notices.northwind.example>","event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 unknown user","sg_message_id":"sg1"},
{"email":"ben@example.org","timestamp":1795968000,"smtp-id":"<notice.def@notices.northwind.example>","event":"delivered","sg_message_id":"sg2","breachdesk_entry":"88"},
{"email":"cat@example.org","timestamp":1795968000,"event":"open","sg_message_id":"sg3"},
{"email":"dan@example.org","timestamp":1795968000,"event":"spamreport","sg_message_id":"sg4"}]`)
	ts := strconv.FormatInt(hookNow.Unix(), 10)
	sign := func(payload []byte) string {
		sum := sha256.Sum256(append([]byte(ts), payload...))
		sig, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(sig)
	}
	evs, err := w.SendGrid(body, sign(body), ts)
	if err != nil || len(evs) != 3 {
		t.Fatalf("SendGrid: %+v %v", evs, err)
	}
	if evs[0].Status != Bounced || evs[0].MessageID != "notice.abc@notices.northwind.example" || evs[1].Status != Delivered || evs[1].EntryID != 88 || !evs[2].Complaint {
		t.Errorf("events %+v", evs)
	}
	if _, err := w.SendGrid(append(body, ' '), sign(body), ts); err != ErrUnauthenticated {
		t.Errorf("changed body: %v", err)
	}
}

func TestPostmarkNeedsItsCredentials(t *testing.T) {
	w := &Webhooks{PostmarkUser: "hook", PostmarkPassword: "s3cret-s3cret"}
	body := []byte(`{"RecordType":"Bounce","ID":4323372036854775807,"Type":"HardBounce","TypeCode":1,"Name":"Hard bounce","MessageID":"883953f4-6105-42a2-a16a-77a8eac79483","Description":"The server was unable to deliver your message (ex: unknown user, mailbox not found).","Details":"smtp;550 5.1.1 The email account that you tried to reach does not exist.","Email":"ann@example.org","Metadata":{"breachdesk_entry":"12"},"BouncedAt":"2026-11-29T17:55:00Z"}`)
	evs, err := w.Postmark(body, "hook", "s3cret-s3cret")
	if err != nil || len(evs) != 1 || evs[0].Status != Bounced || evs[0].EntryID != 12 || !strings.Contains(evs[0].Reason, "HardBounce") {
		t.Fatalf("Postmark: %+v %v", evs, err)
	}
	if _, err := w.Postmark(body, "hook", "wrong"); err != ErrUnauthenticated {
		t.Errorf("wrong password: %v", err)
	}
	soft := []byte(`{"RecordType":"Bounce","Type":"Transient","MessageID":"m2","Email":"ben@example.org"}`)
	if evs, err := w.Postmark(soft, "hook", "s3cret-s3cret"); err != nil || len(evs) != 0 {
		t.Errorf("a transient notice changed something: %+v %v", evs, err)
	}
}

func TestMailgunSignature(t *testing.T) {
	key := "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
	w := &Webhooks{MailgunKey: key, Now: func() time.Time { return hookNow }}
	ts := strconv.FormatInt(hookNow.Unix(), 10)
	token := "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(ts + token))
	sig := hex.EncodeToString(mac.Sum(nil))
	body := func(sig string) []byte {
		return []byte(`{"signature":{"timestamp":"` + ts + `","token":"` + token + `","signature":"` + sig + `"},"event-data":{"event":"failed","severity":"permanent","recipient":"ann@example.org","reason":"bounce","id":"mg1","message":{"headers":{"message-id":"notice.abc@notices.northwind.example"}},"delivery-status":{"code":550,"message":"5.1.1 unknown user","description":""}}}`)
	}
	evs, err := w.Mailgun(body(sig))
	if err != nil || len(evs) != 1 || evs[0].Status != Bounced || evs[0].MessageID != "notice.abc@notices.northwind.example" || !strings.Contains(evs[0].Reason, "550") {
		t.Fatalf("Mailgun: %+v %v", evs, err)
	}
	if _, err := w.Mailgun(body(strings.Repeat("0", 64))); err != ErrUnauthenticated {
		t.Errorf("bad signature: %v", err)
	}
	w.Now = func() time.Time { return hookNow.Add(3 * time.Hour) }
	if _, err := w.Mailgun(body(sig)); err != ErrUnauthenticated {
		t.Errorf("replayed three hours later: %v", err)
	}
}
