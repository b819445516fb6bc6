package store

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
)

// Several servers behind a load balancer share sessions and the sign-in
// throttle through the database: a session made by one is known to the
// others, and guesses spread over servers count together, exactly.
func testSessionsAndThrottleAreShared(t *testing.T, o opener) {
	ctx := context.Background()
	dbs := o.processes(t, 4)
	u := mustUser(t, dbs[0], "po@example.org", auth.PrivacyOfficer)
	exp := time.Now().UTC().Add(time.Hour)
	if err := dbs[0].CreateSession(ctx, "hash-1", auth.Session{UserID: u.ID, CSRF: "csrf-1", ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	s, err := dbs[1].Session(ctx, "hash-1", time.Now().UTC())
	if err != nil || s.UserID != u.ID || s.CSRF != "csrf-1" {
		t.Fatalf("another server does not know the session: %+v %v", s, err)
	}
	if err := dbs[2].DeleteSession(ctx, "hash-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := dbs[3].Session(ctx, "hash-1", time.Now().UTC()); err == nil {
		t.Fatal("a session signed out on one server lives on another")
	}

	// Forty guesses at once from one address, spread over four servers:
	// exactly the limit pass.
	ths := make([]*auth.Throttle, len(dbs))
	for k, db := range dbs {
		ths[k] = auth.NewThrottle(db, "signin", 20, 10, 15*time.Minute)
	}
	var passed atomic.Int64
	parallel(t, 40, func(i int) error {
		_, _, ok, err := ths[i%len(ths)].Begin(ctx, "203.0.113.9", "victim@example.org")
		if ok {
			passed.Add(1)
		}
		return err
	})
	if n := passed.Load(); n != 10 {
		t.Errorf("%d of 40 concurrent guesses passed, want the limit of 10", n)
	}
	// The owner elsewhere is not locked out.
	if _, _, ok, err := ths[1].Begin(ctx, "198.51.100.7", "victim@example.org"); !ok || err != nil {
		t.Errorf("the account is locked for another address: %v", err)
	}
}

// The throttle's rules, on the database: per account at an address, per
// address across accounts, a success clearing only its own count, and
// failures leaving the window.
func testThrottleRules(t *testing.T, o opener) {
	ctx := context.Background()
	db, _ := o.open(t)
	now := time.Unix(1_800_000_000, 0).UTC()
	th := auth.NewThrottle(db, "signin", 5, 3, time.Minute)
	th.Now = func() time.Time { return now }
	begin := func(addr, acc string) (*auth.Attempt, time.Duration, bool) {
		t.Helper()
		now = now.Add(time.Millisecond)
		a, wait, ok, err := th.Begin(ctx, addr, acc)
		if err != nil {
			t.Fatal(err)
		}
		return a, wait, ok
	}
	for range 3 {
		a, _, ok := begin("10.0.0.1", "victim")
		if !ok {
			t.Fatal("refused before the limit")
		}
		a.Failed()
	}
	if _, wait, ok := begin("10.0.0.1", "victim"); ok || wait <= 59*time.Second || wait > time.Minute {
		t.Fatalf("account at address not refused (ok %v, wait %v)", ok, wait)
	}
	if _, _, ok := begin("10.0.0.2", "victim"); !ok {
		t.Fatal("the account is locked for another address")
	}
	// The address's own sign-in succeeds and cancels nothing but itself.
	a, _, _ := begin("10.0.0.1", "mallory")
	if err := a.Succeeded(ctx); err != nil {
		t.Fatal(err)
	}
	a, _, _ = begin("10.0.0.1", "other")
	a.Failed()
	a, _, _ = begin("10.0.0.1", "another")
	a.Failed()
	if _, _, ok := begin("10.0.0.1", "third"); ok {
		t.Fatal("the address passed its limit across accounts")
	}
	// An attempt turned away before its password was checked is taken
	// back.
	a, _, ok := begin("10.0.0.3", "x")
	if !ok {
		t.Fatal("a fresh address was refused")
	}
	if err := a.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(61 * time.Second)
	if _, _, ok := begin("10.0.0.1", "victim"); !ok {
		t.Fatal("failures older than the window still count")
	}
}
