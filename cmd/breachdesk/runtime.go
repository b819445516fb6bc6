package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"time"
)

// runtimeOptions tune the Go runtime of a long-running process (serve,
// worker): how often the collector runs and how much memory it may let
// the heap grow to, and a loopback-only address for Go's profiler.
type runtimeOptions struct {
	gcPercent   *int
	memoryLimit *int
	debugAddr   *string
}

func runtimeFlags(fs *flag.FlagSet) *runtimeOptions {
	return &runtimeOptions{
		gcPercent: fs.Int("gc-percent", atoiOr(env("BREACHDESK_GC_PERCENT", "200"), 200),
			"heap growth between garbage collections, in percent (Go's GOGC; 100 is Go's default): higher spends less CPU collecting and more memory (env BREACHDESK_GC_PERCENT; GOGC wins when set)"),
		memoryLimit: fs.Int("memory-limit", atoiOr(env("BREACHDESK_MEMORY_LIMIT_MB", "1800"), 1800),
			"soft memory limit in MiB, as breachdesk scan's: near it the collector runs more often, whatever --gc-percent says (env BREACHDESK_MEMORY_LIMIT_MB; GOMEMLIMIT wins when set)"),
		debugAddr: fs.String("debug-addr", env("BREACHDESK_DEBUG_ADDR", ""),
			"loopback address serving Go's profiler at /debug/pprof/ (e.g. 127.0.0.1:6060), for measuring CPU and memory; empty: off (env BREACHDESK_DEBUG_ADDR)"),
	}
}

// apply sets the collector's targets and starts the profiler's listener
// when asked; the returned function stops it.
func (o *runtimeOptions) apply(ctx context.Context, log *slog.Logger) (func(), error) {
	if os.Getenv("GOGC") == "" && *o.gcPercent > 0 {
		debug.SetGCPercent(*o.gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" && *o.memoryLimit > 0 {
		debug.SetMemoryLimit(int64(*o.memoryLimit) << 20)
	}
	if *o.debugAddr == "" {
		return func() {}, nil
	}
	host, _, err := net.SplitHostPort(*o.debugAddr)
	if err != nil {
		return nil, fmt.Errorf("--debug-addr %q: give host:port (%v)", *o.debugAddr, err)
	}
	// The profiler shows the process's internals (and can slow it): it
	// is never offered beyond this machine.
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--debug-addr %q: the profiler listens on loopback only (127.0.0.1 or ::1)", *o.debugAddr)
	}
	ln, err := net.Listen("tcp", *o.debugAddr)
	if err != nil {
		return nil, fmt.Errorf("--debug-addr: cannot listen on %s: %w", *o.debugAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("the profiler's listener stopped", "error", err)
		}
	}()
	log.Info("Go's profiler is at http://" + ln.Addr().String() + "/debug/pprof/")
	return func() {
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := hs.Shutdown(shut); err != nil {
			log.Warn("the profiler's listener did not stop cleanly", "error", err)
		}
	}, nil
}
