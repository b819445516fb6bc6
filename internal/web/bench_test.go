package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

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

// benchFixture loads 10,000 incidents, each with its seeded checklist,
// timeline and audit entries, once for all page benchmarks.
func benchFixture(b *testing.B) (*fixture, *http.Cookie) {
	benchOnce.Do(func() {
		f := newFixture(longLived{b}).withOrg()
		po := f.user("po@example.org", auth.PrivacyOfficer, true)
		start := time.Now()
		ctx := context.Background()
		n := 42
		for i := 0; i < 10000; i++ {
			r := incident.Report{WhatHappened: fmt.Sprintf("Incident number %d: records sent to the wrong recipient.", i),
				DiscoveredAt: time.Now().Add(-time.Duration(i) * time.Hour), PeopleCount: &n, DataCategories: []string{"name", "contact"}, Cause: "human_error"}
			if _, err := f.db.CreateIncident(ctx, incident.Actor{UserID: po.ID, Name: po.Name}, fmt.Sprintf("Misdirected email %d", i), r); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("loaded 10,000 incidents in %v", time.Since(start).Round(time.Millisecond))
		tok, hash := auth.NewToken("")
		if err := f.db.CreateSession(ctx, hash, auth.Session{UserID: po.ID, CSRF: "x", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
		benchFix, benchCookie = f, &http.Cookie{Name: sessionCookie, Value: tok}
	})
	return benchFix, benchCookie
}

// benchPage measures one page handler in-process and reports p50 and p99.
func benchPage(b *testing.B, path func(i int) string) {
	f, cookie := benchFixture(b)
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
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
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	q := func(p float64) float64 {
		return float64(durations[int(p*float64(len(durations)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

func BenchmarkIncidentList(b *testing.B) {
	benchPage(b, func(int) string { return "/incidents" })
}

func BenchmarkIncidentListOverdueSearch(b *testing.B) {
	benchPage(b, func(int) string { return "/incidents?overdue=1&q=wrong+recipient&page=3" })
}

func BenchmarkIncidentPage(b *testing.B) {
	benchPage(b, func(i int) string { return fmt.Sprintf("/incidents/%d", 1+(i*7919)%10000) })
}
