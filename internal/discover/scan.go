package discover

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options control a scan.
type Options struct {
	// Key is the HMAC key; nil draws a random one, reported in the summary.
	Key []byte
	// Reveal puts raw values in the output. Off by default: raw values
	// never leave the scanner unless asked for.
	Reveal bool
	// PeopleValues keeps raw contact details in the people (not in the
	// findings), for a caller that seals them straight into an encrypted
	// list of people to notify.
	PeopleValues bool
	// Workers is how many files are read at once (default: one per core).
	Workers int
	// Findings receives the findings as JSON Lines; nil discards them.
	Findings io.Writer
	// Progress, if set, is called about twice a second.
	Progress func(Progress)
	// Contract is the version of the output contract to write
	// (docs/scan-contract.md): 2, the default, or 1.
	Contract int
	// Partial, when set, receives the records that name people as a
	// partial result (partial.go) instead of their being resolved into
	// people here: a scan split into parts writes one per part, and
	// Resolver.AddPartial merges them into the people one scan of all the
	// parts' files would find. The Resolver returned is then empty.
	Partial io.Writer
	// Base, when set, names files given as roots by their path relative
	// to it (a part of a split scan, whose files were copied to a folder
	// as they were named in the whole), rather than by their base name.
	Base string
	// FindingHMAC puts each finding's HMAC-SHA256 in the output, as
	// version 1 of the contract always does. Version 2 leaves it out
	// unless asked, since it is the largest part of the work per finding:
	// findings keep their id, for joining them within the scan, and the
	// people carry an HMAC per identifier, for matching them across scans.
	FindingHMAC bool
}

// ContractVersion is the version of the output contract written unless
// Options.Contract asks for another.
const ContractVersion = 2

// Progress is how far a scan has got.
type Progress struct {
	Files, Bytes, TotalBytes int64
	Elapsed                  time.Duration
}

// Skipped is a file the scan could not read, with the reason.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Count is how many findings of one type were validated and not.
type Count struct {
	Validated   int64 `json:"validated"`
	Unvalidated int64 `json:"unvalidated"`
}

// Summary is the scan's summary (docs/scan-contract.md).
type Summary struct {
	Files    int64           `json:"files"`
	Bytes    int64           `json:"bytes"`
	Skipped  []Skipped       `json:"skipped"`
	Counts   map[Type]*Count `json:"counts"`
	Findings int64           `json:"findings"`
	People   int             `json:"people"`
	Elapsed  float64         `json:"elapsed_seconds"`
	MBps     float64         `json:"mb_per_second"`
	Key      string          `json:"key,omitempty"`
	// ContractVersion is the version of the contract the findings and
	// people were written in; FindingHMAC says the findings carry their
	// HMAC (always in version 1).
	ContractVersion int  `json:"contract_version"`
	FindingHMAC     bool `json:"finding_hmac"`
	// OCRImages is how many images (image files and PDF page images)
	// Tesseract read, and OCRSeconds the time it took, all processes.
	OCRImages  int64   `json:"ocr_images,omitempty"`
	OCRSeconds float64 `json:"ocr_seconds,omitempty"`
}

// Scanner runs one scan. Use Scan.
type Scanner struct {
	opt      Options
	version  int  // of the contract written
	omitHMAC bool // the findings go without their HMAC
	key      []byte
	mu       sync.Mutex // guards sum and skipped
	skipped  map[Skipped]bool
	outMu    sync.Mutex // guards out and werr
	batches  chan *batch
	spare    chan *batch  // batches the resolver is done with, for the workers to fill again
	made     atomic.Int64 // batches made, at most cap(spare)
	out      *bufio.Writer
	sum      *Summary
	res      *Resolver
	files    atomic.Int64
	bytes    atomic.Int64
	total    int64
	start    time.Time
	werr     error
	// OCR: Tesseract's path (or why there is none), prlimit's, and the
	// images read and the time it took.
	ocrOnce            sync.Once
	ocrPath, prlimit   string
	ocrErr             error
	ocrPages, ocrNanos atomic.Int64
}

// job is a file to scan, or a piece of a large text file: the lines
// that start in [from, to), piece numbering them from 0.
type job struct {
	abs, rel string
	size     int64
	from, to int64
	piece    int
}

// length is how many bytes the job reads.
func (j job) length() int64 {
	if j.to > 0 {
		return j.to - j.from
	}
	return j.size
}

// splitSize is the size from which a text or CSV file is read by all
// workers at once, each taking a piece.
const splitSize = 8 << 20

// pieceKind says how a file is cut into pieces: "text" at line breaks,
// "csv" between records; "" when it is read whole.
func pieceKind(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".log", ".txt":
		return "text"
	case ".csv", ".tsv", ".psv":
		return "csv"
	}
	return ""
}

// split cuts large text and CSV files into one piece per worker.
func split(jobs []job, workers int) []job {
	if workers < 2 {
		return jobs
	}
	var out []job
	for _, j := range jobs {
		if pieceKind(j.abs) == "" || j.size < splitSize || fileIsUTF16(j.abs) {
			out = append(out, j)
			continue
		}
		step := j.size/int64(workers) + 1
		for k := 0; k < workers; k++ {
			out = append(out, job{abs: j.abs, rel: j.rel, size: j.size, from: int64(k) * step, to: min(j.size, int64(k+1)*step), piece: k})
		}
	}
	return out
}

// Scan reads every file under roots and reports the personal data in
// them. It fails only when it cannot start (an unreadable root); bad files
// are listed as skipped and the scan goes on.
func Scan(ctx context.Context, roots []string, opt Options) (*Summary, *Resolver, error) {
	s := &Scanner{opt: opt, key: opt.Key, sum: &Summary{Counts: map[Type]*Count{}}, start: time.Now(), version: opt.Contract}
	switch s.version {
	case 0:
		s.version = ContractVersion
	case 1, 2:
	default:
		return nil, nil, fmt.Errorf("no scan contract version %d: there are versions 1 and 2", opt.Contract)
	}
	s.omitHMAC = s.version >= 2 && !opt.FindingHMAC
	s.sum.ContractVersion, s.sum.FindingHMAC = s.version, !s.omitHMAC
	if len(s.key) == 0 {
		s.key = make([]byte, 32)
		rand.Read(s.key)
		s.sum.Key = hex.EncodeToString(s.key)
	}
	var jobs []job
	for _, root := range roots {
		info, err := os.Stat(root)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read %s: %w", root, err)
		}
		if !info.IsDir() {
			rel := filepath.Base(root)
			if r, err := filepath.Rel(opt.Base, root); opt.Base != "" && err == nil {
				rel = filepath.ToSlash(r)
			}
			jobs = append(jobs, job{abs: root, rel: rel, size: info.Size()})
			s.total += info.Size()
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			rel, _ := filepath.Rel(root, p)
			if err != nil {
				s.skip(filepath.ToSlash(rel), "unreadable: "+reason(err))
				if d != nil && d.IsDir() && p != root {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				j := job{abs: p, rel: filepath.ToSlash(rel)}
				if info, err := d.Info(); err == nil {
					j.size = info.Size()
					s.total += j.size
				}
				jobs = append(jobs, j)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read %s: %w", root, err)
		}
	}
	// About one key per 128 bytes of dense exports, at most a million up
	// front (about 18 MiB, wasted on files with no personal data); the
	// index grows past that as it must.
	s.res = newResolver(int(min(s.total/128, 1<<20)))
	s.res.version = s.version
	if s.omitHMAC {
		s.res.identifierKey = s.key // people keep an HMAC per identifier
	}
	if opt.Findings != nil {
		s.out = bufio.NewWriterSize(opt.Findings, 256<<10)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs = split(jobs, workers)
	if workers > 1 {
		// The largest files first, so that no worker is left reading a
		// large file alone at the end while the others wait (one worker
		// keeps the order of the walk).
		sort.SliceStable(jobs, func(a, b int) bool { return jobs[a].length() > jobs[b].length() })
	}
	// People are merged by one goroutine fed in batches, so the workers
	// detect in parallel without waiting for each other.
	s.batches = make(chan *batch, 2*workers)
	// Every batch there can be: one per worker, those in the channel,
	// and the resolver's.
	s.spare = make(chan *batch, 3*workers+1)
	s.made.Store(int64(workers)) // the workers' first batches
	resolved := make(chan struct{})
	var part *partialWriter
	if opt.Partial != nil {
		part = newPartialWriter(opt.Partial)
	}
	go func() {
		defer close(resolved)
		for b := range s.batches {
			start := int32(0)
			for k, end := range b.ends {
				if part != nil {
					part.record(b.paths[k], b.vs[start:end], b.text)
				} else {
					s.res.add(b.paths[k], b.vs[start:end], b.text)
				}
				start = end
			}
			// The resolver keeps copies, so the batch can be filled again.
			clear(b.paths)
			b.vs, b.paths, b.ends, b.text = b.vs[:0], b.paths[:0], b.ends[:0], b.text[:0]
			s.spare <- b
		}
	}()
	ch := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := s.newProcessor()
			for j := range ch {
				s.scanFile(ctx, p, j)
				if j.piece == 0 {
					s.files.Add(1)
				}
			}
			s.flush(p, true)
		}()
	}
	done := make(chan struct{})
	if opt.Progress != nil {
		go func() {
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					opt.Progress(s.progress())
				}
			}
		}()
	}
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	close(s.batches)
	<-resolved
	close(done)
	if opt.Progress != nil {
		opt.Progress(s.progress())
	}
	if s.out != nil {
		if err := s.out.Flush(); err != nil && s.werr == nil {
			s.werr = err
		}
	}
	sum := s.sum
	sum.Files, sum.Bytes = s.files.Load(), s.bytes.Load()
	sum.OCRImages, sum.OCRSeconds = s.ocrPages.Load(), time.Duration(s.ocrNanos.Load()).Seconds()
	el := time.Since(s.start)
	sum.Elapsed = el.Seconds()
	if el > 0 {
		sum.MBps = float64(sum.Bytes) / 1e6 / el.Seconds()
	}
	sort.Slice(sum.Skipped, func(a, b int) bool { return sum.Skipped[a].Path < sum.Skipped[b].Path })
	if s.werr != nil {
		return sum, s.res, fmt.Errorf("writing findings: %w", s.werr)
	}
	if part != nil {
		if err := part.close(); err != nil {
			return sum, s.res, fmt.Errorf("writing the partial result: %w", err)
		}
	}
	return sum, s.res, ctx.Err()
}

func (s *Scanner) progress() Progress {
	return Progress{Files: s.files.Load(), Bytes: s.bytes.Load(), TotalBytes: s.total, Elapsed: time.Since(s.start)}
}

func (s *Scanner) skip(path, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := Skipped{Path: path, Reason: why}
	if s.skipped[k] {
		return // the pieces of one file meet the same trouble
	}
	if s.skipped == nil {
		s.skipped = map[Skipped]bool{}
	}
	s.skipped[k] = true
	s.sum.Skipped = append(s.sum.Skipped, k)
}

// reason is an error in words without the machine's own paths.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (s *Scanner) scanFile(ctx context.Context, p *processor, j job) {
	f, err := os.Open(j.abs)
	if err != nil {
		s.skip(j.rel, "unreadable: "+reason(err))
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		s.skip(j.rel, "unreadable: "+reason(err))
		return
	}
	src := &source{s: s, p: p, ctx: ctx}
	if j.to > 0 {
		read := src.piece
		if pieceKind(j.abs) == "csv" {
			read = src.csvPiece
		}
		src.fail(j.rel, read(j, f))
		return
	}
	src.file(j.rel, f, info.Size(), 0, f)
}

func (s *Scanner) newProcessor() *processor {
	p := &processor{s: s, h: newHasher(s.key), reveal: s.opt.Reveal, keepRaw: s.opt.PeopleValues, batch: &batch{},
		version: s.version, omitHMAC: s.omitHMAC}
	p.onHitFunc = p.onHit
	return p
}

// batch is records on their way to the people resolver: their values in
// one slab, each record ending at ends[k], and the values' bytes in text.
// Batches go round between the workers and the resolver, so once they
// have grown, handing on records allocates nothing.
type batch struct {
	paths []string
	ends  []int32
	vs    []personValue
	text  []byte
}

// keep copies b into the batch's text.
func (b *batch) keep(v []byte) textRef {
	s := textRef{off: uint32(len(b.text)), n: uint32(len(v))}
	b.text = append(b.text, v...)
	return s
}

// bytes is a value's bytes kept by keep.
func (b *batch) bytes(s textRef) []byte { return b.text[s.off : s.off+s.n] }

// Sizes at which a worker hands on its findings and its output.
const (
	batchRecords = 512
	outChunk     = 256 << 10
)

// startsPerson is the slot of the types (by index) of which a person has
// one, so that a second, different value in free text is someone else;
// -1 for the others.
func startsPerson(kind int) int {
	switch kind {
	case iEmail:
		return 0
	case iUSSSN:
		return 1
	case iAUTFN:
		return 2
	case iNZIRD:
		return 3
	case iAUMedicare:
		return 4
	case iNZNHI:
		return 5
	case iPassport:
		return 6
	}
	return -1
}

// flush hands on a worker's output and batch; at the end it also adds
// the worker's counts to the summary.
func (s *Scanner) flush(p *processor, last bool) {
	if s.out != nil && len(p.buf) > 0 {
		s.outMu.Lock()
		if s.werr == nil {
			_, s.werr = s.out.Write(p.buf)
		}
		s.outMu.Unlock()
		p.buf = p.buf[:0]
	}
	if len(p.batch.ends) > 0 {
		s.batches <- p.batch
		p.batch = nil
	}
	if p.batch == nil && !last {
		// The resolver hands batches back once it is done with them;
		// there are never more than the workers, the channel and the
		// resolver hold, so a worker waits for one rather than make
		// another when they are all in use.
		select {
		case p.batch = <-s.spare:
		default:
			if s.spare == nil || s.made.Add(1) <= int64(cap(s.spare)) {
				p.batch = &batch{}
			} else {
				p.batch = <-s.spare
			}
		}
	}
	if last {
		s.mu.Lock()
		for k, c := range p.counts {
			if c == (Count{}) {
				continue
			}
			t := Types[k]
			sc := s.sum.Counts[t]
			if sc == nil {
				sc = &Count{}
				s.sum.Counts[t] = sc
			}
			sc.Validated += c.Validated
			sc.Unvalidated += c.Unvalidated
		}
		s.sum.Findings += p.findings
		s.mu.Unlock()
	}
}
