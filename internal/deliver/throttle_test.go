package deliver

import (
	"context"
	"testing"
	"time"
)

// TestWindowCapsAnyRollingPeriod: with a cap of 3 an hour, the fourth
// message waits until the first is an hour old, not until the clock's
// hour turns.
func TestWindowCapsAnyRollingPeriod(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 59, 0, 0, time.UTC)
	w := newWindow(3, time.Hour)
	w.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if err := w.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	// 11:02: the first was sent at 10:59, so the fourth must wait.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := w.wait(ctx); err == nil {
		t.Fatal("a fourth message within the hour was allowed")
	}
	now = time.Date(2026, 11, 29, 11, 59, 0, 0, time.UTC)
	if err := w.wait(context.Background()); err != nil {
		t.Fatalf("an hour after the first: %v", err)
	}
}

func TestThrottleBoundsConcurrency(t *testing.T) {
	th := NewThrottle(2, 0, 0)
	a, err := th.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, err := th.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := th.Acquire(ctx); err == nil {
		t.Fatal("a third message was handed over with two in flight")
	}
	a()
	c, err := th.Acquire(context.Background())
	if err != nil {
		t.Fatalf("after one finished: %v", err)
	}
	b()
	c()
}
