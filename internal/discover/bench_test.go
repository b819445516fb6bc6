package discover

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The throughput benchmarks run on two synthetic corpora of CSV and log
// text, sized with BREACHDESK_BENCH_MB (default 64):
//
//   - dense: the PII-dense case, every CSV row a customer with a
//     dozen identifiers and half the log lines carrying several (a
//     finding every 26 bytes);
//   - typical: an orders export with one customer email per row and an
//     application log where one line in about forty is a signup with an
//     email and a phone (a finding every 230 bytes).
//
// scripts/bench-scan runs them and prints the comparison with its ratios;
// by hand:
//
//	go test ./internal/discover -run '^$' -bench 'Scan|Ripgrep|Naive' -benchtime 3x
//
// MB/s is in each line; ripgrep's search alone in search-MB/s. The
// Ripgrep benchmarks need rg (apt-get install ripgrep).

// corpusKinds are the corpora, in the order benchmarks run them.
var corpusKinds = []string{"dense", "typical"}

type benchSet struct {
	once sync.Once
	dir  string
	size int64
}

var benchSets = map[string]*benchSet{"dense": {}, "typical": {}}

// benchCorpus returns the directory of the corpus of that kind and its size.
func benchCorpus(b *testing.B, kind string) (string, int64) {
	set := benchSets[kind]
	set.once.Do(func() {
		mb := 64
		if v, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_MB")); err == nil && v > 0 {
			mb = v
		}
		// The corpus is kept between runs: generating it costs more than scanning it.
		dir := filepath.Join(os.TempDir(), "breachdesk-bench-"+kind+"-"+strconv.Itoa(mb)+"mb")
		set.dir = dir
		if fis, err := os.ReadDir(dir); err == nil && len(fis) == 2 {
			for _, fi := range fis {
				info, _ := fi.Info()
				set.size += info.Size()
			}
			return
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		c := &corpus{r: rand.New(rand.NewPCG(1, 2))}
		files := map[string]func([]person) []byte{"customers.csv": c.csv, "app.log": c.log}
		if kind == "typical" {
			files = map[string]func([]person) []byte{"orders.csv": c.orders, "app.log": c.quietLog}
		}
		for name, gen := range files {
			f, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				b.Fatal(err)
			}
			w := bufio.NewWriterSize(f, 1<<20)
			var n int64
			for i := 0; n < int64(mb)<<19; i++ {
				ps := make([]person, 200)
				for k := range ps {
					ps[k] = newPerson(c.r, i*200+k)
				}
				chunk := gen(ps)
				if i > 0 && strings.HasSuffix(name, ".csv") {
					chunk = chunk[bytes.IndexByte(chunk, '\n')+1:] // one header
				}
				w.Write(chunk)
				n += int64(len(chunk))
			}
			if err := w.Flush(); err != nil {
				b.Fatal(err)
			}
			f.Close()
			set.size += n
			c.truth = nil
		}
	})
	return set.dir, set.size
}

// benchScan scans a corpus b.N times, reporting MB/s and, all in (read,
// detect, hash, write, people), the CPU time per finding.
func benchScan(b *testing.B, kind string, workers int, out io.Writer, opt Options) {
	dir, size := benchCorpus(b, kind)
	b.SetBytes(size)
	opt.Workers, opt.Key, opt.Findings = workers, []byte("bench"), out
	b.ResetTimer()
	cpu := cpuTime()
	findings := int64(0)
	for i := 0; i < b.N; i++ {
		sum, _, err := Scan(context.Background(), []string{dir}, opt)
		if err != nil {
			b.Fatal(err)
		}
		findings += sum.Findings
	}
	cpu = cpuTime() - cpu
	if findings > 0 {
		b.ReportMetric(float64(cpu)/float64(findings), "cpu-ns/finding")
	}
	b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
}

// BenchmarkScan is the whole scanner: read, detect, validate, hash,
// write findings (to io.Discard) and resolve people.
// GOMAXPROCS is the number of workers, so workers=1 is one core.
// The hmac=on cases put each finding's HMAC in the output as well as its
// id (--finding-hmac=on; contract version 2 leaves it out by default).
func BenchmarkScan(b *testing.B) {
	for _, kind := range corpusKinds {
		for _, w := range []int{1, 2} {
			for _, withHMAC := range []bool{false, true} {
				name := kind + "/workers=" + strconv.Itoa(w)
				if withHMAC {
					name = kind + "/hmac=on/workers=" + strconv.Itoa(w)
				}
				b.Run(name, func(b *testing.B) {
					prev := runtime.GOMAXPROCS(w)
					defer runtime.GOMAXPROCS(prev)
					benchScan(b, kind, w, io.Discard, Options{FindingHMAC: withHMAC})
				})
			}
		}
	}
}

// BenchmarkDetect is the detector alone over each corpus's log lines, the
// part comparable with rg -c counting matches: no hashing, output or
// people.
func BenchmarkDetect(b *testing.B) {
	for _, kind := range corpusKinds {
		b.Run(kind, func(b *testing.B) {
			dir, _ := benchCorpus(b, kind)
			data, _ := os.ReadFile(filepath.Join(dir, "app.log"))
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			var d Detector
			n := 0
			for i := 0; i < b.N; i++ {
				for rest := data; len(rest) > 0; {
					k := bytes.IndexByte(rest, '\n')
					if k < 0 {
						k = len(rest) - 1
					}
					d.Detect(rest[:k+1], noType, func(Hit) { n++ })
					rest = rest[k+1:]
				}
			}
			b.ReportMetric(float64(n)/float64(b.N), "hits/op")
		})
	}
}

// detectorPatterns are the regexes of the baselines, one per detector
// of the element types the patterns can express: emails, phones, cards,
// TFN/IRD/ABN/SSN-like digit groups, NHI, IBAN, IP addresses, dates (of
// birth) and credential fields. Names, addresses and health terms, which
// the scanner finds from column names and words, have none.
var detectorPatterns = []string{
	`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
	`\+?\(?\d{2,4}\)?[ -]?\d{3,4}[ -]?\d{3,4}`,
	`\b(?:\d[ -]?){13,19}\b`,
	`\b\d{3}[ -]\d{2,3}[ -]\d{3,4}\b`,
	`\b[A-HJ-NP-Z]{3}\d{2}[0-9A-Z]{2}\b`,
	`\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}`,
	`\b(?:\d{1,3}\.){3}\d{1,3}\b`,
	`\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b`,
	`(?i:password|passwd|pwd|secret|api[_-]?key|token)\s*[=:]\s*\S+`,
}

// rgPattern is the patterns as one combined regex, for rg -c.
var rgPattern = strings.Join(detectorPatterns, "|")

// naivePatterns are the ones the naive baseline runs: the first six. The
// issue measured its naive baseline at about 20 MB/s here; these six
// already run at about 6.5 MB/s, and all nine at about 3 MB/s (the
// case-insensitive credential pattern is slow in Go's regexp), which
// would make the scanner's ratio to it look better than the issue meant.
var naivePatterns = detectorPatterns[:6]

// rgCost is what one rg run costs: the time that passed and the CPU
// time it used (user and system).
type rgCost struct{ wall, cpu time.Duration }

// rgStartup is what rg costs on an empty file (compiling the regex,
// starting the process): the least of five runs, taken off its figures
// so that it is compared on searching alone.
func rgStartup(b *testing.B, rg string) rgCost {
	empty := filepath.Join(b.TempDir(), "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	best := rgCost{time.Hour, time.Hour}
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		cmd := exec.Command(rg, "-c", "-j", "1", rgPattern, empty)
		cmd.Run()
		best.wall = min(best.wall, time.Since(t0))
		if cmd.ProcessState != nil {
			best.cpu = min(best.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		}
	}
	return best
}

// runRipgrep times rg -c on path b.N times and reports, besides the
// usual MB/s, its speed without the startup ("search-MB/s"), and per
// CPU-second of rg without the startup's ("search-cpu-MB/s").
func runRipgrep(b *testing.B, rg, threads, path string, size int64, startup rgCost) {
	b.SetBytes(size)
	b.ResetTimer()
	t0 := time.Now()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(rg, "-c", "-j", threads, rgPattern, path)
		if out, err := cmd.Output(); err != nil || len(out) == 0 {
			b.Fatalf("rg: %v", err)
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if per := time.Since(t0)/time.Duration(b.N) - startup.wall; per > 0 {
		b.ReportMetric(float64(size)/1e6/per.Seconds(), "search-MB/s")
	}
	if per := cpu/time.Duration(b.N) - startup.cpu; per > 0 {
		b.ReportMetric(float64(size)/1e6/per.Seconds(), "search-cpu-MB/s")
	}
}

// BenchmarkRipgrep runs rg -c with the combined regex on the same corpus,
// one thread and two.
func BenchmarkRipgrep(b *testing.B) {
	rg, err := exec.LookPath("rg")
	if err != nil {
		b.Skip("ripgrep is not installed (apt-get install ripgrep)")
	}
	startup := rgStartup(b, rg)
	for _, kind := range corpusKinds {
		dir, size := benchCorpus(b, kind)
		for _, th := range []string{"1", "2"} {
			b.Run(kind+"/threads="+th, func(b *testing.B) { runRipgrep(b, rg, th, dir, size, startup) })
		}
	}
}

// BenchmarkRipgrepOne runs rg -c on each file of the corpora alone, one
// thread, beside BenchmarkScanOne.
func BenchmarkRipgrepOne(b *testing.B) {
	rg, err := exec.LookPath("rg")
	if err != nil {
		b.Skip("ripgrep is not installed (apt-get install ripgrep)")
	}
	startup := rgStartup(b, rg)
	for _, kind := range corpusKinds {
		dir, _ := benchCorpus(b, kind)
		files, _ := os.ReadDir(dir)
		for _, file := range files {
			b.Run(kind+"/"+file.Name(), func(b *testing.B) {
				info, _ := file.Info()
				runRipgrep(b, rg, "1", filepath.Join(dir, file.Name()), info.Size(), startup)
			})
		}
	}
}

// BenchmarkNaiveRegexp is the baseline: Go regexp, one per detector
// (naivePatterns), on every line of each corpus.
func BenchmarkNaiveRegexp(b *testing.B) {
	var res []*regexp.Regexp
	for _, p := range naivePatterns {
		res = append(res, regexp.MustCompile(p))
	}
	for _, kind := range corpusKinds {
		b.Run(kind, func(b *testing.B) {
			// It is slow: the first 4 MB of each file of the corpus are plenty to measure.
			dir, _ := benchCorpus(b, kind)
			files, _ := os.ReadDir(dir)
			var data []byte
			for _, f := range files {
				body, _ := os.ReadFile(filepath.Join(dir, f.Name()))
				data = append(data, body[:min(len(body), 4<<20)]...)
			}
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			n := 0
			for i := 0; i < b.N; i++ {
				for _, line := range bytes.Split(data, []byte("\n")) {
					for _, re := range res {
						n += len(re.FindAllIndex(line, -1))
					}
				}
			}
		})
	}
}

// BenchmarkPeople resolves BREACHDESK_BENCH_PEOPLE records (default 1
// million; the figure is 10 million) into people: each record has
// a name, an email and a phone, and one in three shares its email with an
// earlier record and one in five its phone. It reports seconds per run
// and the peak resident memory of the process.
func BenchmarkPeople(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_PEOPLE")); err == nil && v > 0 {
		n = v
	}
	for i := 0; i < b.N; i++ {
		r := NewResolver()
		rnd := rand.New(rand.NewPCG(3, 4))
		fs := make([]Finding, 3)
		for k := 0; k < n; k++ {
			e, ph := k, k
			if k > 0 && rnd.IntN(3) == 0 {
				e = rnd.IntN(k)
			}
			if k > 0 && rnd.IntN(5) == 0 {
				ph = rnd.IntN(k)
			}
			email := "user" + strconv.Itoa(e) + "@example.org"
			phone := "+6421" + strconv.Itoa(1000000+ph)
			// Columns of an export, as a CSV reader names them.
			fs[0] = Finding{Field: "email", Type: Email, norm: email, Masked: Mask(Email, email), Confidence: 0.95}
			fs[1] = Finding{Field: "mobile", Type: Phone, norm: phone, Masked: Mask(Phone, phone), Confidence: 0.95, Country: "NZ"}
			fs[2] = Finding{Field: "name", Type: PersonName, norm: "Person " + strconv.Itoa(e), Masked: "P***** ***", Confidence: 0.85}
			r.Add("export/customers-"+strconv.Itoa(k%8)+".csv", fs)
		}
		people := r.People(func(Person) {})
		b.ReportMetric(float64(people), "people")
	}
	b.ReportMetric(float64(n), "records")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
}

// cpuTime is the CPU time the process has used (user and system, all
// threads): on a machine shared with other work it measures what a
// benchmark costs where wall time cannot.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the process's peak resident set (VmHWM), in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); len(f) >= 2 && string(f[0]) == "VmHWM:" {
			kb, _ := strconv.ParseInt(string(f[1]), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkFormats scans the same 20,000 people written in each format,
// one file at a time on one core, per byte of the file (MB/s) and, for
// XLSX and DOCX, per byte of their XML once uncompressed; cpu-MB/s and
// xml-cpu-MB/s divide by the CPU time the process used instead of the
// time that passed, which a busy machine does not distort.
// The extract/ benchmarks read the files without detecting anything,
// which is the readers' own speed.
func BenchmarkFormats(b *testing.B) {
	c := &corpus{r: rand.New(rand.NewPCG(5, 6))}
	ps := make([]person, 20000)
	for k := range ps {
		ps[k] = newPerson(c.r, k)
	}
	files := []struct {
		name string
		body []byte
	}{{"customers.csv", c.csv(ps)}, {"customers.ndjson", c.json(ps)}, {"patients.json", c.fhir(ps)}, {"book.xlsx", c.xlsx(ps)},
		{"letter.docx", c.docx(ps)}, {"clients.pdf", c.pdf(ps)}}
	for _, extract := range []bool{false, true} {
		for _, f := range files {
			name := f.name
			if extract {
				name = "extract/" + name
			}
			b.Run(name, func(b *testing.B) {
				prev := runtime.GOMAXPROCS(1)
				defer runtime.GOMAXPROCS(prev)
				xml := int64(0)
				if zr, err := zip.NewReader(bytes.NewReader(f.body), int64(len(f.body))); err == nil {
					for _, m := range zr.File {
						xml += int64(m.UncompressedSize64)
					}
				}
				b.SetBytes(int64(len(f.body)))
				b.ResetTimer()
				cpu := cpuTime()
				for i := 0; i < b.N; i++ {
					if extract {
						s := &Scanner{sum: &Summary{Counts: map[Type]*Count{}}, key: []byte("k")}
						src := &source{s: s, ctx: context.Background(), sink: func(*Record) {}}
						src.file(f.name, bytes.NewReader(f.body), int64(len(f.body)), 0, bytes.NewReader(f.body))
						if len(s.sum.Skipped) > 0 {
							b.Fatal(s.sum.Skipped)
						}
						continue
					}
					dir := b.TempDir()
					os.WriteFile(filepath.Join(dir, f.name), f.body, 0o644)
					if _, _, err := Scan(context.Background(), []string{dir}, Options{Key: []byte("bench"), Workers: 1, Findings: io.Discard}); err != nil {
						b.Fatal(err)
					}
				}
				cpu = cpuTime() - cpu
				b.ReportMetric(float64(len(f.body))*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
				if xml > 0 {
					b.ReportMetric(float64(xml)*float64(b.N)/1e6/cpu.Seconds(), "xml-cpu-MB/s")
				}
			})
		}
	}
}

// BenchmarkScanOne scans each file of the corpora alone, on one core and
// on two (each worker reading a piece of the file).
func BenchmarkScanOne(b *testing.B) {
	for _, kind := range corpusKinds {
		dir, _ := benchCorpus(b, kind)
		files, _ := os.ReadDir(dir)
		for _, file := range files {
			for _, workers := range []int{1, 2} {
				b.Run(kind+"/"+file.Name()+"/workers="+strconv.Itoa(workers), func(b *testing.B) {
					prev := runtime.GOMAXPROCS(workers)
					defer runtime.GOMAXPROCS(prev)
					one := b.TempDir()
					if err := os.Link(filepath.Join(dir, file.Name()), filepath.Join(one, file.Name())); err != nil {
						b.Skip("cannot link the corpus file:", err)
					}
					info, _ := file.Info()
					b.SetBytes(info.Size())
					for i := 0; i < b.N; i++ {
						if _, _, err := Scan(context.Background(), []string{one}, Options{Workers: workers, Key: []byte("bench"), Findings: io.Discard}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// labelledText writes (once per process) the text files of the labelled
// corpus BenchmarkPeer compares on (CSV, NDJSON, JSON, logs, SQL, email,
// mbox; a finding every ~55 bytes), sized by BREACHDESK_BENCH_MB
// (default 32), and returns their folder and size.
var labelledText = sync.OnceValues(func() (string, int64) {
	mb := 32
	if v, err := strconv.Atoi(os.Getenv("BREACHDESK_BENCH_MB")); err == nil && v > 0 {
		mb = v
	}
	dir := filepath.Join(os.TempDir(), "breachdesk-bench-labelled-"+strconv.Itoa(mb)+"mb")
	if _, err := os.Stat(filepath.Join(dir, "text")); err == nil {
		var size int64
		filepath.WalkDir(filepath.Join(dir, "text"), func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				info, _ := d.Info()
				size += info.Size()
			}
			return nil
		})
		return filepath.Join(dir, "text"), size
	}
	all := filepath.Join(dir, "all")
	if _, err := writeCorpus(all, mb*280, 42); err != nil {
		return "", 0
	}
	var size int64
	filepath.WalkDir(all, func(p string, d os.DirEntry, err error) error {
		switch filepath.Ext(p) {
		case ".csv", ".log", ".ndjson", ".json", ".sql", ".eml", ".mbox":
			rel, _ := filepath.Rel(all, p)
			os.MkdirAll(filepath.Join(dir, "text", filepath.Dir(rel)), 0o755)
			if os.Link(p, filepath.Join(dir, "text", rel)) == nil {
				info, _ := d.Info()
				size += info.Size()
			}
		}
		return nil
	})
	return filepath.Join(dir, "text"), size
})

// BenchmarkLabelled scans the text files BenchmarkPeer compares on, on
// one core and on two, reporting MB/s and the CPU time per finding: the
// scanner's side of the comparison with @redactpii/node, alone, for
// profiling it.
func BenchmarkLabelled(b *testing.B) {
	dir, size := labelledText()
	if size == 0 {
		b.Fatal("cannot write the labelled corpus")
	}
	run := func(b *testing.B, root string, size int64, w int) {
		prev := runtime.GOMAXPROCS(w)
		defer runtime.GOMAXPROCS(prev)
		b.SetBytes(size)
		cpu := cpuTime()
		findings := int64(0)
		for i := 0; i < b.N; i++ {
			sum, _, err := Scan(context.Background(), []string{root}, Options{Workers: w, Key: []byte("bench"), Findings: io.Discard})
			if err != nil {
				b.Fatal(err)
			}
			findings += sum.Findings
		}
		cpu = cpuTime() - cpu
		b.ReportMetric(float64(cpu)/float64(findings), "cpu-ns/finding")
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
	}
	for _, w := range []int{1, 2} {
		b.Run("workers="+strconv.Itoa(w), func(b *testing.B) { run(b, dir, size, w) })
	}
	// Each file alone on one core, to see which reader costs what.
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		b.Run("file="+filepath.ToSlash(rel), func(b *testing.B) { run(b, p, info.Size(), 1) })
		return nil
	})
}
