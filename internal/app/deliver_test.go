package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/blobs/blobstest"
	"github.com/breachdesk/breachdesk/internal/deliver"
	"github.com/breachdesk/breachdesk/internal/demo"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/notify"
	"github.com/breachdesk/breachdesk/internal/store"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// countingSink is a real SMTP server on loopback that counts messages
// and remembers their Message-IDs.
type countingSink struct {
	mu  sync.Mutex
	ids map[string]int
	// raw keeps each message as received, by Message-ID, when not nil.
	raw map[string][]byte
}

func (s *countingSink) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &countingSession{s: s}, nil
}

type countingSession struct{ s *countingSink }

func (c *countingSession) Reset()                               {}
func (c *countingSession) Logout() error                        { return nil }
func (c *countingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (c *countingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (c *countingSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	c.s.ids[m.Header.Get("Message-Id")]++
	if c.s.raw != nil {
		c.s.raw[m.Header.Get("Message-Id")] = raw
	}
	c.s.mu.Unlock()
	return nil
}

// count totals the messages received; the caller holds s.mu or the
// server is idle.
func (s *countingSink) count() int {
	n := 0
	for _, k := range s.ids {
		n += k
	}
	return n
}

// demoApp is the demo organisation in a fresh SQLite data folder, with a
// sender and a print folder for notices.
func demoApp(tb testing.TB) *app.App {
	tb.Helper()
	ctx := context.Background()
	a := emptyApp(tb)
	if err := demo.Load(ctx, a); err != nil {
		tb.Fatal(err)
	}
	a.Delivery = app.DeliveryConfig{From: &mail.Address{Name: "Demo", Address: "privacy@demo.breachdesk.test"}}
	return a
}

// deliveryFixture is the demo organisation with n people on INC-0004's
// list, a campaign started, and a real SMTP server.
func deliveryFixture(tb testing.TB, n int) (*app.App, *countingSink, string, int64) {
	tb.Helper()
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Person %d,person%d@example.org\n", i, i)
	}
	return deliveryFixtureCSV(tb, b.String())
}

// deliveryFixtureCSV is deliveryFixture with the people of a contact list.
func deliveryFixtureCSV(tb testing.TB, people string) (*app.App, *countingSink, string, int64) {
	tb.Helper()
	ctx := context.Background()
	a := demoApp(tb)
	if _, err := a.ImportPeople(ctx, app.System, 4, strings.NewReader(people)); err != nil {
		tb.Fatal(err)
	}
	sink := &countingSink{ids: map[string]int{}}
	srv := smtp.NewServer(sink)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	c, err := a.StartCampaign(ctx, app.System, 4, app.CampaignRequest{Option: notice.OptionAll, Practicable: "We hold every email address.",
		Fallback: []deliver.Channel{deliver.Email}, Override: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	return a, sink, ln.Addr().String(), c.ID
}

// runUntil runs a delivery worker until the campaign has nothing pending.
// With done it waits for the workers to mark the campaign done.
func runUntil(tb testing.TB, a *app.App, addr string, campaign int64, slots int, done ...bool) time.Duration {
	tb.Helper()
	m, err := deliver.NewMailer(deliver.SMTPConfig{Addr: addr, TLS: "none", Concurrency: slots})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	start := time.Now()
	go func() {
		stopped <- a.RunDelivery(ctx, &deliver.Worker{Mail: m, Owner: "test", Poll: 50 * time.Millisecond})
	}()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		v, err := a.Campaign(ctx, app.System, 4, campaign)
		if err != nil {
			tb.Fatal(err)
		}
		if v.Status == deliver.CampaignDone || len(done) == 0 && v.Status == deliver.CampaignRunning && v.Counts.Total("") > 0 && v.Counts.Pending() == 0 {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("not delivered: %+v", v.Counts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	cancel()
	if err := <-stopped; err != nil {
		tb.Fatal(err)
	}
	return took
}

// BenchmarkDelivery sends BREACHDESK_BENCH_PEOPLE notices (default 2,000)
// to an SMTP server on loopback and reports messages per second.
func BenchmarkDelivery(b *testing.B) {
	n, _ := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_PEOPLE"))
	if n == 0 {
		n = 2000
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a, sink, addr, c := deliveryFixture(b, n)
		b.StartTimer()
		took := runUntil(b, a, addr, c, 16)
		sink.mu.Lock()
		n := sink.count()
		sink.mu.Unlock()
		b.ReportMetric(float64(n)/took.Seconds(), "msg/s")
	}
}

// TestDeliveryTellsEveryPersonOnce: 300 people on a list are each sent
// one message, with a Message-ID of their own, and the campaign ends with
// every message settled.
func TestDeliveryTellsEveryPersonOnce(t *testing.T) {
	a, sink, addr, c := deliveryFixture(t, 300)
	runUntil(t, a, addr, c, 8)
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.ids) != 300 {
		t.Fatalf("%d distinct messages for 300 people", len(sink.ids))
	}
	for id, n := range sink.ids {
		if n != 1 || !strings.HasPrefix(id, "<notice.") {
			t.Fatalf("message %s sent %d times", id, n)
		}
	}
	v, err := a.Campaign(context.Background(), app.System, 4, c)
	if err != nil {
		t.Fatal(err)
	}
	if v.Counts.Total(deliver.Sent) != 300 || v.Counts.Pending() != 0 || v.Counts.Told() != 300 {
		t.Fatalf("counts %+v", v.Counts)
	}
}

// TestArchivedCopyIsWhatWasSent: the sealed copy of each message and its
// SHA-256 are of exactly the subject, text and HTML the SMTP server
// received, for names HTML escapes and names long enough to wrap
// differently (the emails are filled in from a campaign's stencil).
func TestArchivedCopyIsWhatWasSent(t *testing.T) {
	ctx := context.Background()
	csv := "name,email\n" +
		"\"Zoë O'Brien & \"\"Sons\"\" <Ltd> + Co\",zoe@example.org\n" +
		"Wiremu Te Rangi Wiremu Te Rangi Wiremu Te Rangi Wiremu Te Rangi Wiremu Jr,wiremu@example.org\n" +
		"Ana,ana@example.org\n"
	for i := 0; i < 20; i++ {
		csv += fmt.Sprintf("Person %d,person%d@example.org\n", i, i)
	}
	a, sink, addr, c := deliveryFixtureCSV(t, csv)
	sink.raw = map[string][]byte{}
	runUntil(t, a, addr, c, 4)
	recs, err := a.CampaignRecords(ctx, app.System, 4, c, deliver.Sent, 0, 100)
	if err != nil || len(recs) != 23 {
		t.Fatalf("%d sent: %v", len(recs), err)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	names := 0
	for _, r := range recs {
		raw, ok := sink.raw["<"+r.MessageID+">"]
		if !ok {
			t.Fatalf("message %s was not received", r.MessageID)
		}
		archived, err := a.Store.Content(ctx, 4, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(archived); !bytes.Equal(sum[:], r.ContentHash) {
			t.Fatalf("message %d: the hash is not of the archived copy", r.ID)
		}
		if got := receivedContent(t, raw); got != strings.ReplaceAll(string(archived), "\r\n", "\n") {
			t.Fatalf("message %d: received\n%s\nbut archived\n%s", r.ID, got, archived)
		}
		for _, n := range []string{"Dear Zoë O&#39;Brien &amp; &#34;Sons&#34; &lt;Ltd&gt; &#43; Co,", "Dear Zoë O'Brien & \"Sons\" <Ltd> + Co,", "Dear Ana,", "Dear Wiremu Te Rangi Wiremu Te Rangi Wiremu Te Rangi Wiremu Te Rangi\nWiremu Jr,"} {
			if bytes.Contains(archived, []byte(n)) {
				names++
			}
		}
	}
	if names != 4 {
		t.Fatalf("%d of the 4 greetings (a name HTML escapes, as text and as HTML; a wrapped one; a short one) found in the archived copies", names)
	}
}

// receivedContent is a received email as the archive writes it: the
// subject, the text part and the HTML part, decoded.
func receivedContent(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(p) // quoted-printable is decoded by the reader
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := strings.Cut(p.Header.Get("Content-Type"), ";")
		parts[ct] = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	if len(parts) != 2 {
		t.Fatalf("parts %v", parts)
	}
	return "Subject: " + subject + "\n\n" + parts["text/plain"] + "\n\n" + parts["text/html"]
}

// TestAddedPeopleGetOnlyTheirNotice: a stage already sent is not started
// again without a confirmed resend; people added to the list afterwards
// are added to the campaign and only they are sent it.
func TestAddedPeopleGetOnlyTheirNotice(t *testing.T) {
	ctx := context.Background()
	a, sink, addr, c := deliveryFixture(t, 50)
	runUntil(t, a, addr, c, 4, true)
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := 50; i < 70; i++ {
		fmt.Fprintf(&b, "Person %d,person%d@example.org\n", i, i)
	}
	if _, err := a.ImportPeople(ctx, app.System, 4, strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	_, err := a.StartCampaign(ctx, app.System, 4, app.CampaignRequest{Option: notice.OptionAll, Practicable: "x", Override: "test"})
	if fault.CodeOf(err) != fault.Conflict || !strings.Contains(fault.MessageOf(err), "already sent") {
		t.Fatalf("the same stage again without a resend: %v", err)
	}
	n, err := a.AddToCampaign(ctx, app.System, 4, c)
	if err != nil || n != 20 {
		t.Fatalf("added %d: %v", n, err)
	}
	runUntil(t, a, addr, c, 4)
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.ids) != 70 || sink.count() != 70 {
		t.Fatalf("%d distinct of %d messages, want 70 each once", len(sink.ids), sink.count())
	}
}

// emptyApp is the application on a new SQLite database, with no account
// yet.
func emptyApp(tb testing.TB) *app.App {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	db, err := store.OpenSQLite(filepath.Join(dir, "breachdesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	if db.Sealer, err = vault.Create(dir); err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bs, _ := blobstest.Open(tb, "file", dir, db.Sealer)
	a, err := app.New(ctx, db, app.Config{ScanDir: filepath.Join(dir, "scans"), BaseURL: "https://bd.example"},
		&evidence.Files{Blobs: bs, MaxSize: 1 << 20}, &notify.Notifier{Store: db}, log)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
