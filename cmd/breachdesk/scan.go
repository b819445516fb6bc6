package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/breachdesk/breachdesk/internal/discover"
)

// cmdScan is `breachdesk scan`: the output contract is docs/scan-contract.md.
// Per the contract it exits 1 when it cannot start (bad flags, an
// unreadable root) and 0 once the scan has run, whatever it skipped.
func cmdScan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scan", stderr)
	findings := fs.String("findings", "", "write findings (JSON Lines) to this file; default standard output")
	people := fs.String("people", "", "write the people found (JSON Lines) to this file")
	summary := fs.String("summary", "", "write the summary (JSON) to this file; default a readable summary on standard error")
	key := fs.String("key", env("BREACHDESK_SCAN_KEY", ""), "HMAC key in hex, to match hashes across scans; default a random key per scan, printed in the summary (env BREACHDESK_SCAN_KEY)")
	reveal := fs.Bool("reveal", false, "include raw values in the output (they are masked and hashed otherwise)")
	workers := fs.Int("workers", 0, "files read at once; default one per core")
	contract := fs.Int("contract", discover.ContractVersion, "version of the output contract to write (docs/scan-contract.md): 2, or 1 for tools that read version 1")
	findingHMAC := fs.String("finding-hmac", "", "on: each finding carries the HMAC of its value, to match findings across scans; off: findings carry only their id (for joining them within the scan), and the people file the HMACs of each person's identifiers; default off, on with --contract 1, which requires it")
	defLimit := 1800
	if n, err := strconv.Atoi(env("BREACHDESK_SCAN_MEMORY_MB", "1800")); err == nil && n >= 0 {
		defLimit = n // 0 switches the limit off
	}
	memLimit := fs.Int("memory-limit", defLimit, "soft memory limit in MiB: the collector works harder near it, so ten million people fit in 2 GiB (env BREACHDESK_SCAN_MEMORY_MB; 0 for none)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: breachdesk scan [--findings FILE] [--people FILE] [--summary FILE] [--key HEX] [--reveal] [--contract 1|2] [--finding-hmac on|off] PATH...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 1, err: errors.New("")}
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return &exitError{code: 1, err: errors.New("give at least one file or folder to scan")}
	}
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	opt := discover.Options{Reveal: *reveal, Workers: *workers, Contract: *contract}
	switch {
	case *contract != 1 && *contract != 2:
		return &exitError{code: 1, err: errors.New("--contract must be 1 or 2")}
	case *findingHMAC == "off" && *contract == 1:
		return &exitError{code: 1, err: errors.New("--finding-hmac=off needs --contract 2: version 1 requires each finding's HMAC")}
	case *findingHMAC == "on":
		opt.FindingHMAC = true
	case *findingHMAC != "off" && *findingHMAC != "":
		return &exitError{code: 1, err: errors.New("--finding-hmac must be on or off")}
	}
	if *key != "" {
		k, err := hex.DecodeString(*key)
		if err != nil || len(k) < 16 {
			return &exitError{code: 1, err: errors.New("--key must be at least 16 bytes written in hex (32 hex digits or more)")}
		}
		opt.Key = k
	}
	open := func(name string, def io.Writer) (io.Writer, func() error, error) {
		if name == "" {
			return def, func() error { return nil }, nil
		}
		// Findings and people name real people: owner-only, like the data folder.
		f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, nil, &exitError{code: 1, err: fmt.Errorf("cannot write %s: %w", name, err)}
		}
		return f, f.Close, nil
	}
	out, closeOut, err := open(*findings, stdout)
	if err != nil {
		return err
	}
	defer closeOut()
	opt.Findings = out
	if isTerminal(stderr) {
		opt.Progress = func(p discover.Progress) { fmt.Fprint(stderr, "\r"+progressLine(p)) }
	}
	sum, res, err := discover.Scan(ctx, fs.Args(), opt)
	if opt.Progress != nil {
		fmt.Fprintln(stderr)
	}
	if sum == nil {
		return &exitError{code: 1, err: err}
	}
	if *people != "" {
		pw, closePeople, perr := open(*people, nil)
		if perr != nil {
			return perr
		}
		sum.People, perr = res.WritePeople(pw)
		if cerr := closePeople(); perr == nil {
			perr = cerr
		}
		if perr != nil {
			return fmt.Errorf("writing people: %w", perr)
		}
	} else {
		sum.People = res.Count()
	}
	if *summary != "" {
		sw, closeSum, serr := open(*summary, nil)
		if serr != nil {
			return serr
		}
		if serr = sum.WriteJSON(sw); serr == nil {
			serr = closeSum()
		}
		if serr != nil {
			return fmt.Errorf("writing the summary: %w", serr)
		}
	} else {
		sum.WriteText(stderr)
	}
	if err != nil {
		return err
	}
	return closeOut()
}

// progressLine is files, bytes, speed and time left, on one line.
func progressLine(p discover.Progress) string {
	mbps := 0.0
	if s := p.Elapsed.Seconds(); s > 0 {
		mbps = float64(p.Bytes) / 1e6 / s
	}
	eta := "?"
	if mbps > 0 && p.TotalBytes > p.Bytes {
		eta = (time.Duration(float64(p.TotalBytes-p.Bytes)/1e6/mbps) * time.Second).Round(time.Second).String()
	} else if p.TotalBytes <= p.Bytes {
		eta = "0s"
	}
	return fmt.Sprintf("%d files, %.1f of %.1f MB, %.0f MB/s, %s left   ", p.Files, float64(p.Bytes)/1e6, float64(p.TotalBytes)/1e6, mbps, eta)
}

// isTerminal says whether w is a terminal, where a progress line helps.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
