package auth

import (
	"sync"
	"time"
)

// Limiter throttles sign-in attempts per key (an address, an email), so a
// password cannot be guessed by trying many: after Max failures within
// Window the key is refused until the window has passed.
type Limiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewLimiter returns a limiter allowing max failures per window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, Now: time.Now, failures: map[string][]time.Time{}}
}

func (l *Limiter) recent(key string) []time.Time {
	cut := l.Now().Add(-l.Window)
	fs := l.failures[key]
	i := 0
	for i < len(fs) && fs[i].Before(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = fs
	return fs
}

// Allowed says whether every key may try now.
func (l *Limiter) Allowed(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if len(l.recent(k)) >= l.Max {
			return false
		}
	}
	return true
}

// Fail records a failed attempt for every key.
func (l *Limiter) Fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	for _, k := range keys {
		l.failures[k] = append(l.recent(k), now)
	}
}

// Reset forgets a key's failures after a successful sign-in.
func (l *Limiter) Reset(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		delete(l.failures, k)
	}
}
