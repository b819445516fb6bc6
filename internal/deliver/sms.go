package deliver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/breachdesk/breachdesk/internal/notice"
)

// SMSMessage is one text message to one person.
type SMSMessage struct {
	EntryID int64
	To      string // E.164
	Text    string
	// CallbackURL is where the gateway reports delivery (with the entry
	// and its signature in the query); empty for no reports.
	CallbackURL string
}

// SMSSender hands a text message to a gateway.
type SMSSender interface {
	SendSMS(ctx context.Context, m SMSMessage) Outcome
}

// checkSMS refuses what no gateway should be given.
func checkSMS(m SMSMessage) error {
	if !strings.HasPrefix(m.To, "+") || len(m.To) < 9 || len(m.To) > 16 {
		return fmt.Errorf("%q is not an international phone number", m.To)
	}
	if n := notice.SMSSegments(m.Text); n > notice.MaxSMSSegments {
		return fmt.Errorf("the text needs %d parts (at most %d)", n, notice.MaxSMSSegments)
	}
	return nil
}

// Kannel sends through a Kannel smsbox's sendsms interface and asks for
// delivery reports at the callback URL.
type Kannel struct {
	// URL is the smsbox's sendsms address, e.g. http://127.0.0.1:13013/cgi-bin/sendsms.
	URL      string
	Username string
	Password string
	From     string // the sender id shown to the person
	SMSC     string // route through one SMSC (optional)
	Client   *http.Client
	Throttle *Throttle
}

// SendSMS sends one message. Kannel answers 202 (accepted or queued) or
// a refusal; 503 and network errors are temporary.
func (k *Kannel) SendSMS(ctx context.Context, m SMSMessage) Outcome {
	if err := checkSMS(m); err != nil {
		return Outcome{Status: Failed, Detail: err.Error()}
	}
	if k.Throttle != nil {
		done, err := k.Throttle.Acquire(ctx)
		if err != nil {
			return Outcome{Status: Queued, Detail: err.Error()}
		}
		defer done()
	}
	q := url.Values{"username": {k.Username}, "password": {k.Password}, "to": {m.To}, "text": {m.Text}, "charset": {"UTF-8"}}
	if k.From != "" {
		q.Set("from", k.From)
	}
	if k.SMSC != "" {
		q.Set("smsc", k.SMSC)
	}
	if !notice.IsGSM7(m.Text) {
		q.Set("coding", "2") // UCS-2: Kannel converts from the charset given
	}
	if m.CallbackURL != "" {
		// 1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC, 16 rejected by the SMSC
		q.Set("dlr-mask", "31")
		q.Set("dlr-url", m.CallbackURL+"&type=%d&answer=%A")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.URL+"?"+q.Encode(), nil)
	if err != nil {
		return Outcome{Status: Failed, Detail: err.Error()}
	}
	return httpOutcome(clientOf(k.Client), req, "")
}

// KannelReport reads a delivery report Kannel sent to the callback URL:
// the type (%d) and the SMSC's answer (%A).
func KannelReport(q url.Values) (Status, string, error) {
	t, err := strconv.Atoi(q.Get("type"))
	if err != nil {
		return "", "", fmt.Errorf("a delivery report without its type")
	}
	answer := q.Get("answer")
	switch t {
	case 1:
		return Delivered, answer, nil
	case 2, 16:
		return Failed, orDefault(answer, "the SMS centre could not deliver it"), nil
	case 4, 8:
		return Queued, answer, nil // still on its way: no change of status
	}
	return "", "", fmt.Errorf("unknown delivery report type %d", t)
}

// HTTPGateway sends through any SMS provider's HTTP interface, described
// by a URL, a body template and the names of the fields it answers with
// (e.g. Twilio's Messages resource and its status callbacks).
type HTTPGateway struct {
	URL         string
	Method      string // default POST
	ContentType string // default application/x-www-form-urlencoded
	// Body is a text/template over {{.To}}, {{.From}}, {{.Text}},
	// {{.CallbackURL}} and {{.EntryID}}, with the functions urlquery
	// and json to escape them.
	Body     *template.Template
	Headers  map[string]string
	Username string // basic auth (e.g. an account SID), optional
	Password string
	From     string
	// IDField names the JSON field of the answer holding the provider's
	// message id (e.g. "sid").
	IDField string
	// StatusField and the two lists read delivery reports: the form or
	// query field with the status, and which values mean delivered and
	// which mean failed (e.g. MessageStatus; delivered; undelivered, failed).
	StatusField     string
	DeliveredValues []string
	FailedValues    []string
	ErrorField      string // e.g. ErrorCode
	Client          *http.Client
	Throttle        *Throttle
}

// ParseBodyTemplate compiles a gateway body template with its escapers.
func ParseBodyTemplate(src string) (*template.Template, error) {
	return template.New("sms").Funcs(template.FuncMap{"json": func(s string) (string, error) {
		b, err := json.Marshal(s)
		return string(b), err
	}}).Option("missingkey=error").Parse(src)
}

// SendSMS sends one message; 2xx is accepted, 429 and 5xx are temporary,
// other answers refuse it for good with the provider's words.
func (g *HTTPGateway) SendSMS(ctx context.Context, m SMSMessage) Outcome {
	if err := checkSMS(m); err != nil {
		return Outcome{Status: Failed, Detail: err.Error()}
	}
	if g.Throttle != nil {
		done, err := g.Throttle.Acquire(ctx)
		if err != nil {
			return Outcome{Status: Queued, Detail: err.Error()}
		}
		defer done()
	}
	var body bytes.Buffer
	data := struct {
		To, From, Text, CallbackURL string
		EntryID                     int64
	}{m.To, g.From, m.Text, m.CallbackURL, m.EntryID}
	if err := g.Body.Execute(&body, data); err != nil {
		return Outcome{Status: Failed, Detail: "the gateway's body template: " + err.Error()}
	}
	method := orDefault(g.Method, http.MethodPost)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, g.URL, &body)
	if err != nil {
		return Outcome{Status: Failed, Detail: err.Error()}
	}
	req.Header.Set("Content-Type", orDefault(g.ContentType, "application/x-www-form-urlencoded"))
	for k, v := range g.Headers {
		req.Header.Set(k, v)
	}
	if g.Username != "" {
		req.SetBasicAuth(g.Username, g.Password)
	}
	return httpOutcome(clientOf(g.Client), req, g.IDField)
}

// Report reads a delivery report posted or linked to the callback URL.
func (g *HTTPGateway) Report(v url.Values) (Status, string, error) {
	s := v.Get(g.StatusField)
	switch {
	case s == "":
		return "", "", fmt.Errorf("a delivery report without %s", g.StatusField)
	case contains(g.DeliveredValues, s):
		return Delivered, s, nil
	case contains(g.FailedValues, s):
		return Failed, strings.TrimSpace(s + " " + v.Get(g.ErrorField)), nil
	}
	return Queued, s, nil
}

func clientOf(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return http.DefaultClient
}

// httpOutcome sends a gateway request and reads its answer.
func httpOutcome(c *http.Client, req *http.Request, idField string) Outcome {
	resp, err := c.Do(req)
	if err != nil {
		return Outcome{Status: Queued, Detail: "cannot reach the SMS gateway: " + redactURL(err.Error())}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	if err != nil {
		return Outcome{Status: Queued, Detail: "the gateway's answer was cut short: " + err.Error()}
	}
	text := strings.TrimSpace(string(raw))
	if len(text) > 300 {
		text = text[:300]
	}
	detail := fmt.Sprintf("%d %s", resp.StatusCode, text)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		o := Outcome{Status: Sent, Detail: detail}
		if idField != "" {
			var m map[string]any
			if json.Unmarshal(raw, &m) == nil {
				if id, ok := m[idField].(string); ok {
					o.ProviderID = id
				}
			}
		}
		return o
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return Outcome{Status: Queued, Detail: detail}
	}
	return Outcome{Status: Failed, Detail: detail}
}

// redactURL keeps credentials in a request's query out of an error text.
func redactURL(s string) string {
	if i := strings.Index(s, "password="); i >= 0 {
		end := strings.IndexAny(s[i:], "&\" ")
		if end < 0 {
			end = len(s) - i
		}
		s = s[:i] + "password=REDACTED" + s[i+end:]
	}
	return s
}
