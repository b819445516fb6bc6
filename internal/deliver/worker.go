package deliver

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Entry is one message in the outbox: one notice version to one person
// by one channel. It is recorded before it is sent.
type Entry struct {
	ID         int64
	CampaignID int64
	IncidentID int64
	PersonID   int64
	Channel    Channel
	Status     Status
	Attempts   int
	// Version is the notice version the campaign sends (stage and text),
	// part of the message's deterministic id.
	Version int
}

// Result is what one attempt came to, as the outbox records it.
type Result struct {
	EntryID int64
	Outcome Outcome
	// NextAttempt is when a Queued outcome is tried again.
	NextAttempt time.Time
	MessageID   string
	// Content is exactly what was handed over (sealed by the outbox), and
	// ContentHash its SHA-256; both empty when nothing was sent.
	Content     []byte
	ContentHash []byte
	At          time.Time
}

// Outbox is the store side of delivery. Several worker processes share
// one outbox: a worker leases the entries it claims, and an entry whose
// lease ran out (its worker died) is claimed again.
type Outbox interface {
	// Claim leases up to n entries on the given channels that are due:
	// queued with their next attempt due, in a running campaign, or
	// sending under a lease that ran out. Each is marked sending under
	// owner until leaseUntil, and its attempts counted.
	ClaimMessages(ctx context.Context, owner string, channels []Channel, now, leaseUntil time.Time, n int) ([]Entry, error)
	// Extend moves owner's leases on the given entries to until.
	ExtendLeases(ctx context.Context, owner string, ids []int64, until time.Time) error
	// Record stores results in one transaction: status, attempts, the
	// last detail, ids, the sealed content and its hash, the entry's
	// history and the campaign's counts. Results of entries owner no
	// longer leases are still recorded (the message was sent).
	RecordResults(ctx context.Context, owner string, results []Result) error
}

// Rendered is what a Renderer makes of an entry: the email or the text
// message for its channel, and the exact bytes that stand for what was
// sent (archived and hashed).
type Rendered struct {
	Email   *Message
	SMS     *SMSMessage
	Content []byte
}

// Renderer writes an entry's notice for its person: the campaign's
// approved text merged with the person's details.
type Renderer interface {
	Render(ctx context.Context, e Entry) (Rendered, error)
}

// Preparer is a Renderer that reads what a batch of messages needs at
// once, before they are written one by one.
type Preparer interface {
	Prepare(ctx context.Context, es []Entry) error
}

// ErrUnrenderable wraps a render failure that retrying cannot mend (the
// person has no address for the channel, the notice fails its checks):
// the entry fails with the reason instead of being retried.
var ErrUnrenderable = errors.New("the notice cannot be written for this person")

// Worker drains the outbox: it claims due entries, renders each, hands it
// to its channel within the channel's limits, and records what came of
// it before it starts another message in the same slot, so that a crash
// can resend at most one message per slot (with the same Message-ID).
type Worker struct {
	Outbox   Outbox
	Render   Renderer
	Mail     *Mailer   // nil: email is not configured; email entries wait
	SMS      SMSSender // nil: SMS is not configured; SMS entries wait
	Owner    string    // unique per process, e.g. host/pid
	Slots    int       // messages in flight at once (default: the mailer's concurrency, else 4)
	Lease    time.Duration
	Poll     time.Duration // how often an idle worker looks for work
	MaxTries int           // attempts before a temporary failure becomes final
	Log      *slog.Logger
	Now      func() time.Time

	// writes keeps this worker's own writes to the outbox (claims, lease
	// renewals, results) from waiting on each other inside the database:
	// one at a time, they never meet SQLite's busy handler.
	writes sync.Mutex
}

func (w *Worker) defaults() {
	if w.Slots <= 0 {
		w.Slots = 4
		if w.Mail != nil {
			w.Slots = w.Mail.Concurrency()
		}
	}
	if w.Lease <= 0 {
		w.Lease = 30 * time.Second
	}
	if w.Poll <= 0 {
		w.Poll = time.Second
	}
	if w.MaxTries <= 0 {
		w.MaxTries = 12
	}
	if w.Now == nil {
		w.Now = func() time.Time { return time.Now().UTC() }
	}
}

// Run works until ctx ends. Errors of the store are logged and retried
// after a pause; they never lose a message (an entry claimed and not
// recorded is claimed again when its lease runs out).
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	// The committer outlives ctx until every slot has recorded what it
	// sent: a message handed over must not be sent again after a clean stop.
	cctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	c := newCommitter(w.Outbox, w.Owner, &w.writes)
	go c.run(cctx)
	slots := make(chan struct{}, w.Slots)
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		stop()
	}()
	pending := newLeaseSet()
	go w.renew(ctx, pending)
	var channels []Channel
	if w.Mail != nil {
		channels = append(channels, Email)
	}
	if w.SMS != nil {
		channels = append(channels, SMS)
	}
	if len(channels) == 0 {
		w.Log.Info("delivery: no email server or SMS gateway is configured; this process sends nothing")
		<-ctx.Done()
		return nil
	}
	for ctx.Err() == nil {
		now := w.Now()
		w.writes.Lock()
		batch, err := w.Outbox.ClaimMessages(ctx, w.Owner, channels, now, now.Add(w.Lease), 2*w.Slots)
		w.writes.Unlock()
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Warn("delivery: claiming work failed; trying again", "error", err)
			}
			sleep(ctx, w.Poll)
			continue
		}
		if len(batch) == 0 {
			sleep(ctx, w.Poll+time.Duration(rand.Int64N(int64(w.Poll/2)+1)))
			continue
		}
		pending.add(batch)
		if p, ok := w.Render.(Preparer); ok {
			if err := p.Prepare(ctx, batch); err != nil && ctx.Err() == nil {
				// Each message is then read on its own as it is written.
				w.Log.Warn("delivery: reading a batch of people failed", "error", err)
			}
		}
		for _, e := range batch {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return nil
			}
			wg.Add(1)
			go func(e Entry) {
				defer wg.Done()
				defer func() { <-slots }()
				r := w.attempt(ctx, e)
				if err := c.record(r); err != nil {
					w.Log.Warn("delivery: a result was not recorded; the message will be sent again when its lease ends", "entry", e.ID, "error", err)
				}
				pending.remove(e.ID)
			}(e)
		}
		// Wait for a free slot before claiming more, so claimed entries
		// never wait long under a lease.
		select {
		case slots <- struct{}{}:
			<-slots
		case <-ctx.Done():
		}
	}
	return nil
}

// attempt renders and sends one entry.
func (w *Worker) attempt(ctx context.Context, e Entry) Result {
	r := Result{EntryID: e.ID}
	rd, err := w.Render.Render(ctx, e)
	switch {
	case errors.Is(err, ErrUnrenderable):
		r.Outcome = Outcome{Status: Failed, Detail: err.Error()}
		r.At = w.Now()
		return r
	case err != nil:
		r.Outcome = Outcome{Status: Queued, Detail: "writing the notice: " + err.Error()}
		return w.retry(e, r)
	}
	switch {
	case e.Channel == Email && rd.Email != nil:
		r.MessageID = rd.Email.MessageID
		r.Outcome = w.Mail.Send(ctx, *rd.Email)
	case e.Channel == SMS && rd.SMS != nil:
		r.Outcome = w.SMS.SendSMS(ctx, *rd.SMS)
	default:
		r.Outcome = Outcome{Status: Failed, Detail: fmt.Sprintf("%s is not sent by a worker", e.Channel)}
	}
	r.At = w.Now()
	if r.Outcome.Status == Sent {
		sum := sha256.Sum256(rd.Content)
		r.Content, r.ContentHash = rd.Content, sum[:]
	}
	if r.Outcome.Retry() {
		return w.retry(e, r)
	}
	return r
}

// retry schedules a temporary failure with a growing, jittered pause, or
// ends it after MaxTries attempts with the last reason.
func (w *Worker) retry(e Entry, r Result) Result {
	r.At = w.Now()
	if e.Attempts >= w.MaxTries {
		r.Outcome = Outcome{Status: Failed, Detail: fmt.Sprintf("gave up after %d attempts: %s", e.Attempts, r.Outcome.Detail)}
		return r
	}
	r.NextAttempt = r.At.Add(Backoff(e.Attempts))
	return r
}

// Backoff is the pause before attempt n+1: 30 s doubling to at most 2
// hours, with a fifth of jitter so that retries of a failed server do not
// arrive together.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second << min(max(attempts-1, 0), 8)
	d = min(d, 2*time.Hour)
	return d - time.Duration(rand.Int64N(int64(d/5)+1))
}

func (w *Worker) renew(ctx context.Context, p *leaseSet) {
	t := time.NewTicker(w.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			ids := p.ids()
			if len(ids) == 0 {
				continue
			}
			w.writes.Lock()
			err := w.Outbox.ExtendLeases(ctx, w.Owner, ids, w.Now().Add(w.Lease))
			w.writes.Unlock()
			if err != nil && ctx.Err() == nil {
				w.Log.Warn("delivery: leases not renewed", "error", err)
			}
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// leaseSet is the entries a worker holds and has not recorded yet.
type leaseSet struct {
	mu sync.Mutex
	m  map[int64]struct{}
}

func newLeaseSet() *leaseSet { return &leaseSet{m: map[int64]struct{}{}} }

func (l *leaseSet) add(es []Entry) {
	l.mu.Lock()
	for _, e := range es {
		l.m[e.ID] = struct{}{}
	}
	l.mu.Unlock()
}

func (l *leaseSet) remove(id int64) {
	l.mu.Lock()
	delete(l.m, id)
	l.mu.Unlock()
}

func (l *leaseSet) ids() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]int64, 0, len(l.m))
	for id := range l.m {
		out = append(out, id)
	}
	return out
}

// committer records results in groups: a slot hands its result over and
// waits until it is durable, while one goroutine writes whatever results
// have gathered in one transaction. At 1,500 messages a second this is a
// few dozen results per commit instead of 1,500 commits.
type committer struct {
	out    Outbox
	owner  string
	in     chan pendingResult
	writes *sync.Mutex
}

type pendingResult struct {
	r    Result
	done chan error
}

func newCommitter(o Outbox, owner string, writes *sync.Mutex) *committer {
	return &committer{out: o, owner: owner, in: make(chan pendingResult, 1024), writes: writes}
}

// record hands a result over and waits until it is written.
func (c *committer) record(r Result) error {
	p := pendingResult{r: r, done: make(chan error, 1)}
	c.in <- p
	return <-p.done
}

// maxGroup bounds one transaction's results.
const maxGroup = 512

func (c *committer) run(ctx context.Context) {
	for {
		var group []pendingResult
		select {
		case p := <-c.in:
			group = append(group, p)
		case <-ctx.Done():
			return
		}
	gather:
		for len(group) < maxGroup {
			select {
			case p := <-c.in:
				group = append(group, p)
			default:
				break gather
			}
		}
		rs := make([]Result, len(group))
		for i, p := range group {
			rs[i] = p.r
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		c.writes.Lock()
		err := c.out.RecordResults(wctx, c.owner, rs)
		c.writes.Unlock()
		cancel()
		for _, p := range group {
			p.done <- err
		}
	}
}
