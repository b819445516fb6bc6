package discover

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkPeer compares breachdesk scan with the npm library
// @redactpii/node (scripts/bench-scan installs it and sets
// BREACHDESK_REDACTPII to where) on the text files of the labelled
// corpus (CSV, NDJSON, JSON, logs, SQL, email, mbox): their speeds side
// by side in one run (the scanner on two workers; the library is
// single-threaded), and each one's precision and recall for the types
// the library knows, scored the same way. BREACHDESK_BENCH_MB sizes the
// corpus (default 32).
func BenchmarkPeer(b *testing.B) {
	peer := os.Getenv("BREACHDESK_REDACTPII")
	if peer == "" {
		b.Skip("BREACHDESK_REDACTPII is not set: scripts/bench-scan installs @redactpii/node and sets it")
	}
	mb := 32
	if v, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	dir := b.TempDir()
	c, err := writeCorpus(dir, mb*280, 42) // about 3.5 KB per person and file across the text files
	if err != nil {
		b.Fatal(err)
	}
	var files []string
	var size int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		switch filepath.Ext(p) {
		case ".csv", ".log", ".ndjson", ".json", ".sql", ".eml", ".mbox":
			info, _ := d.Info()
			size += info.Size()
			files = append(files, p)
		}
		return nil
	})
	text := b.TempDir() // the text files alone, for the scanner
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		os.MkdirAll(filepath.Join(text, filepath.Dir(rel)), 0o755)
		if err := os.Link(f, filepath.Join(text, rel)); err != nil {
			b.Fatal(err)
		}
	}
	const runs = 3
	script, _ := filepath.Abs("../../scripts/redactpii-peer.mjs")
	var scanMBps, scanHMAC, peerMBps, scanCPU, peerCPU []float64
	var findings int64
	var peerOut struct {
		Bytes   int64
		MBps    []float64
		CPUMBps []float64
		Matches map[string][][2]string
	}
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	for i := 0; i < b.N; i++ {
		for r := 0; r < runs; r++ {
			for _, withHMAC := range []bool{false, true} {
				start, cpu := time.Now(), cpuTime()
				sum, _, err := Scan(context.Background(), []string{text}, Options{Workers: 2, Key: []byte("bench"), Findings: io.Discard, FindingHMAC: withHMAC})
				if err != nil {
					b.Fatal(err)
				}
				findings = sum.Findings
				mbps := float64(size) / 1e6 / time.Since(start).Seconds()
				if withHMAC {
					scanHMAC = append(scanHMAC, mbps)
				} else {
					scanMBps = append(scanMBps, mbps)
					scanCPU = append(scanCPU, float64(size)/1e6/(cpuTime()-cpu).Seconds())
				}
			}
		}
		cmd := exec.Command("node", append([]string{script, peer, strconv.Itoa(runs)}, files...)...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("node: %v", err)
		}
		if err := json.Unmarshal(out, &peerOut); err != nil {
			b.Fatal(err)
		}
		peerMBps = append(peerMBps, peerOut.MBps...)
		peerCPU = append(peerCPU, peerOut.CPUMBps...)
	}
	// Quality: the scanner's values (revealed) and the library's matches,
	// against what was planted, per file and type.
	var revealed bytes.Buffer
	if _, _, err := Scan(context.Background(), []string{text}, Options{Workers: 2, Key: []byte("bench"), Findings: &revealed, Reveal: true}); err != nil {
		b.Fatal(err)
	}
	ours := map[string][][2]string{}
	sc := bufio.NewScanner(&revealed)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var f struct{ Path, Type, Value string }
		json.Unmarshal(sc.Bytes(), &f)
		file, _, _ := strings.Cut(f.Path, "!/")
		ours[file] = append(ours[file], [2]string{f.Type, f.Value})
	}
	theirs := map[string][][2]string{}
	peerTypes := map[string]Type{"EMAIL": Email, "PHONE_NUMBER": Phone, "CREDIT_CARD": CreditCard, "US_SOCIAL_SECURITY_NUMBER": USSSN}
	for f, ms := range peerOut.Matches {
		rel, _ := filepath.Rel(dir, f)
		for _, m := range ms {
			if t, ok := peerTypes[m[0]]; ok {
				theirs[filepath.ToSlash(rel)] = append(theirs[filepath.ToSlash(rel)], [2]string{string(t), m[1]})
			}
		}
	}
	scored := []Type{Email, Phone, CreditCard, USSSN}
	truth := map[string][][2]string{}
	for _, p := range c.truth {
		file, _, _ := strings.Cut(p.path, "!/")
		if _, err := os.Stat(filepath.Join(text, file)); err == nil && slices.Contains(scored, p.t) {
			truth[file] = append(truth[file], [2]string{string(p.t), p.norm})
		}
	}
	b.Logf("%d text files, %.1f MB, %d findings (one every %.0f bytes)", len(files), float64(size)/1e6, findings, float64(size)/float64(findings))
	b.Logf("MB/s over %d runs: breachdesk scan, 2 workers %s (with --finding-hmac=on %s); @redactpii/node %s", runs, span(scanMBps), span(scanHMAC), span(peerMBps))
	b.Logf("MB per CPU-second (all threads; what a busy machine distorts least): breachdesk scan %s, @redactpii/node %s", span(scanCPU), span(peerCPU))
	b.Logf("%-12s %9s %9s   %9s %9s", "type", "scan P", "scan R", "peer P", "peer R")
	for _, t := range scored {
		sp, sr := peerScore(truth, ours, t)
		pp, pr := peerScore(truth, theirs, t)
		b.Logf("%-12s %9.3f %9.3f   %9.3f %9.3f", t, sp, sr, pp, pr)
	}
	b.ReportMetric(median(scanMBps), "scan-MB/s")
	b.ReportMetric(median(scanHMAC), "scan-hmac-MB/s")
	b.ReportMetric(median(peerMBps), "peer-MB/s")
	b.ReportMetric(median(scanMBps)/median(peerMBps), "scan/peer")
	b.ReportMetric(median(scanCPU), "scan-cpu-MB/s")
	b.ReportMetric(median(peerCPU), "peer-cpu-MB/s")
}

// peerValue is a value as both sides are scored: emails lower-cased,
// numbers as digits, phones by their last eight digits (the library
// reports them as written, the truth in E.164).
func peerValue(t Type, v string) string {
	switch t {
	case Email:
		return strings.ToLower(v)
	case Phone:
		d := digitsOnly(v)
		return d[max(0, len(d)-8):]
	}
	return digitsOnly(v)
}

// peerScore is precision and recall of found against truth for type t,
// occurrence by occurrence, per file.
func peerScore(truth, found map[string][][2]string, t Type) (float64, float64) {
	planted, reported, correct := 0, 0, 0
	for file, want := range truth {
		left := map[string]int{}
		for _, w := range want {
			if w[0] == string(t) {
				left[peerValue(t, w[1])]++
				planted++
			}
		}
		for _, f := range found[file] {
			if f[0] != string(t) {
				continue
			}
			reported++
			if v := peerValue(t, f[1]); left[v] > 0 {
				left[v]--
				correct++
			}
		}
	}
	return ratio(correct, reported), ratio(correct, planted)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// span is a range of figures, "lo-hi".
func span(v []float64) string {
	if len(v) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f-%.1f", slices.Min(v), slices.Max(v))
}
