package app

import (
	"archive/zip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/discover"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

// ScanArgs is a queued scan; its job record says what to scan.
type ScanArgs struct {
	JobID int64 `json:"job_id"`
}

// Kind is the scan's kind of job.
func (ScanArgs) Kind() string { return ScanKind }

// ScanPartKind is the job kind of one part of a scan split across workers.
const ScanPartKind = "scan_part"

// ScanPartArgs is one part of a split scan (jobs.PartArgs queues it).
type ScanPartArgs struct {
	JobID int64 `json:"job_id"`
	Part  int   `json:"part"`
}

// Kind is the scan part's kind of job.
func (ScanPartArgs) Kind() string { return ScanPartKind }

// ScanMergeKind is the job kind that merges a split scan's parts.
const ScanMergeKind = "scan_merge"

// ScanMergeArgs is the merge of a split scan (jobs.MergeArgs queues it,
// on jobs.MergeQueue).
type ScanMergeArgs struct {
	JobID int64 `json:"job_id"`
}

// Kind is the merge's kind of job.
func (ScanMergeArgs) Kind() string { return ScanMergeKind }

type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	a *App
}

type scanPartWorker struct {
	river.WorkerDefaults[ScanPartArgs]
	a *App
}

type scanMergeWorker struct {
	river.WorkerDefaults[ScanMergeArgs]
	a *App
}

func (a *App) addScanWorker(ws *river.Workers) error {
	if err := river.AddWorkerSafely(ws, &scanPartWorker{a: a}); err != nil {
		return err
	}
	if err := river.AddWorkerSafely(ws, &scanMergeWorker{a: a}); err != nil {
		return err
	}
	return river.AddWorkerSafely(ws, &scanWorker{a: a})
}

// Work plans the scan and runs it, or splits it (see RunScanJob).
func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	return w.a.RunScanJob(ctx, job.Args.JobID)
}

// Work scans one part (see RunScanPart).
func (w *scanPartWorker) Work(ctx context.Context, job *river.Job[ScanPartArgs]) error {
	return w.a.RunScanPart(ctx, job.Args.JobID, job.Args.Part, job.Attempt >= job.MaxAttempts)
}

// Work merges the scan's parts as they are done and ends the scan (see
// RunScanMerge).
func (w *scanMergeWorker) Work(ctx context.Context, job *river.Job[ScanMergeArgs]) error {
	return w.a.RunScanMerge(ctx, job.Args.JobID, job.Attempt >= job.MaxAttempts)
}

// Default sizes of a scan's parts: files are grouped in the order they
// are found into parts of about ScanPartBytes, and a zip archive at least
// that large is split into its members, each stored on its own.
const (
	DefaultScanPartBytes = 32 << 20
	maxPartFiles         = 2000
)

// scanPlan is how a scan is cut into parts, stored (sealed) with the scan
// so that every worker reads the same one, whichever planned it.
type scanPlan struct {
	// Key is the scan's HMAC key, which every part must share for the
	// findings' ids and the people's identifiers to agree.
	Key   string        `json:"key"`
	Parts [][]scanEntry `json:"parts"`
	// Skipped are archive members splitting could not store (encrypted).
	Skipped []discover.Skipped `json:"skipped,omitempty"`
	Total   int64              `json:"total"`
}

// scanEntry is one file of a part, named as one scan of the whole input
// names it: in the file store (an upload, an archive's member) or on the
// server (a folder inside the scan roots).
type scanEntry struct {
	Rel  string `json:"rel"`
	Blob string `json:"blob,omitempty"`
	Path string `json:"path,omitempty"`
	Size int64  `json:"size"`
}

// RunScanJob is the scan job. It plans the scan (the files, in parts),
// then scans it here when it is one part, or queues its parts for any
// worker to take (RunScanPart). The outcome, the people found and the
// note on the timeline are recorded in one transaction that ends the job
// record. Run again after a crash, a job already ended only deletes what
// its scan left in the file store, and a job already split is not split
// again; stopped with its process, it keeps its files and returns the
// context's error, so River runs it again. A scan that fails is recorded
// as failed and not retried: the record says why.
func (a *App) RunScanJob(ctx context.Context, id int64) error {
	j, ok, err := a.Store.StartJob(ctx, id)
	if fault.CodeOf(err) == fault.NotFound {
		return river.JobCancel(err) // its incident was deleted
	}
	if err != nil {
		return err
	}
	if !ok {
		a.cleanScan(ctx, j)
		return nil
	}
	plan, err := a.scanPlan(ctx, j)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return a.endScan(ctx, j, ScanOutcome{}, err)
	}
	if len(plan.Parts) > 1 {
		// Queued with the parts' records in one transaction; a failure
		// here is the database's, and River tries again.
		return a.Store.SplitJob(ctx, j.ID, ScanPartKind, ScanMergeKind, len(plan.Parts), plan.Total)
	}
	last := time.Time{}
	out, runErr := a.RunScan(ctx, j, func(files, bytes, total int64) {
		if time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		a.logError("recording a scan's progress", j.IncidentID, a.Store.SetProgress(ctx, j.ID, files, bytes, total))
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return a.endScan(ctx, j, out, runErr)
}

// RunScanPart scans one part of a split scan and records it done (the
// merge, RunScanMerge, takes it from there). A part run again scans again
// and is recorded once; a part of a scan that has ended does nothing. A
// part that fails (the file store or the database away) is tried again
// by River; on its last attempt (final) the scan is recorded as failed,
// with the reason.
func (a *App) RunScanPart(ctx context.Context, id int64, part int, final bool) error {
	j, err := a.liveScan(ctx, id)
	if j == nil || err != nil {
		return err
	}
	plan, err := a.readPlan(ctx, j.ID)
	if err == nil && (part < 0 || part >= len(plan.Parts)) {
		err = fmt.Errorf("the scan has no part %d", part+1)
	}
	var p discover.Progress
	if err == nil {
		var end func()
		if end, err = a.merges.startPart(ctx); err == nil {
			ph := startPhase()
			p, err = a.scanPart(ctx, j, plan, part, nil)
			a.endPhase(ph, j.ID, "part", "part", part, "bytes", p.Bytes)
			end()
		}
	}
	if err == nil {
		if _, err = a.Store.PartDone(ctx, j.ID, part, p.Files, p.Bytes); err == nil {
			a.merges.partDone()
		}
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case !final:
		return err
	}
	return a.endScan(ctx, j, ScanOutcome{}, err)
}

// liveScan reads a split scan's job for one of its parts or its merge:
// nil when the scan has ended (nothing is left to do), and an error that
// cancels the River job when the scan is gone.
func (a *App) liveScan(ctx context.Context, id int64) (*jobs.Job, error) {
	j, err := a.Store.Job(ctx, id)
	if fault.CodeOf(err) == fault.NotFound {
		return nil, river.JobCancel(err)
	}
	if err != nil || j.Ended() {
		return nil, err
	}
	return j, nil
}

// mergePoll is how often a merge looks for parts done by other workers.
const mergePoll = 250 * time.Millisecond

// RunScanMerge merges a split scan's parts into its people while they
// run: each part is added as soon as it and every part before it in the
// plan are done, so that the people are those one scan of the files finds,
// and once the last is added it lists the people and ends the scan. The
// merge waits for the parts on a queue of its own (jobs.MergeQueue), so
// the work of merging runs beside the parts, on any worker, instead of
// after them.
//
// Its state is the resolver in this run's memory and the number of parts
// added to it: a merge stopped with its process (or by its timeout) and
// run again starts from an empty resolver, so no part is ever added
// twice; two runs at once (River's rescuer took a slow one for dead) each
// merge every part once, and the scan's outcome is recorded once,
// whichever ends first (Store.Finish). A merge that fails for a reason a
// retry may mend is tried again; on its last attempt (final) the scan is
// recorded as failed. A scan ended meanwhile (a part failed for good)
// ends the merge.
func (a *App) RunScanMerge(ctx context.Context, id int64, final bool) error {
	j, err := a.liveScan(ctx, id)
	if j == nil || err != nil {
		return err
	}
	plan, err := a.readPlan(ctx, j.ID)
	var out ScanOutcome
	if err == nil {
		out, err = a.mergeScan(ctx, j, plan, a.partsReady(j.ID, len(plan.Parts)))
	}
	if err != nil && !errors.Is(err, errScanEnded) && ctx.Err() == nil {
		// Another run of the merge may have ended the scan and deleted
		// the parts this one was reading: then there is nothing to do.
		if now, jerr := a.Store.Job(ctx, id); jerr == nil && now.Ended() {
			err = errScanEnded
		}
	}
	switch {
	case errors.Is(err, errScanEnded):
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil && !final:
		return err
	}
	return a.endScan(ctx, j, out, err)
}

// errScanEnded says a scan ended while its merge waited for its parts.
var errScanEnded = errors.New("the scan ended")

// endScan records how a scan ended, once, and deletes its upload and
// working files.
func (a *App) endScan(ctx context.Context, j *jobs.Job, out ScanOutcome, runErr error) error {
	end := jobs.End{Result: out.Result, People: out.People, Source: scannerName, Note: out.Note}
	if runErr != nil {
		if a.Log != nil {
			// The reason is kept with the job, not logged: it may name files.
			a.Log.Warn("scan failed", "job", j.ID, "incident", j.IncidentID)
		}
		end = jobs.End{Err: runErr, Source: scannerName, Note: "Scan of " + j.Label + " failed: " + runErr.Error()}
	}
	ph := startPhase()
	if _, err := a.Store.Finish(context.WithoutCancel(ctx), j.ID, end); err != nil {
		return err
	}
	a.endPhase(ph, j.ID, "outcome", "people", len(end.People))
	a.cleanScan(context.WithoutCancel(ctx), j)
	if runErr != nil {
		return river.JobCancel(runErr)
	}
	return nil
}

// scannerName is who the scanner's changes are recorded as.
const scannerName = "breachdesk (scanner)"

// cleanScan deletes an ended scan's upload, plan and parts, however it
// ended; its findings (one file per part) and people stay.
func (a *App) cleanScan(ctx context.Context, j *jobs.Job) {
	if j == nil {
		return
	}
	if a.isUpload(j.Input) {
		a.logError("deleting a scanned upload", j.IncidentID, a.removeInput(ctx, j.Input))
	}
	var keys []string
	err := a.Blobs.List(ctx, scanKey(j.ID, ""), func(key string, _ int64) error {
		if base := path.Base(key); !strings.HasPrefix(base, "findings") && base != "people.jsonl" {
			keys = append(keys, key)
		}
		return nil
	})
	for _, k := range keys {
		if err == nil {
			err = a.Blobs.Delete(ctx, k)
		}
	}
	a.logError("deleting a scan's parts", j.IncidentID, err)
}

// removeInput deletes an upload: its folder in the file store, or on
// disk for one made before the file store.
func (a *App) removeInput(ctx context.Context, input string) error {
	if prefix, ok := strings.CutPrefix(input, "blob:"); ok {
		return a.Blobs.DeletePrefix(ctx, prefix)
	}
	return os.RemoveAll(input)
}

// scanPlan returns the job's plan: the one stored, or a new one made and
// stored. Planning lists the files (and stores the members of a large zip
// archive, each on its own) and groups them into parts.
func (a *App) scanPlan(ctx context.Context, j *jobs.Job) (*scanPlan, error) {
	if plan, err := a.readPlan(ctx, j.ID); err == nil {
		return plan, nil
	} else if fault.CodeOf(err) != fault.NotFound {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	plan := &scanPlan{Key: hex.EncodeToString(key)}
	var entries []scanEntry
	add := func(e scanEntry) error {
		if e.Size >= a.partBytes() && strings.EqualFold(path.Ext(e.Rel), ".zip") {
			members, err := a.splitZip(ctx, j, plan, e)
			if err != nil {
				return err
			}
			entries = append(entries, members...)
			return nil
		}
		entries = append(entries, e)
		return nil
	}
	if prefix, ok := strings.CutPrefix(j.Input, "blob:"); ok {
		var found []scanEntry
		if err := a.Blobs.List(ctx, prefix, func(key string, size int64) error {
			found = append(found, scanEntry{Rel: strings.TrimPrefix(key, prefix), Blob: key, Size: size})
			return nil
		}); err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, errors.New("the uploaded file is no longer in the file store")
		}
		for _, e := range found {
			if err := add(e); err != nil {
				return nil, err
			}
		}
	} else {
		root := j.Input
		info, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", root, err)
		}
		if !info.IsDir() {
			if err := add(scanEntry{Rel: filepath.Base(root), Path: root, Size: info.Size()}); err != nil {
				return nil, err
			}
		} else if err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				// Listed as one scan of the folder lists it.
				rel, _ := filepath.Rel(root, p)
				var pe *fs.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				plan.Skipped = append(plan.Skipped, discover.Skipped{Path: filepath.ToSlash(rel), Reason: "unreadable: " + err.Error()})
				if d != nil && d.IsDir() && p != root {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			e := scanEntry{Rel: filepath.ToSlash(rel), Path: p}
			if info, err := d.Info(); err == nil {
				e.Size = info.Size()
			}
			return add(e)
		}); err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", root, err)
		}
	}
	var part []scanEntry
	var size int64
	for _, e := range entries {
		if len(part) > 0 && (size+e.Size > a.partBytes() || len(part) >= maxPartFiles) {
			plan.Parts = append(plan.Parts, part)
			part, size = nil, 0
		}
		part = append(part, e)
		size += e.Size
		plan.Total += e.Size
	}
	if len(part) > 0 || len(plan.Parts) == 0 {
		plan.Parts = append(plan.Parts, part)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		return nil, err
	}
	if _, err := a.Blobs.Put(ctx, scanKey(j.ID, "plan.json"), strings.NewReader(string(b))); err != nil {
		return nil, err
	}
	return plan, nil
}

func (a *App) partBytes() int64 {
	if a.ScanPartBytes > 0 {
		return a.ScanPartBytes
	}
	return DefaultScanPartBytes
}

func (a *App) readPlan(ctx context.Context, id int64) (*scanPlan, error) {
	r, err := a.Blobs.Open(ctx, scanKey(id, "plan.json"))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var plan scanPlan
	if err := json.NewDecoder(io.LimitReader(r, 256<<20)).Decode(&plan); err != nil {
		return nil, fmt.Errorf("the scan's plan cannot be read: %w", err)
	}
	return &plan, nil
}

// splitZip stores each member of a large zip archive in the file store
// on its own, named as one scan of the archive names it, so that its
// members can be scanned by different workers. Encrypted members are
// listed as skipped, as the scanner lists them.
func (a *App) splitZip(ctx context.Context, j *jobs.Job, plan *scanPlan, e scanEntry) ([]scanEntry, error) {
	local := e.Path
	if e.Blob != "" {
		tmp, err := os.MkdirTemp(a.workDir(), "zip-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		local = filepath.Join(tmp, "archive.zip")
		if _, err := a.Blobs.Download(ctx, e.Blob, local); err != nil {
			return nil, err
		}
	}
	zr, err := zip.OpenReader(local)
	if err != nil {
		return []scanEntry{e}, nil // not a readable zip: the scanner says so
	}
	defer zr.Close()
	var out []scanEntry
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rel := discover.MemberName(e.Rel, f.Name)
		if f.Flags&0x1 != 0 {
			plan.Skipped = append(plan.Skipped, discover.Skipped{Path: rel, Reason: "encrypted"})
			continue
		}
		r, err := f.Open()
		if err != nil {
			return []scanEntry{e}, nil // the scanner reads it whole and says what is wrong
		}
		key := scanKey(j.ID, "in/"+blobs.NewName())
		n, err := a.Blobs.Put(ctx, key, io.LimitReader(r, discover.MaxMember))
		r.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, scanEntry{Rel: rel, Blob: key, Size: n})
	}
	return out, nil
}

// workDir is where this process copies the files it scans: a folder of
// its own (processes may share a data folder), emptied as each part ends.
// The first time, the folders left by processes of this machine that
// were killed mid-part are deleted, since they hold copies of exposed
// files.
func (a *App) workDir() string {
	root := filepath.Join(a.ScanDir, "work")
	// A host name that cannot be read is "" for every process of this
	// machine alike, so the folders still match the processes that made
	// them.
	host, _ := os.Hostname()
	host = strings.NewReplacer("/", "_", string(filepath.Separator), "_").Replace(host)
	a.workOnce.Do(func() {
		entries, err := os.ReadDir(root)
		if err != nil {
			return
		}
		for _, e := range entries {
			name, pid, ok := strings.Cut(e.Name(), "~")
			n, err := strconv.Atoi(pid)
			if !ok || name != host || err != nil || n == os.Getpid() || processAlive(n) {
				continue
			}
			a.logError("deleting a scan's working files left by a stopped process", 0, os.RemoveAll(filepath.Join(root, e.Name())))
		}
	})
	dir := filepath.Join(root, host+"~"+strconv.Itoa(os.Getpid()))
	a.logError("making the scan's working folder", 0, os.MkdirAll(dir, 0o700))
	return dir
}

// processAlive says whether a process of this machine is running; where
// that cannot be told, it is taken to be.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || !errors.Is(err, os.ErrProcessDone) && !errors.Is(err, syscall.ESRCH)
}

// scanPart scans one part: its files are copied from the file store into
// a working folder (files on the server are read in place), and its
// findings, partial people and summary go into the file store, sealed.
func (a *App) scanPart(ctx context.Context, j *jobs.Job, plan *scanPlan, k int, progress func(discover.Progress)) (discover.Progress, error) {
	var p discover.Progress
	key, err := hex.DecodeString(plan.Key)
	if err != nil {
		return p, err
	}
	tmp, err := os.MkdirTemp(a.workDir(), "part-")
	if err != nil {
		return p, err
	}
	defer os.RemoveAll(tmp)
	var roots []string
	for _, e := range plan.Parts[k] {
		dst := filepath.Join(tmp, filepath.FromSlash(e.Rel))
		if !filepath.IsLocal(filepath.FromSlash(e.Rel)) {
			return p, fmt.Errorf("a file of the scan has a name that cannot be used: %q", e.Rel)
		}
		if e.Blob != "" {
			if _, err := a.Blobs.Download(ctx, e.Blob, dst); err != nil {
				return p, err
			}
		} else {
			// Named as in the whole folder, read where it is.
			if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
				return p, err
			}
			if err := os.Symlink(e.Path, dst); err != nil {
				return p, err
			}
		}
		roots = append(roots, dst)
	}
	name := fmt.Sprintf("part-%05d", k)
	fw, err := a.Blobs.Create(ctx, scanKey(j.ID, findingsPart(k)))
	if err != nil {
		return p, err
	}
	defer fw.Abort()
	pw, err := a.Blobs.Create(ctx, scanKey(j.ID, name+".people"))
	if err != nil {
		return p, err
	}
	defer pw.Abort()
	opt := discover.Options{Key: key, PeopleValues: true, Findings: fw, Partial: pw, Base: tmp, Progress: progress}
	if len(roots) == 0 {
		roots = []string{tmp} // an empty upload folder: the scan is of nothing
	}
	sum, _, err := discover.Scan(ctx, roots, opt)
	if err != nil {
		return p, fmt.Errorf("the scan could not run: %w", err)
	}
	if err := fw.Close(); err != nil {
		return p, err
	}
	if err := pw.Close(); err != nil {
		return p, err
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return p, err
	}
	if _, err := a.Blobs.Put(ctx, scanKey(j.ID, name+".summary"), strings.NewReader(string(b))); err != nil {
		return p, err
	}
	return discover.Progress{Files: sum.Files, Bytes: sum.Bytes}, nil
}

// findingsPart is the name of a part's findings, which stay as they are:
// the scan's findings.jsonl is them in the order of the parts (ScanFile).
func findingsPart(k int) string { return fmt.Sprintf("findings-%05d.jsonl", k) }

// partsReady waits until the parts after the first next (in the plan's
// order) include one done, and returns how many of the plan's parts,
// from the first, are done: it looks every mergePoll, as the parts are
// done by any worker, and at once when one is done in this process. A
// scan ended meanwhile is errScanEnded.
func (a *App) partsReady(id int64, parts int) func(ctx context.Context, next int) (int, error) {
	return func(ctx context.Context, next int) (int, error) {
		for {
			here := a.merges.parts() // before looking, so no part done here is missed
			done, err := a.Store.PartsDone(ctx, id)
			if err != nil {
				return 0, err
			}
			if len(done) != parts {
				return 0, fmt.Errorf("the scan has %d parts recorded and %d planned", len(done), parts)
			}
			ready := next
			for ready < len(done) && done[ready] {
				ready++
			}
			if ready > next {
				return ready, nil
			}
			j, err := a.Store.Job(ctx, id)
			if err != nil {
				return 0, err
			}
			if j.Ended() {
				return 0, errScanEnded
			}
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-here:
			case <-time.After(mergePoll):
			}
		}
	}
}

// mergeScan adds the parts' people to one resolver in the order of the
// parts, as one scan of all their files would find them, each as soon as
// ready says it and those before it are done, and returns the scan's
// outcome.
func (a *App) mergeScan(ctx context.Context, j *jobs.Job, plan *scanPlan, ready func(ctx context.Context, next int) (int, error)) (ScanOutcome, error) {
	key, err := hex.DecodeString(plan.Key)
	if err != nil {
		return ScanOutcome{}, err
	}
	res, err := discover.MergeResolver(discover.Options{Key: key}, plan.Total)
	if err != nil {
		return ScanOutcome{}, err
	}
	sum := &discover.Summary{Counts: map[discover.Type]*discover.Count{}, Skipped: plan.Skipped}
	// The time and CPU spent adding parts, not waiting for them.
	var busy, cpu time.Duration
	// Parts ready and not yet added, for this process's parts to wait on.
	behind := 0
	defer func() { a.merges.add(-behind) }()
	for next := 0; next < len(plan.Parts); {
		upTo, err := ready(ctx, next)
		if err != nil {
			return ScanOutcome{}, err
		}
		a.merges.add(upTo - next)
		behind += upTo - next
		ph := startPhase()
		for ; next < upTo; next++ {
			name := fmt.Sprintf("part-%05d", next)
			if err := a.readPart(ctx, j.ID, name+".summary", func(r io.Reader) error {
				var s discover.Summary
				if err := json.NewDecoder(r).Decode(&s); err != nil {
					return err
				}
				sum.Add(&s)
				return nil
			}); err != nil {
				return ScanOutcome{}, err
			}
			if err := a.readPart(ctx, j.ID, name+".people", res.AddPartial); err != nil {
				return ScanOutcome{}, err
			}
			a.merges.add(-1)
			behind--
		}
		busy += time.Since(ph.start)
		cpu += processCPU() - ph.cpu
	}
	if a.Log != nil {
		a.Log.Info("scan phase", "job", j.ID, "phase", "merge", "seconds", round3(busy.Seconds()), "cpu_seconds", round3(cpu.Seconds()), "parts", len(plan.Parts))
	}
	if j.StartedAt != nil {
		if el := a.Now().Sub(*j.StartedAt); el > 0 {
			sum.Elapsed = el.Seconds()
			sum.MBps = float64(sum.Bytes) / 1e6 / el.Seconds()
		}
	}
	ph := startPhase()
	out, err := a.resolveScan(ctx, j, sum, res)
	a.endPhase(ph, j.ID, "people", "people", len(out.People))
	return out, err
}

func (a *App) readPart(ctx context.Context, id int64, name string, fn func(io.Reader) error) error {
	r, err := a.Blobs.Open(ctx, scanKey(id, name))
	if err != nil {
		return err
	}
	defer r.Close()
	if err := fn(r); err != nil {
		return fmt.Errorf("the scan's %s cannot be read: %w", name, err)
	}
	return nil
}
