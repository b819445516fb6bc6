package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, m.Body); err != nil {
		return err
	}
	c.s.mu.Lock()
	c.s.ids[m.Header.Get("Message-Id")]++
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
	ctx := context.Background()
	a := demoApp(tb)
	var b strings.Builder
	b.WriteString("name,email\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "Person %d,person%d@example.org\n", i, i)
	}
	if _, err := a.ImportPeople(ctx, app.System, 4, strings.NewReader(b.String())); err != nil {
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
