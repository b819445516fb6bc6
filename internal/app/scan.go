package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/discover"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// ScanKind is the job kind of a scan of exposed files.
const ScanKind = "scan"

// ScanResult is what a finished scan records for its incident: the
// summary, and the figures that feed the facts.
type ScanResult struct {
	Summary        *discover.Summary `json:"summary"`
	Categories     []string          `json:"categories"`
	ByJurisdiction map[string]int    `json:"by_jurisdiction"`
	// UploadDeleted says the uploaded copy of the exposed files was
	// removed once scanned: only masked findings and hashes remain.
	UploadDeleted bool `json:"upload_deleted"`
	// Listed people were added (encrypted) to the list of people to
	// notify; Unreachable were found without an email, phone or address.
	Listed      int `json:"listed"`
	Unreachable int `json:"unreachable"`
}

// scanKey is where a scan's file is in the file store: its outputs
// (findings.jsonl, people.jsonl), and while it runs its plan and parts.
func scanKey(id int64, name string) string {
	return "scans/job-" + strconv.FormatInt(id, 10) + "/" + name
}

// ScanOutcome is what a scan produced, applied when its job ends.
type ScanOutcome struct {
	// Result is the ScanResult as JSON.
	Result string
	// People are those found who can be reached, for the incident's list.
	People []notice.Affected
	// Note says on the timeline what the scan found.
	Note string
}

// RunScan scans the job's files in this process, as one part or as many
// as its plan has, merges the people and writes the findings and people
// into the file store, and returns what it found. It changes nothing in
// the store: the job applies the outcome once (RunScanJob).
func (a *App) RunScan(ctx context.Context, j *jobs.Job, progress func(files, bytes, total int64)) (ScanOutcome, error) {
	plan, err := a.scanPlan(ctx, j)
	if err != nil {
		return ScanOutcome{}, err
	}
	var done discover.Progress
	for k := range plan.Parts {
		p, err := a.scanPart(ctx, j, plan, k, func(p discover.Progress) {
			progress(done.Files+p.Files, done.Bytes+p.Bytes, plan.Total)
		})
		if err != nil {
			return ScanOutcome{}, err
		}
		done.Files, done.Bytes = done.Files+p.Files, done.Bytes+p.Bytes
	}
	all := func(context.Context, int) (int, error) { return len(plan.Parts), nil }
	return a.mergeScan(ctx, j, plan, all)
}

// resolveScan lists the people the merged scan found: reachable ones for
// the list to notify, every one masked in people.jsonl, and the result.
func (a *App) resolveScan(ctx context.Context, j *jobs.Job, sum *discover.Summary, res *discover.Resolver) (ScanOutcome, error) {
	var out ScanOutcome
	pf, err := a.Blobs.Create(ctx, scanKey(j.ID, "people.jsonl"))
	if err != nil {
		return out, err
	}
	defer pf.Abort()
	sr := ScanResult{Summary: sum, ByJurisdiction: map[string]int{}}
	// Sized once: growing a list of hundreds of thousands copied it again
	// and again.
	out.People = make([]notice.Affected, 0, res.Count())
	pw := bufio.NewWriterSize(pf, 256<<10)
	var line []byte
	res.People(func(p discover.Person) {
		sum.People++
		if p.Jurisdiction != "" {
			sr.ByJurisdiction[p.Jurisdiction]++
		}
		if af, ok := affectedFrom(p, "scan of "+j.Label); ok {
			out.People = append(out.People, af)
		} else {
			sr.Unreachable++
		}
		if err == nil {
			masked := discover.MaskPerson(p) // only masked details are written out
			line = append(masked.AppendJSON(line[:0]), '\n')
			_, err = pw.Write(line)
		}
	})
	if err == nil {
		err = pw.Flush()
	}
	if err == nil {
		err = pf.Close()
	}
	if err != nil {
		return out, err
	}
	sr.Listed = len(out.People)
	cats := map[string]bool{}
	for t := range sum.Counts {
		if c := discover.FactsCategory(t); c != "" {
			cats[c] = true
		}
	}
	for c := range cats {
		sr.Categories = append(sr.Categories, c)
	}
	sort.Strings(sr.Categories)
	sum.Key = "" // the web keeps no key: hashes from the web are matched within one scan only
	// An upload is deleted as soon as the outcome is stored (RunScanJob).
	sr.UploadDeleted = a.isUpload(j.Input)
	b, err := json.Marshal(sr)
	if err != nil {
		return out, err
	}
	out.Result = string(b)
	out.Note = fmt.Sprintf("Scan of %s finished: %s, %s found, %s.", j.Label, countOf(int(sum.Files), "file", "files"), countOf(sum.People, "person", "people"), typesFound(sum))
	return out, nil
}

// affectedFrom turns a person the scan found into an entry of the list
// of people to notify, at risk by default when their exposed information
// includes a kind in notice.RiskCategories. ok is false when there is no
// way to reach them.
func affectedFrom(p discover.Person, source string) (notice.Affected, bool) {
	a := notice.Affected{Source: source, Jurisdiction: p.Jurisdiction}
	a.Name = p.Name
	if len(p.Emails) > 0 {
		a.Email = strings.ToLower(p.Emails[0])
	}
	if len(p.Phones) > 0 {
		a.Phone = p.Phones[0]
	}
	if len(p.Addresses) > 0 {
		a.Address = []string{p.Addresses[0]}
	}
	seen := map[string]bool{}
	for _, t := range p.Elements {
		if c := discover.FactsCategory(t); c != "" && !seen[c] {
			seen[c] = true
			a.Elements = append(a.Elements, c)
		}
	}
	a.AtRisk = notice.AtRiskBy(a.Person, notice.RiskCategories)
	return a, a.Validate() == nil
}

// countOf writes a count with its noun: "1 file", "3 files".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// elementLabels name the scanner's kinds of personal data for people.
var elementLabels = map[discover.Type]string{
	discover.Email: "email addresses", discover.Phone: "phone numbers", discover.CreditCard: "payment card numbers",
	discover.IBAN: "IBANs (bank accounts)", discover.USSSN: "US Social Security numbers", discover.AUTFN: "tax file numbers (AU)",
	discover.AUMedicare: "Medicare numbers (AU)", discover.AUABN: "ABNs (AU)", discover.NZIRD: "IRD numbers (NZ)",
	discover.NZNHI: "NHI numbers (NZ)", discover.Passport: "passport numbers", discover.DriverLicence: "driver licence numbers",
	discover.DateOfBirth: "dates of birth", discover.PersonName: "names", discover.StreetAddress: "street addresses",
	discover.IPAddress: "IP addresses", discover.NZBankAccount: "bank account numbers (NZ)", discover.AUBSBAccount: "BSB and account numbers (AU)",
	discover.Password: "passwords", discover.Health: "health information",
}

// ElementLabel names a kind of personal data the scanner finds, in words.
func ElementLabel(t discover.Type) string {
	if l, ok := elementLabels[t]; ok {
		return l
	}
	return strings.ReplaceAll(string(t), "_", " ")
}

func typesFound(sum *discover.Summary) string {
	var parts []string
	for _, t := range discover.Types {
		if c := sum.Counts[t]; c != nil {
			parts = append(parts, fmt.Sprintf("%s %d", ElementLabel(t), c.Validated+c.Unvalidated))
		}
	}
	if len(parts) == 0 {
		return "no personal data"
	}
	return strings.Join(parts, ", ")
}

// uploadInput is how a job names an upload in the file store.
const uploadInput = "blob:scans/upload-"

// isUpload says whether a job's input is an upload (deleted once
// scanned) rather than a folder on the server: in the file store, or in
// the scan folder of a data folder from before the file store.
func (a *App) isUpload(p string) bool {
	if strings.HasPrefix(p, uploadInput) {
		return true
	}
	rel, err := filepath.Rel(a.ScanDir, p)
	return err == nil && strings.HasPrefix(rel, "upload-") && !strings.Contains(rel, "..")
}

// allowedFolder resolves a folder a person asked to scan, which must be
// inside one of the configured scan roots.
func (a *App) allowedFolder(p string) (string, error) {
	p = strings.TrimSpace(p)
	real, err := filepath.EvalSymlinks(filepath.Clean(p))
	if err != nil || !filepath.IsAbs(p) {
		return "", fault.Errorf(fault.Invalid, "That folder cannot be read. Give a full path inside %s.", strings.Join(a.ScanRoots, " or "))
	}
	for _, root := range a.ScanRoots {
		if rr, err := filepath.EvalSymlinks(root); err == nil {
			if rel, err := filepath.Rel(rr, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return real, nil
			}
		}
	}
	return "", fault.Errorf(fault.Forbidden, "Scans may only read folders inside %s.", strings.Join(a.ScanRoots, " or "))
}

// StartScan queues a scan of exposed files: an upload (r, named name; an
// archive such as a .zip holds many), or, when folder is not empty, a
// folder on the server inside the scan roots. Returns fault.Invalid for an
// upload over the limit or a folder that cannot be read, and
// fault.Forbidden for a folder outside the roots.
func (a *App) StartScan(ctx context.Context, u *auth.User, id int64, folder string, r io.Reader, name string) (jobs.Job, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return jobs.Job{}, err
	}
	var input, label string
	var err error
	switch {
	case folder != "" && len(a.ScanRoots) > 0:
		if input, err = a.allowedFolder(folder); err != nil {
			return jobs.Job{}, err
		}
		label = input
	case r != nil:
		// The name is only kept to show and to tell the scanner the file's
		// type: "..", slashes and control characters cannot reach the disk.
		label = evidence.CleanName(name)
		if input, err = a.saveScanUpload(ctx, r, label); err != nil {
			return jobs.Job{}, err
		}
	default:
		return jobs.Job{}, &fault.Error{Code: fault.Invalid, Message: "Choose the exposed file to scan (an archive such as a .zip holds many).", Fields: map[string]string{"file": "Choose a file."}}
	}
	by := actorOf(u)
	j, err := a.Store.Enqueue(ctx, by, jobs.Job{Kind: ScanKind, IncidentID: id, Input: input, Label: label})
	if err != nil {
		if a.isUpload(input) {
			a.logError("deleting an upload whose scan was not queued", id, a.removeInput(context.WithoutCancel(ctx), input))
		}
		return j, err
	}
	_, err = a.Store.AddNote(ctx, by, id, incident.EntryEvidence, "Scan of "+label+" queued.")
	return j, err
}

// saveScanUpload streams an upload, sealed, into its own folder of the
// file store, up to MaxScanUpload, and returns the job's input naming it.
func (a *App) saveScanUpload(ctx context.Context, f io.Reader, name string) (string, error) {
	input := uploadInput + blobs.NewName() + "/"
	w, err := a.Blobs.Create(ctx, strings.TrimPrefix(input, "blob:")+name)
	if err != nil {
		return "", err
	}
	n, err := io.Copy(w, io.LimitReader(f, a.MaxScanUpload+1))
	if err == nil && n > a.MaxScanUpload {
		err = fault.Errorf(fault.Invalid, "The file is larger than %d MB. Ask the administrator to raise --max-scan-upload-mb, or to set a scan folder on the server.", a.MaxScanUpload>>20)
	}
	if err != nil {
		w.Abort()
		return "", err
	}
	return input, w.Close()
}

// Scan returns one scan of an incident. Returns fault.NotFound when it
// is not a scan of that incident.
func (a *App) Scan(ctx context.Context, u *auth.User, id, jobID int64, need auth.Access) (*incident.Incident, *jobs.Job, error) {
	inc, _, err := a.Open(ctx, u, id, need)
	if err != nil {
		return nil, nil, err
	}
	if err := a.teamOnly(ctx, u, inc); err != nil {
		return nil, nil, err
	}
	j, err := a.Store.Job(ctx, jobID)
	if fault.CodeOf(err) != fault.NotFound && err != nil {
		return nil, nil, err
	}
	if err != nil || j.IncidentID != inc.ID || j.Kind != ScanKind {
		return nil, nil, fault.Errorf(fault.NotFound, "That scan was not found.")
	}
	return inc, j, nil
}

// ScanFile opens a finished scan's findings or people (masked, as JSON
// Lines). Returns fault.NotFound for another file, a scan not finished or
// output no longer kept.
func (a *App) ScanFile(ctx context.Context, u *auth.User, id, jobID int64, name string) (io.ReadCloser, error) {
	_, j, err := a.Scan(ctx, u, id, jobID, auth.WorkAccess)
	if err != nil {
		return nil, err
	}
	if name != "findings.jsonl" && name != "people.jsonl" || j.State != jobs.Done {
		return nil, fault.Errorf(fault.NotFound, "That file was not found.")
	}
	f, err := a.Blobs.Open(ctx, scanKey(j.ID, name))
	if fault.CodeOf(err) == fault.NotFound && name == "findings.jsonl" {
		// A scan in parts keeps each part's findings: read in order, they
		// are the scan's.
		var keys []string
		if err := a.Blobs.List(ctx, scanKey(j.ID, "findings-"), func(key string, _ int64) error { keys = append(keys, key); return nil }); err != nil {
			return nil, err
		}
		if len(keys) > 0 {
			return &concatenated{a: a, ctx: ctx, keys: keys}, nil
		}
	}
	if fault.CodeOf(err) == fault.NotFound {
		return nil, fault.Errorf(fault.NotFound, "That file is no longer kept.")
	}
	return f, err
}

// LatestScan is the newest finished scan of an incident, if any.
func (a *App) LatestScan(ctx context.Context, incidentID int64) (*jobs.Job, *ScanResult, error) {
	js, err := a.Store.JobsOf(ctx, incidentID)
	if err != nil {
		return nil, nil, err
	}
	for k := range js {
		if js[k].Kind == ScanKind && js[k].State == jobs.Done {
			var res ScanResult
			if json.Unmarshal([]byte(js[k].Result), &res) == nil && res.Summary != nil {
				return &js[k], &res, nil
			}
		}
	}
	return nil, nil, nil
}

// concatenated reads files of the file store one after the other,
// opening each when the one before has ended.
type concatenated struct {
	a    *App
	ctx  context.Context
	keys []string
	cur  io.ReadCloser
}

func (c *concatenated) Read(p []byte) (int, error) {
	for {
		if c.cur == nil {
			if len(c.keys) == 0 {
				return 0, io.EOF
			}
			r, err := c.a.Blobs.Open(c.ctx, c.keys[0])
			if err != nil {
				return 0, err
			}
			c.cur, c.keys = r, c.keys[1:]
		}
		n, err := c.cur.Read(p)
		if err == io.EOF {
			err = c.cur.Close()
			c.cur = nil
			if n > 0 || err != nil {
				return n, err
			}
			continue
		}
		return n, err
	}
}

func (c *concatenated) Close() error {
	if c.cur != nil {
		return c.cur.Close()
	}
	return nil
}
