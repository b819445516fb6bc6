package datadir

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestSecondProcessIsRefusedAndToldWho(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, "serve")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, "serve")
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(err.Error(), "breachdesk serve") {
		t.Fatalf("want a refusal naming this process, got %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir, "key rotate")
	if err != nil {
		t.Fatalf("released folder not taken: %v", err)
	}
	l2.Release()
	if fi, err := os.Stat(dir + "/" + LockName); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("lock file mode: %v %v", fi, err)
	}
}
