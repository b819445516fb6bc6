// Command benchweb is scripts/bench-web's helper: "load DIR N" writes N
// synthetic incidents (with their tasks, timeline and audit entries) into
// a fresh data folder, "drive URL" signs in and sends each page at a
// constant arrival rate, printing the 99th percentile of each, and "page
// URL PATH" does the same for one page as any account (scripts/bench-deliver
// drives the campaign page while notices are sent).
//
// The driver is open-loop: request i of a run is due at start + i/rate
// whatever happened to the ones before, and its latency is measured from
// that moment, not from when it was sent. A server that stalls therefore
// shows the stall in every request that queued behind it (no coordinated
// omission), which a closed-loop tool such as wrk, whose connections wait
// for each answer before sending the next, would hide.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/org"
	"github.com/breachdesk/breachdesk/internal/store"
)

const (
	email    = "bench@example.org"
	password = "bench password for load tests"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchweb load DIR N | benchweb drive --n N [--rate R] [--seconds S] URL | benchweb cookie URL")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "load":
		err = load(os.Args[2:])
	case "drive":
		err = drive(os.Args[2:])
	case "cookie":
		err = cookie(os.Args[2:])
	case "page":
		err = page(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchweb:", err)
		os.Exit(1)
	}
}

func load(args []string) error {
	if len(args) != 2 {
		return errors.New("usage: benchweb load DIR N")
	}
	var n int
	if _, err := fmt.Sscan(args[1], &n); err != nil || n <= 0 {
		return fmt.Errorf("the number of incidents must be positive, not %q", args[1])
	}
	ctx := context.Background()
	if err := os.MkdirAll(args[0], 0o700); err != nil {
		return err
	}
	// SQLite in the data folder, or the PostgreSQL database the server
	// will be given (BREACHDESK_DATABASE), which must be empty.
	addr := filepath.Join(args[0], "breachdesk.db")
	if pg := os.Getenv("BREACHDESK_DATABASE"); pg != "" {
		addr = pg
	}
	db, err := store.Open(ctx, addr)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if users, err := db.CountUsers(ctx); err != nil || users > 0 {
		if err == nil {
			err = errors.New("the database already has accounts: give the bench an empty one")
		}
		return err
	}
	if err := db.SaveOrganisation(ctx, 0, org.Organisation{Name: "Load Test Ltd", ContactName: "Pat Privacy", ContactEmail: "privacy@example.org",
		TimeZone: "Pacific/Auckland", Laws: []string{"nz_privacy_act", "au_ndb"}}); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	admin, err := db.CreateUser(ctx, 0, auth.User{Email: email, Name: "Bench Admin", Role: auth.Admin, ResponseTeam: true, PasswordHash: hash})
	if err != nil {
		return err
	}
	owners := []int64{admin.ID}
	for i := range 20 {
		u, err := db.CreateUser(ctx, admin.ID, auth.User{Email: fmt.Sprintf("responder%d@example.org", i), Name: fmt.Sprintf("Responder %d", i), Role: auth.Responder, PasswordHash: hash})
		if err != nil {
			return err
		}
		owners = append(owners, u.ID)
	}
	start := time.Now()
	if err := db.LoadIncidents(ctx, incident.Actor{UserID: admin.ID, Name: admin.Name}, owners, n, 2026, time.Now().UTC()); err != nil {
		return err
	}
	fmt.Printf("loaded %d incidents in %.0f s\n", n, time.Since(start).Seconds())
	return nil
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn returns a client holding a session for the bench account.
func signIn(base string) (*http.Client, error) { return signInAs(base, email, password) }

// signInAs returns a client holding a session for an account.
func signInAs(base, email, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute}}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		return nil, errors.New("no sign-in form")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign-in answered %d", resp.StatusCode)
	}
	return c, nil
}

// result is one page's run.
type result struct {
	p99, p50, max time.Duration
	errors, sent  int
}

// run sends rate requests a second for d, open-loop, taking each path
// from next, and measures each from when it was due.
func run(c *http.Client, base string, next func(i int) string, rate int, d time.Duration) result {
	total := int(d.Seconds() * float64(rate))
	lat := make([]time.Duration, total)
	var mu sync.Mutex
	errs := 0
	var wg sync.WaitGroup
	start := time.Now().Add(100 * time.Millisecond)
	interval := time.Second / time.Duration(rate)
	for i := range total {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Get(base + next(i))
			ok := err == nil && resp.StatusCode == http.StatusOK
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			lat[i] = time.Since(due)
			if !ok {
				mu.Lock()
				errs++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return result{p99: pct(0.99), p50: pct(0.50), max: lat[len(lat)-1], errors: errs, sent: total}
}

func drive(args []string) error {
	fs := flag.NewFlagSet("drive", flag.ContinueOnError)
	rate := fs.Int("rate", 200, "requests a second")
	secs := fs.Int("seconds", 30, "seconds each page is driven")
	n := fs.Int("n", 0, "incidents loaded (to pick incident pages among)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *n <= 0 {
		return errors.New("usage: benchweb drive --n N [--rate R] [--seconds S] URL")
	}
	base := strings.TrimSuffix(fs.Arg(0), "/")
	c, err := signIn(base)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]int, *rate**secs)
	for i := range ids {
		ids[i] = 1 + rng.IntN(*n)
	}
	pages := []struct {
		name string
		path func(i int) string
	}{
		{"list", func(int) string { return "/incidents" }},
		{"incident", func(i int) string { return fmt.Sprintf("/incidents/%d", ids[i]) }},
		{"api", func(int) string { return "/api/v1/incidents" }},
		{"overdue", func(int) string { return "/incidents?overdue=1" }},
	}
	var line []string
	errs := 0
	for _, p := range pages {
		run(c, base, p.path, *rate, 3*time.Second) // warm up: connections, caches
		r := run(c, base, p.path, *rate, time.Duration(*secs)*time.Second)
		fmt.Printf("%-8s %d requests at %d/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms, errors %d\n", p.name, r.sent, *rate,
			ms(r.p50), ms(r.p99), ms(r.max), r.errors)
		line = append(line, fmt.Sprintf("%s %.1f ms", p.name, ms(r.p99)))
		errs += r.errors
	}
	fmt.Printf("web: %d incidents, %d rps: p99 %s, errors %d\n", *n, *rate, strings.Join(line, ", "), errs)
	return nil
}

// page drives one page at a fixed rate, signed in as the account given,
// and prints one line: e.g. the campaign page while notices are sent
// (scripts/bench-deliver).
func page(args []string) error {
	fs := flag.NewFlagSet("page", flag.ContinueOnError)
	rate := fs.Int("rate", 20, "requests a second")
	secs := fs.Int("seconds", 30, "seconds the page is driven")
	as := fs.String("email", email, "account to sign in as")
	pw := fs.String("password", password, "its password")
	name := fs.String("name", "page", "name printed for the page")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("usage: benchweb page [--rate R] [--seconds S] [--email E --password P] [--name N] URL PATH")
	}
	base := strings.TrimSuffix(fs.Arg(0), "/")
	c, err := signInAs(base, *as, *pw)
	if err != nil {
		return err
	}
	path := fs.Arg(1)
	r := run(c, base, func(int) string { return path }, *rate, time.Duration(*secs)*time.Second)
	fmt.Printf("%s: %d requests at %d/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms, errors %d\n", *name, r.sent, *rate, ms(r.p50), ms(r.p99), ms(r.max), r.errors)
	return nil
}

// cookie signs in and prints the session cookie, for wrk.
func cookie(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: benchweb cookie URL")
	}
	base := strings.TrimSuffix(args[0], "/")
	c, err := signIn(base)
	if err != nil {
		return err
	}
	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	var parts []string
	for _, ck := range c.Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	fmt.Println(strings.Join(parts, "; "))
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
