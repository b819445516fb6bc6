package web

import (
	"context"
	"github.com/breachdesk/breachdesk/internal/vault"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/audit"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/blobs/blobstest"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/notify"
	"github.com/breachdesk/breachdesk/internal/org"
	"github.com/breachdesk/breachdesk/internal/store"
)

const testPassword = "correct horse battery staple"

// fixture is a server on a fresh SQLite file, reachable over real HTTP.
type fixture struct {
	t   testing.TB
	db  *store.DB
	srv *Server
	ts  *httptest.Server
	dir string
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.OpenSQLite(filepath.Join(dir, "breachdesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if db.Sealer, err = vault.Create(dir); err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bs, _ := blobstest.Open(tb, "file", dir, db.Sealer)
	files := &evidence.Files{Blobs: bs, MaxSize: 1 << 20}
	a, err := app.New(context.Background(), db, app.Config{ScanDir: filepath.Join(dir, "scans")}, files, &notify.Notifier{Store: db}, log)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(a, Config{MaxUpload: 1 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	f := &fixture{t: tb, db: db, srv: srv, ts: ts, dir: dir}
	db.Queue = f.queue(nil) // jobs are queued; f.work runs them
	return f
}

// queue opens a River client on a pool of its own: insert-only without
// workers.
func (f *fixture) queue(ws *river.Workers) *jobs.Queue {
	f.t.Helper()
	pool, err := f.db.NewPool(context.Background(), store.QueueConns)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { pool.Close() })
	q, err := jobs.New(pool, f.db.Dialect(), jobs.Config{Workers: ws, Poll: 50 * time.Millisecond})
	if err != nil {
		f.t.Fatal(err)
	}
	return q
}

// work runs the queued jobs with River's workers, as a worker process
// would, until none is left.
func (f *fixture) work() {
	f.t.Helper()
	ctx := context.Background()
	ws, err := f.srv.Workers()
	if err != nil {
		f.t.Fatal(err)
	}
	q := f.queue(ws)
	if err := q.Start(ctx); err != nil {
		f.t.Fatal(err)
	}
	defer q.Stop(ctx)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ds, err := f.db.QueueDepth(ctx)
		if err != nil {
			f.t.Fatal(err)
		}
		if len(ds) == 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("jobs still queued after a minute: %+v", ds)
		}
	}
}

// withOrg sets up the organisation as first-run setup would.
func (f *fixture) withOrg() *fixture {
	f.t.Helper()
	if err := f.db.SaveOrganisation(context.Background(), 0, org.Organisation{Name: "Test Org", ContactName: "Pat Privacy", ContactEmail: "privacy@example.org", TimeZone: "Pacific/Auckland", Laws: []string{"nz_privacy_act", "au_ndb"}}); err != nil {
		f.t.Fatal(err)
	}
	return f
}

var hashOnce string

func (f *fixture) user(email string, role auth.Role, team bool) auth.User {
	f.t.Helper()
	if hashOnce == "" {
		hashOnce, _ = auth.HashPassword(testPassword)
	}
	u, err := f.db.CreateUser(context.Background(), 0, auth.User{Email: email, Name: strings.Split(email, "@")[0], Role: role, ResponseTeam: team, PasswordHash: hashOnce})
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

func (f *fixture) incident(by auth.User, title string) *incident.Incident {
	f.t.Helper()
	n := 12
	inc, err := f.db.CreateIncident(context.Background(), incident.Actor{UserID: by.ID, Name: by.Name}, title, incident.Report{
		WhatHappened: "Customer list emailed to the wrong supplier.", DiscoveredAt: time.Now().Add(-2 * time.Hour), PeopleCount: &n,
		DataCategories: []string{"name", "contact"}, Cause: "human_error", Ongoing: "no"})
	if err != nil {
		f.t.Fatal(err)
	}
	return inc
}

// client is a browser-like HTTP client with its own cookies.
type client struct {
	f    *fixture
	http *http.Client
	csrf string
}

func (f *fixture) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login signs in through the real form and keeps the session's CSRF token.
func (f *fixture) login(email string) *client {
	f.t.Helper()
	c := f.anon()
	body := c.get("/login")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		f.t.Fatalf("no csrf on login page: %s", body)
	}
	resp := c.post("/login", url.Values{"csrf": {m[1]}, "email": {email}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("login %s: status %d", email, resp.StatusCode)
	}
	m = csrfField.FindStringSubmatch(c.get("/incidents"))
	if m == nil {
		f.t.Fatal("no session csrf token after sign-in")
	}
	c.csrf = m[1]
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.f.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	return resp
}

func (c *client) get(path string) string {
	c.f.t.Helper()
	req, _ := http.NewRequest("GET", c.f.ts.URL+path, nil)
	resp := c.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (c *client) post(path string, form url.Values) *http.Response {
	c.f.t.Helper()
	if form.Get("csrf") == "" && c.csrf != "" {
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.f.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	resp.Body.Close()
	return resp
}

type auditEntry = audit.Entry

func bufCopy(w *strings.Builder, resp *http.Response) (int64, error) { return io.Copy(w, resp.Body) }
