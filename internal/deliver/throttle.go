package deliver

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttle keeps a channel within its limits: at most a number of
// messages handed over at once, a rate per second, and a cap on any
// rolling hour (providers' quotas). The limits hold within one process;
// with several workers, divide them between the processes.
type Throttle struct {
	slots   chan struct{}
	limiter *rate.Limiter
	hourly  *window
}

// NewThrottle returns a throttle; perSecond 0 and perHour 0 mean no limit.
func NewThrottle(concurrency int, perSecond float64, perHour int) *Throttle {
	t := &Throttle{slots: make(chan struct{}, max(1, concurrency)), limiter: rate.NewLimiter(rate.Inf, 0)}
	if perSecond > 0 {
		t.limiter = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond)))
	}
	if perHour > 0 {
		t.hourly = newWindow(perHour, time.Hour)
	}
	return t
}

// Acquire waits for a slot and for the rates to allow one more message,
// and returns the function that gives the slot back. It fails when ctx
// ends first; nothing was sent then.
func (t *Throttle) Acquire(ctx context.Context) (func(), error) {
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("stopped before sending: %w", ctx.Err())
	}
	release := func() { <-t.slots }
	if err := t.limiter.Wait(ctx); err != nil {
		release()
		return nil, fmt.Errorf("rate limit: %w", err)
	}
	if t.hourly != nil {
		if err := t.hourly.wait(ctx); err != nil {
			release()
			return nil, fmt.Errorf("hourly quota: %w", err)
		}
	}
	return release, nil
}

// window allows at most n events in any rolling period: the times of the
// last n events are kept in a ring, and an event waits until the oldest
// of them is a period old. Memory is n times.
type window struct {
	mu     sync.Mutex
	period time.Duration
	times  []time.Time
	next   int
	full   bool
	now    func() time.Time
}

func newWindow(n int, period time.Duration) *window {
	return &window{period: period, times: make([]time.Time, n), now: time.Now}
}

func (w *window) wait(ctx context.Context) error {
	for {
		w.mu.Lock()
		now := w.now()
		if !w.full || now.Sub(w.times[w.next]) >= w.period {
			w.times[w.next] = now
			w.next++
			if w.next == len(w.times) {
				w.next, w.full = 0, true
			}
			w.mu.Unlock()
			return nil
		}
		sleep := w.period - now.Sub(w.times[w.next])
		w.mu.Unlock()
		t := time.NewTimer(sleep)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}
