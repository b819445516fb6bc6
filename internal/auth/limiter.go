package auth

import (
	"context"
	"errors"
	"net/netip"
	"strings"
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
// password was checked, is taken off again. The attempts are kept in the
// database, so servers behind a load balancer count them together.
type Throttle struct {
	// Name keeps this throttle's counts apart from other throttles' in
	// the same store.
	Name       string
	PerAddress int
	PerAccount int
	Window     time.Duration
	Now        func() time.Time
	// Store keeps the attempts: the database, so that every server behind
	// a load balancer counts the same ones.
	Store AttemptStore
}

// AttemptStore keeps the counted sign-in attempts.
type AttemptStore interface {
	// TryAttempt, as one step no other attempt can come between, reads
	// the times of the attempts under each key since `since`, oldest
	// first, and records an attempt at `at` under every key unless
	// refuse, given those times, returns a wait above zero, which
	// TryAttempt then returns.
	TryAttempt(ctx context.Context, keys []string, since, at time.Time, refuse func(times [][]time.Time) time.Duration) (time.Duration, error)
	// DropAttempt takes back the attempt at `at` under key.
	DropAttempt(ctx context.Context, key string, at time.Time) error
	// ClearAttempts forgets every attempt under key.
	ClearAttempts(ctx context.Context, key string) error
}

// NewThrottle returns a throttle named name with the given limits per
// window, counting in st.
func NewThrottle(st AttemptStore, name string, perAddress, perAccount int, window time.Duration) *Throttle {
	return &Throttle{Name: name, PerAddress: perAddress, PerAccount: perAccount, Window: window, Now: time.Now, Store: st}
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

// Begin counts an attempt from addr at account. When either limit is
// reached it returns ok false and how long until the oldest counted
// failure leaves the window. An error means the attempts could not be
// counted: the sign-in must not go ahead.
func (t *Throttle) Begin(ctx context.Context, addr, account string) (a *Attempt, retryAfter time.Duration, ok bool, err error) {
	now := t.Now().UTC()
	ak := t.Name + " a:" + AddressKey(addr)
	uk := t.Name + " u:" + AddressKey(addr) + " " + account // names and address keys have no space
	limits := []int{t.PerAddress, t.PerAccount}
	wait, err := t.Store.TryAttempt(ctx, []string{ak, uk}, now.Add(-t.Window), now, func(times [][]time.Time) time.Duration {
		var wait time.Duration
		for k, fs := range times {
			if n := limits[k]; len(fs) >= n {
				wait = max(wait, fs[len(fs)-n].Add(t.Window).Sub(now))
			}
		}
		return wait
	})
	if err != nil || wait > 0 {
		return nil, wait, false, err
	}
	return &Attempt{t: t, addr: ak, acc: uk, at: now}, 0, true, nil
}

// Failed leaves the attempt counted as a failure.
func (a *Attempt) Failed() {}

// Cancel takes back an attempt that never checked a password.
func (a *Attempt) Cancel(ctx context.Context) error {
	return errors.Join(a.t.Store.DropAttempt(ctx, a.addr, a.at), a.t.Store.DropAttempt(ctx, a.acc, a.at))
}

// Succeeded takes the attempt back and forgets the account-and-address
// failures, but not the address's failures at other accounts.
func (a *Attempt) Succeeded(ctx context.Context) error {
	return errors.Join(a.t.Store.DropAttempt(ctx, a.addr, a.at), a.t.Store.ClearAttempts(ctx, a.acc))
}
