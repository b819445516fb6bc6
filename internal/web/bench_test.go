package web

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// benchIncidents is how many incidents the page benchmarks load; the
// pages read a page of them through indexes, so their cost hardly
// depends on it (scripts/bench-web measures the server at 100,000).
var benchIncidents = flag.Int("incidents", 10000, "incidents the page benchmarks load")

var (
	benchOnce   sync.Once
	benchFix    *fixture
	benchCookie *http.Cookie
)

// longLived keeps the shared benchmark fixture alive across the repeated
// runs of each benchmark, which would otherwise close it after the first.
type longLived struct{ testing.TB }

func (longLived) Cleanup(func()) {}

func (l longLived) TempDir() string {
	d, err := os.MkdirTemp("", "breachdesk-bench-")
	if err != nil {
		l.Fatal(err)
	}
	return d
}

// benchFixture loads the incidents once for all page benchmarks, as
// scripts/bench-web does (store.LoadIncidents: each with its steps,
// checklist, timeline and audit entries, most triaged and owned, some
// assessed, most closed), and signs in its administrator.
func benchFixture(b *testing.B) (*fixture, *http.Cookie) {
	benchOnce.Do(func() {
		f := newFixture(longLived{b}).withOrg()
		admin := f.user("bench@example.org", auth.Admin, true)
		owners := []int64{admin.ID}
		for i := range 20 {
			owners = append(owners, f.user(fmt.Sprintf("responder%d@example.org", i), auth.Responder, false).ID)
		}
		start := time.Now()
		ctx := context.Background()
		if err := f.db.LoadIncidents(ctx, incident.Actor{UserID: admin.ID, Name: admin.Name}, owners, *benchIncidents, 2026, time.Now().UTC()); err != nil {
			b.Fatal(err)
		}
		b.Logf("loaded %d incidents in %v", *benchIncidents, time.Since(start).Round(time.Millisecond))
		tok, hash := auth.NewToken("")
		if err := f.db.CreateSession(ctx, hash, auth.Session{UserID: admin.ID, CSRF: "x", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		benchFix, benchCookie = f, &http.Cookie{Name: sessionCookie, Value: tok}
	})
	return benchFix, benchCookie
}

// cpuTime is the CPU time the process has used (user and system, all
// threads, the garbage collector's included): on a machine shared with
// other work it measures what a request costs where wall time cannot.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPage measures one page in-process: the CPU time per request
// (cpu-ms/op, what bounds the rate the server can take on two cores) and
// the p50 and p99 of the wall time of one request at a time.
func benchPage(b *testing.B, path func(i int) string) {
	f, cookie := benchFixture(b)
	durations := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", path(i), nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		f.srv.ServeHTTP(rec, req)
		durations = append(durations, time.Since(t0))
		if rec.Code != 200 {
			b.Fatalf("%s: status %d", path(i), rec.Code)
		}
	}
	cpu := cpuTime() - cpu0
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	q := func(p float64) float64 {
		return float64(durations[int(p*float64(len(durations)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// The four pages scripts/bench-web drives, then a deep page of a search.

func BenchmarkIncidentList(b *testing.B) {
	benchPage(b, func(int) string { return "/incidents" })
}

func BenchmarkIncidentPage(b *testing.B) {
	benchPage(b, func(i int) string { return fmt.Sprintf("/incidents/%d", 1+(i*7919)%*benchIncidents) })
}

func BenchmarkAPIList(b *testing.B) {
	benchPage(b, func(int) string { return "/api/v1/incidents" })
}

func BenchmarkOverdue(b *testing.B) {
	benchPage(b, func(int) string { return "/incidents?overdue=1" })
}

func BenchmarkIncidentListOverdueSearch(b *testing.B) {
	benchPage(b, func(int) string { return "/incidents?overdue=1&q=wrong+supplier&page=3" })
}
