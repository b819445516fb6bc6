package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// TestDebugAddrIsLoopbackOnly: the profiler answers on a loopback
// address and is refused anywhere else.
func TestDebugAddrIsLoopbackOnly(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:6060", "example.org:6060"} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		o := runtimeFlags(fs)
		if err := fs.Parse([]string{"--debug-addr", addr}); err != nil {
			t.Fatal(err)
		}
		if stop, err := o.apply(context.Background(), log); err == nil || !strings.Contains(err.Error(), "loopback") {
			if stop != nil {
				stop()
			}
			t.Errorf("--debug-addr %s: %v, want a refusal", addr, err)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	o := runtimeFlags(fs)
	if err := fs.Parse([]string{"--debug-addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	stop, err := o.apply(context.Background(), slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	_, url, ok := strings.Cut(logged.String(), "http://")
	if !ok {
		t.Fatalf("the profiler's address was not logged: %s", logged.String())
	}
	url = "http://" + strings.Fields(strings.Trim(url, `"`))[0]
	url = strings.TrimRight(url, `"`)
	res, err := http.Get(url + "cmdline")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %s", url, res.Status)
	}
}
