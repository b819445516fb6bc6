// Command cluster-load drives and checks scripts/cluster-test: "load"
// runs concurrent clients against several breachdesk servers, each
// request on the next server in turn, and records every write a server
// acknowledged; "check" then reads the database and says how many of
// them were lost, how many job effects were applied twice, how many
// periods the periodic job ran, and whether breachdesk's audit verify
// passes.
package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cluster-load load|check [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "load":
		err = load(os.Args[2:])
	case "check":
		err = check(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster-load:", err)
		os.Exit(1)
	}
}

// ack is one write a server acknowledged.
type ack struct {
	Kind     string `json:"kind"` // incident, note, task or scan
	Incident int64  `json:"incident"`
	Title    string `json:"title,omitempty"`
	Text     string `json:"text,omitempty"`
	Task     int64  `json:"task,omitempty"`
	Job      int64  `json:"job,omitempty"`
	Label    string `json:"label,omitempty"`
	People   int    `json:"people,omitempty"`
}

// failures counts requests that failed, with a few of their reasons.
type failures struct {
	mu      sync.Mutex
	n       int
	reasons map[string]int
}

// add counts a failure; a request cut short by the end of the run is not
// one.
func (f *failures) add(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	msg := err.Error()
	if i := strings.Index(msg, ": dial tcp"); i > 0 {
		msg = "connection refused (a killed server)"
	}
	if len(msg) > 120 {
		msg = msg[:120]
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.reasons[msg]++
}

// client is one person working through the servers in turn.
type client struct {
	n    int
	urls []string
	hc   *http.Client
	csrf string
	next int
}

func (c *client) url(path string) string {
	u := c.urls[c.next%len(c.urls)] + path
	c.next++
	return u
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in as a person would, on whichever server answers.
func (c *client) signIn(ctx context.Context, email, password string) error {
	for attempt := 0; ; attempt++ {
		err := c.trySignIn(ctx, email, password)
		if err == nil || ctx.Err() != nil || attempt > 50 {
			return err
		}
		time.Sleep(time.Duration(200+attempt*100) * time.Millisecond)
	}
}

func (c *client) trySignIn(ctx context.Context, email, password string) error {
	base := c.url("")
	page, err := c.get(ctx, base+"/login")
	if err != nil {
		return err
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return errors.New("no form token on the sign-in page")
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign-in answered %d", resp.StatusCode)
	}
	// The session's form token, from any server: sessions are shared.
	page, err = c.get(ctx, c.url("/incidents"))
	if err != nil {
		return err
	}
	if m = csrfField.FindStringSubmatch(page); m == nil {
		return errors.New("no form token after signing in")
	}
	c.csrf = m[1]
	return nil
}

func (c *client) get(ctx context.Context, u string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET answered %d", resp.StatusCode)
	}
	return string(b), err
}

// api sends JSON with the session's token and decodes the answer when
// the status is want.
func (c *client) api(ctx context.Context, method, path string, in, out any, want int) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, method, c.url(path), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", c.csrf)
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("%s %s answered %d: %s", method, path, resp.StatusCode, body)
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// scan uploads a CSV of people people, unique to this scan, through the
// incident's Exposed files form.
func (c *client) scan(ctx context.Context, incidentID int64, label string, people int) (int64, error) {
	var csv bytes.Buffer
	csv.WriteString("name,email,phone\n")
	for k := range people {
		fmt.Fprintf(&csv, "Client%d Person%d,%s.p%d@example.co.nz,+64 21 %03d %04d\n", c.n, k, strings.TrimSuffix(label, ".csv"), k, c.n, k)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.csrf)
	fw, err := mw.CreateFormFile("file", label)
	if err != nil {
		return 0, err
	}
	fw.Write(csv.Bytes())
	mw.Close()
	req, _ := http.NewRequestWithContext(ctx, "POST", c.url("/incidents/"+strconv.FormatInt(incidentID, 10)+"/scans"), &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/scans/") {
		return 0, fmt.Errorf("scan upload answered %d", resp.StatusCode)
	}
	return strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
}

// work is one client's loop: report an incident, note on it, tick one
// of its tasks, and now and then upload a file to scan.
func (c *client) work(ctx context.Context, scanEvery, people int, record func(ack), failures *failures) {
	for i := 0; ctx.Err() == nil; i++ {
		title := fmt.Sprintf("Cluster test %d.%d", c.n, i)
		var inc struct {
			ID int64 `json:"id"`
		}
		now := time.Now().UTC().Add(-time.Hour)
		err := c.api(ctx, "POST", "/api/v1/incidents", map[string]any{"title": title, "what_happened": "A laptop with client files was left on a train.",
			"discovered_at": now, "ongoing": "no", "cause": "human_error", "data_categories": []string{"name", "contact"}}, &inc, http.StatusCreated)
		if err != nil {
			failures.add(ctx, err)
			continue
		}
		record(ack{Kind: "incident", Incident: inc.ID, Title: title})
		text := fmt.Sprintf("Note %d.%d: the laptop was found.", c.n, i)
		if err := c.api(ctx, "POST", fmt.Sprintf("/api/v1/incidents/%d/timeline", inc.ID), map[string]string{"kind": "note", "text": text}, nil, http.StatusCreated); err == nil {
			record(ack{Kind: "note", Incident: inc.ID, Text: text})
		} else {
			failures.add(ctx, err)
		}
		var tasks struct {
			Tasks []struct {
				ID int64 `json:"id"`
			} `json:"tasks"`
		}
		if err := c.api(ctx, "GET", fmt.Sprintf("/api/v1/incidents/%d/tasks", inc.ID), nil, &tasks, http.StatusOK); err == nil && len(tasks.Tasks) > 0 {
			id := tasks.Tasks[i%len(tasks.Tasks)].ID
			if err := c.api(ctx, "PATCH", fmt.Sprintf("/api/v1/incidents/%d/tasks/%d", inc.ID, id), map[string]bool{"done": true}, nil, http.StatusOK); err == nil {
				record(ack{Kind: "task", Incident: inc.ID, Task: id})
			} else {
				failures.add(ctx, err)
			}
		} else if err != nil {
			failures.add(ctx, err)
		}
		if scanEvery > 0 && i%scanEvery == 0 {
			label := fmt.Sprintf("c%d-i%d.csv", c.n, i)
			if job, err := c.scan(ctx, inc.ID, label, people); err == nil {
				record(ack{Kind: "scan", Incident: inc.ID, Job: job, Label: label, People: people})
			} else {
				failures.add(ctx, err)
			}
		}
	}
}

func load(args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	urls := fs.String("urls", "", "servers, comma-separated")
	clients := fs.Int("clients", 50, "concurrent clients")
	duration := fs.Duration("duration", 60*time.Second, "how long to drive the servers")
	email := fs.String("email", "privacy@demo.breachdesk.test", "account to sign in as")
	password := fs.String("password", "demo-password-2026", "its password")
	out := fs.String("acks", "acks.jsonl", "where to record acknowledged writes")
	scanEvery := fs.Int("scan-every", 5, "start a scan every Nth round of a client")
	people := fs.Int("people", 40, "people in each scanned file")
	started := fs.String("started", "", "file written with the time the timed run starts, once every client has signed in")
	fs.Parse(args)
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	var mu sync.Mutex
	var writes atomic.Int64
	fails := &failures{reasons: map[string]int{}}
	record := func(a ack) {
		b, _ := json.Marshal(a)
		mu.Lock()
		defer mu.Unlock()
		w.Write(append(b, '\n'))
		writes.Add(1)
	}
	// Every client signs in first (argon2id is slow on purpose, more so on
	// a busy machine); the timed run starts when all have.
	signCtx, cancelSign := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancelSign()
	cs := make([]*client, *clients)
	var wg sync.WaitGroup
	for n := range cs {
		jar, _ := cookiejar.New(nil)
		cs[n] = &client{n: n, urls: strings.Split(*urls, ","), next: n, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cs[n].signIn(signCtx, *email, *password); err != nil {
				fails.add(signCtx, fmt.Errorf("signing in: %w", err))
				cs[n] = nil
			}
		}()
	}
	wg.Wait()
	if *started != "" {
		if err := os.WriteFile(*started, []byte(time.Now().UTC().Format(time.RFC3339)), 0o600); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	for _, c := range cs {
		if c == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.work(ctx, *scanEvery, *people, record, fails)
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	fmt.Printf("load: %d writes acknowledged, %d requests failed\n", writes.Load(), fails.n)
	for msg, n := range fails.reasons {
		fmt.Printf("  %d x %s\n", n, msg)
	}
	return w.Flush()
}

func check(args []string) error {
	fs := flag.NewFlagSet("check", flag.ExitOnError)
	dbURL := fs.String("database", "", "the cluster's PostgreSQL database")
	in := fs.String("acks", "acks.jsonl", "acknowledged writes recorded by load")
	from := fs.String("from", "", "when the cluster was up (RFC 3339)")
	to := fs.String("to", "", "when the load ended (RFC 3339)")
	every := fs.Duration("every", time.Hour, "the periodic job's period (--remind-every)")
	wait := fs.Duration("wait", 3*time.Minute, "how long to wait for queued jobs to finish")
	bd := fs.String("breachdesk", "breachdesk", "the breachdesk binary, to run its audit verify (with the cluster's environment)")
	fs.Parse(args)
	ctx := context.Background()
	start, err := time.Parse(time.RFC3339, *from)
	if err != nil {
		return err
	}
	end, err := time.Parse(time.RFC3339, *to)
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	acks, err := readAcks(*in)
	if err != nil {
		return err
	}
	// Jobs a killed worker held wait for River's rescuer: give them time.
	deadline := time.Now().Add(*wait)
	for {
		var open int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE state IN ('queued','running')`).Scan(&open); err != nil {
			return err
		}
		if open == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	var lost, dup int
	for _, a := range acks {
		l, d, err := verify(ctx, db, a)
		if err != nil {
			return err
		}
		lost, dup = lost+l, dup+d
	}
	// Each reminder is one notification per person; more is a periodic
	// job's effect applied twice.
	var extra int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) - COUNT(DISTINCT (user_id, text)) FROM notifications WHERE text LIKE '%is due by%' OR text LIKE '%was due by%' OR text LIKE 'The response plan is due for review%'`).Scan(&extra); err != nil {
		return err
	}
	dup += extra
	periods, expected, err := periodicRuns(ctx, db, start, end, *every)
	if err != nil {
		return err
	}
	// breachdesk's own check: the chain, the entries' MACs under the audit
	// key, and the heads recorded beside the database.
	chain := "audit ok"
	out, err := exec.CommandContext(ctx, *bd, "audit", "verify").CombinedOutput()
	if err != nil {
		chain = "audit broken"
		fmt.Printf("audit: %s", out)
	}
	fmt.Printf("cluster: writes %d acknowledged, lost %d, duplicate job effects %d, periodic runs %d of %d expected, %s\n", len(acks), lost, dup, periods, expected, chain)
	return nil
}

func readAcks(path string) ([]ack, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []ack
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var a ack
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, sc.Err()
}

// verify says whether an acknowledged write is lost and how many of its
// job's effects were applied more than once.
func verify(ctx context.Context, db *sql.DB, a ack) (lost, dup int, err error) {
	var n int
	switch a.Kind {
	case "incident":
		err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM incidents WHERE id = $1 AND title = $2`, a.Incident, a.Title).Scan(&n)
	case "note":
		err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM timeline WHERE incident_id = $1 AND text = $2`, a.Incident, a.Text).Scan(&n)
	case "task":
		err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks WHERE id = $1 AND incident_id = $2 AND done`, a.Task, a.Incident).Scan(&n)
	case "scan":
		var state string
		if err = db.QueryRowContext(ctx, `SELECT state FROM jobs WHERE id = $1 AND incident_id = $2`, a.Job, a.Incident).Scan(&state); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return 1, 0, nil
			}
			return 0, 0, err
		}
		if state != "done" {
			return 1, 0, nil // never finished: its effect is missing
		}
		var people, notes int
		if err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM affected_people WHERE incident_id = $1 AND source = $2`, a.Incident, "scan of "+a.Label).Scan(&people); err != nil {
			return 0, 0, err
		}
		if err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM timeline WHERE incident_id = $1 AND text LIKE $2`, a.Incident, "Scan of "+a.Label+" finished%").Scan(&notes); err != nil {
			return 0, 0, err
		}
		switch {
		case people < a.People || notes == 0:
			lost = 1
		case people > a.People || notes > 1:
			dup = max(people/a.People, notes) - 1
		}
		return lost, dup, nil
	default:
		return 0, 0, fmt.Errorf("unknown write %q", a.Kind)
	}
	if err != nil {
		return 0, 0, err
	}
	if n == 0 {
		lost = 1
	}
	return lost, 0, nil
}

// periodicRuns counts the periods wholly within [start, end) and how
// many of them the reminders ran for. A period that began just before the
// end has had no time to run in (its job is enqueued on the leader's next
// poll), so it is not expected.
func periodicRuns(ctx context.Context, db *sql.DB, start, end time.Time, every time.Duration) (ran, expected int, err error) {
	first := start.Truncate(every)
	if first.Before(start) {
		first = first.Add(every)
	}
	want := map[string]bool{}
	for p := first; !p.Add(every).After(end); p = p.Add(every) {
		want[p.UTC().Format("2006-01-02T15:04:05.000000000Z")] = true
	}
	rows, err := db.QueryContext(ctx, `SELECT period FROM periodic_runs WHERE kind = 'reminders'`)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return 0, 0, err
		}
		if want[p] {
			ran++
		}
	}
	return ran, len(want), rows.Err()
}
