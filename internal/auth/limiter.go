package auth

import (
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Throttle slows password guessing the way well-kept sign-in throttles do
// (OWASP's authentication guidance; Rack::Attack's and django-axes'
// address and username-and-address rules): it counts failed sign-ins per
// address and per account-and-address within a sliding window.
//
//   - An address that fails PerAddress times in Window is refused for every
//     account, so one machine cannot spray guesses across accounts.
//   - An address that fails PerAccount times for one account is refused for
//     that account only. The account is never locked for everyone: a
//     guesser elsewhere cannot lock its owner out.
//   - A successful sign-in clears only its own account-and-address count:
//     signing in to one's own account between guesses resets nothing that
//     counts the guesses.
//
// An attempt is counted when it begins, before the password is hashed, so
// forty requests sent at once cannot all pass the check before the first
// has failed; a sign-in that succeeds, or is turned away before its
// password was checked, is taken off again.
type Throttle struct {
	PerAddress int
	PerAccount int
	Window     time.Duration
	Now        func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
	calls    int
}

// NewThrottle returns a throttle with the given limits per window.
func NewThrottle(perAddress, perAccount int, window time.Duration) *Throttle {
	return &Throttle{PerAddress: perAddress, PerAccount: perAccount, Window: window, Now: time.Now, failures: map[string][]time.Time{}}
}

// Attempt is one sign-in counted against its address and account.
type Attempt struct {
	t         *Throttle
	addr, acc string
	at        time.Time
}

// AddressKey is how an address is counted: IPv4 addresses one by one,
// IPv6 addresses by their /64 network, which one machine usually holds
// whole.
func AddressKey(addr string) string {
	a, err := netip.ParseAddr(strings.Trim(addr, "[]"))
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

func (t *Throttle) recent(key string, now time.Time) []time.Time {
	cut := now.Add(-t.Window)
	fs := t.failures[key]
	i := 0
	for i < len(fs) && !fs[i].After(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.failures, key)
		return nil
	}
	t.failures[key] = fs
	return fs
}

// sweep drops expired keys now and then, so guesses at many accounts do
// not grow the map for ever.
func (t *Throttle) sweep(now time.Time) {
	t.calls++
	if t.calls%1024 != 0 {
		return
	}
	for k := range t.failures {
		t.recent(k, now)
	}
}

// Begin counts an attempt from addr at account. When either limit is
// reached it returns ok false and how long until the oldest counted
// failure leaves the window.
func (t *Throttle) Begin(addr, account string) (a *Attempt, retryAfter time.Duration, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.Now()
	t.sweep(now)
	ak, uk := "a:"+AddressKey(addr), "u:"+account+"\x00"+AddressKey(addr)
	for _, c := range []struct {
		key string
		max int
	}{{ak, t.PerAddress}, {uk, t.PerAccount}} {
		if fs := t.recent(c.key, now); len(fs) >= c.max {
			wait := fs[len(fs)-c.max].Add(t.Window).Sub(now)
			retryAfter = max(retryAfter, wait)
		}
	}
	if retryAfter > 0 {
		return nil, retryAfter, false
	}
	t.failures[ak] = append(t.failures[ak], now)
	t.failures[uk] = append(t.failures[uk], now)
	return &Attempt{t: t, addr: ak, acc: uk, at: now}, 0, true
}

// Failed leaves the attempt counted as a failure.
func (a *Attempt) Failed() {}

// Cancel takes back an attempt that never checked a password.
func (a *Attempt) Cancel() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	a.t.drop(a.addr, a.at)
	a.t.drop(a.acc, a.at)
}

// Succeeded takes the attempt back and forgets the account-and-address
// failures, but not the address's failures at other accounts.
func (a *Attempt) Succeeded() {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	a.t.drop(a.addr, a.at)
	delete(a.t.failures, a.acc)
}

func (t *Throttle) drop(key string, at time.Time) {
	fs := t.failures[key]
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].Equal(at) {
			t.failures[key] = append(fs[:i:i], fs[i+1:]...)
			break
		}
	}
	if len(t.failures[key]) == 0 {
		delete(t.failures, key)
	}
}
