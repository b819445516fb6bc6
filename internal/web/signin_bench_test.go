package web

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
)

// peakRSS is the process's highest resident memory so far (VmHWM), in MB.
func peakRSS(tb testing.TB) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status on this system")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				tb.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	tb.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// BenchmarkConcurrentSignIns sends 200 sign-ins at once, each from its own
// loopback address and with the right password, so every one would hash
// (64 MiB each), and reports the process's peak memory and the answers.
// Run it alone (scripts/bench-signin) so the peak is its own.
func BenchmarkConcurrentSignIns(b *testing.B) {
	f := newFixture(b).withOrg()
	f.user("po@example.org", auth.PrivacyOfficer, true)
	c := f.anon()
	m := csrfField.FindStringSubmatch(c.get("/login"))
	pre := ""
	for _, ck := range c.http.Jar.Cookies(mustURL(f.ts.URL)) {
		if ck.Name == preCookie {
			pre = ck.Value
		}
	}
	codes := map[int]int{}
	var slowest time.Duration
	for b.Loop() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1+byte(i/250), 1+byte(i%250))}}
				cl := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				req, _ := http.NewRequest("POST", f.ts.URL+"/login", strings.NewReader(url.Values{"csrf": {m[1]}, "email": {"po@example.org"}, "password": {testPassword}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: preCookie, Value: pre})
				start := time.Now()
				resp, err := cl.Do(req)
				code := 0
				if err == nil {
					code = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				codes[code]++
				slowest = max(slowest, time.Since(start))
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(peakRSS(b), "peak-RSS-MB")
	b.ReportMetric(slowest.Seconds(), "slowest-s")
	fmt.Printf("200 concurrent sign-ins: answers %v, slowest %.1f s, peak RSS %.0f MB\n", codes, slowest.Seconds(), peakRSS(b))
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
