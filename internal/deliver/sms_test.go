package deliver

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// freePort finds a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

const fakeSMSC = "/usr/lib/kannel/test/fakesmsc"

// startKannel runs a real Kannel (bearerbox, smsbox) with the fake SMSC
// from kannel-extras, and returns its sendsms URL. Without Kannel the
// test is skipped, except under CI=true where it fails.
func startKannel(t *testing.T) string {
	t.Helper()
	for _, bin := range []string{"/usr/sbin/bearerbox", "/usr/sbin/smsbox", fakeSMSC} {
		if _, err := os.Stat(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true but %s is missing (apt-get install kannel kannel-extras)", bin)
			}
			t.Skipf("%s not installed", bin)
		}
	}
	dir := t.TempDir()
	admin, box, smsc, sendsms := freePort(t), freePort(t), freePort(t), freePort(t)
	conf := fmt.Sprintf(`group = core
admin-port = %d
admin-password = admin-%d
smsbox-port = %d
log-level = 1
log-file = "%s/bearerbox.log"
dlr-storage = internal
box-allow-ip = 127.0.0.1

group = smsc
smsc = fake
smsc-id = fake
port = %d
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = %d
log-file = "%s/smsbox.log"
log-level = 1

group = sendsms-user
username = breachdesk
password = sms-secret
max-messages = 3
concatenation = true

group = sms-service
keyword = default
text = "This number does not take replies"
`, admin, admin, box, dir, smsc, sendsms, dir)
	path := filepath.Join(dir, "kannel.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	start := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
	}
	waitPort := func(port int) {
		// Up to 30 s: on a loaded machine Kannel's boxes start slowly.
		for i := 0; i < 600; i++ {
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
				c.Close()
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Kannel did not listen on %d", port)
	}
	start("/usr/sbin/bearerbox", path)
	waitPort(smsc)
	// -m 0: the fake SMSC sends no messages of its own; it takes ours.
	start(fakeSMSC, "-H", "127.0.0.1", "-r", fmt.Sprint(smsc), "-i", "1", "-m", "0", "1 2 text unused")
	start("/usr/sbin/smsbox", path)
	waitPort(sendsms)
	return fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", sendsms)
}

// dlrSink collects the delivery reports a gateway calls back with.
type dlrSink struct {
	mu      sync.Mutex
	reports []url.Values
	srv     *httptest.Server
}

func newDLRSink(t *testing.T) *dlrSink {
	s := &dlrSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		s.mu.Lock()
		s.reports = append(s.reports, r.Form)
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *dlrSink) waitFor(t *testing.T, n int) []url.Values {
	t.Helper()
	for i := 0; i < 200; i++ {
		s.mu.Lock()
		got := append([]url.Values(nil), s.reports...)
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("fewer than %d delivery reports arrived", n)
	return nil
}

// TestKannelSendsAndReportsDelivery: a real Kannel takes the message,
// hands it to its SMSC, and calls back with the delivery report, which
// reads as delivered for our entry.
func TestKannelSendsAndReportsDelivery(t *testing.T) {
	sendURL := startKannel(t)
	sink := newDLRSink(t)
	k := &Kannel{URL: sendURL, Username: "breachdesk", Password: "sms-secret", From: "Northwind", Throttle: NewThrottle(2, 10, 0)}
	text := "Ann, Northwind Health here. Some of your personal information was involved in a privacy breach. Please read: https://northwind.example/n/7Q2M"
	o := k.SendSMS(context.Background(), SMSMessage{EntryID: 5, To: "+64211234567", Text: text, CallbackURL: sink.srv.URL + "/dlr?entry=5&sig=abc"})
	// 202 "0: Accepted for delivery", or "3: Queued for later delivery"
	// while the fake SMSC is still connecting: taken by the gateway either way.
	if o.Status != Sent || !strings.Contains(o.Detail, "Accepted") && !strings.Contains(o.Detail, "Queued") {
		t.Fatalf("send: %+v", o)
	}
	var delivered bool
	for _, r := range sink.waitFor(t, 2) {
		if r.Get("entry") != "5" || r.Get("sig") != "abc" {
			t.Errorf("report lost its entry: %v", r)
		}
		st, _, err := KannelReport(r)
		if err != nil {
			t.Fatal(err)
		}
		delivered = delivered || st == Delivered
	}
	if !delivered {
		t.Error("no delivery report said delivered")
	}

	// Maori macrons need UCS-2; Kannel still takes it.
	if o := k.SendSMS(context.Background(), SMSMessage{EntryID: 6, To: "+64211234568", Text: "Kia ora Māui, Northwind here."}); o.Status != Sent {
		t.Errorf("UCS-2: %+v", o)
	}
	wrong := *k
	wrong.Password = "wrong"
	if o := wrong.SendSMS(context.Background(), SMSMessage{EntryID: 7, To: "+64211234569", Text: "hello"}); o.Status != Failed || !strings.Contains(o.Detail, "Authorization") {
		t.Errorf("wrong password: %+v", o)
	}
	if strings.Contains(wrong.SendSMS(context.Background(), SMSMessage{To: "+6421", Text: "x"}).Detail, "wrong") {
		t.Error("the password appears in a detail")
	}
	if o := k.SendSMS(context.Background(), SMSMessage{EntryID: 8, To: "+64211234569", Text: strings.Repeat("long text ", 40)}); o.Status != Failed {
		t.Errorf("three parts: %+v", o)
	}
}

func TestKannelDownLeavesTheMessageQueued(t *testing.T) {
	k := &Kannel{URL: fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", freePort(t)), Username: "u", Password: "p4ssw0rd-secret"}
	o := k.SendSMS(context.Background(), SMSMessage{To: "+64211234567", Text: "hello"})
	if o.Status != Queued {
		t.Errorf("gateway down: %+v", o)
	}
	if strings.Contains(o.Detail, "p4ssw0rd-secret") {
		t.Errorf("the password appears in the detail: %s", o.Detail)
	}
}

// TestHTTPGatewayTwilioStyle: a provider configured by URL and body
// template, answering with its id, and its status callbacks.
func TestHTTPGatewayTwilioStyle(t *testing.T) {
	var got url.Values
	var user, pass string
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		user, pass, _ = r.BasicAuth()
		got = r.PostForm
		if strings.HasPrefix(r.PostForm.Get("To"), "+6499") {
			w.WriteHeader(400)
			w.Write([]byte(`{"code":21211,"message":"The 'To' number is not a valid phone number."}`))
			return
		}
		w.WriteHeader(201)
		w.Write([]byte(`{"sid":"SM0123456789abcdef","status":"queued"}`))
	}))
	defer provider.Close()
	body, err := ParseBodyTemplate(`To={{urlquery .To}}&From={{urlquery .From}}&Body={{urlquery .Text}}&StatusCallback={{urlquery .CallbackURL}}`)
	if err != nil {
		t.Fatal(err)
	}
	g := &HTTPGateway{URL: provider.URL, Body: body, Username: "AC123", Password: "token", From: "+15005550006", IDField: "sid",
		StatusField: "MessageStatus", DeliveredValues: []string{"delivered"}, FailedValues: []string{"undelivered", "failed"}, ErrorField: "ErrorCode"}
	o := g.SendSMS(context.Background(), SMSMessage{EntryID: 3, To: "+64211234567", Text: "Ann & Ben: read https://n.example/x?a=1", CallbackURL: "https://bd.example/hooks/sms?entry=3"})
	if o.Status != Sent || o.ProviderID != "SM0123456789abcdef" {
		t.Fatalf("send: %+v", o)
	}
	if got.Get("Body") != "Ann & Ben: read https://n.example/x?a=1" || got.Get("StatusCallback") != "https://bd.example/hooks/sms?entry=3" || user != "AC123" || pass != "token" {
		t.Errorf("provider got %v (auth %q)", got, user)
	}
	if o := g.SendSMS(context.Background(), SMSMessage{To: "+64991234567", Text: "x"}); o.Status != Failed || !strings.Contains(o.Detail, "21211") {
		t.Errorf("refused: %+v", o)
	}
	for v, want := range map[string]Status{"delivered": Delivered, "undelivered": Failed, "sent": Queued} {
		st, _, err := g.Report(url.Values{"MessageStatus": {v}, "ErrorCode": {"30003"}})
		if err != nil || st != want {
			t.Errorf("report %s: %s %v, want %s", v, st, err, want)
		}
	}
}
