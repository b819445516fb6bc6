package web

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/discover"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/notice"
)

// scanKind is the job kind of a scan of exposed files.
const scanKind = "scan"

// scanResult is what a finished scan records for its incident: the
// summary, and the figures that feed the facts.
type scanResult struct {
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

// Runner returns the job runner for this server's kinds of job; serve
// runs it beside the web server.
func (s *Server) Runner() *jobs.Runner {
	return &jobs.Runner{Store: s.Jobs, Log: s.Log, Handlers: map[string]jobs.Handler{scanKind: s.runScan}, Done: s.jobDone}
}

func (s *Server) scanOut(id int64) string {
	return filepath.Join(s.ScanDir, "job-"+strconv.FormatInt(id, 10))
}

// runScan scans the job's folder into findings and people files beside
// it, and deletes an uploaded copy once it has been read.
func (s *Server) runScan(ctx context.Context, j *jobs.Job, progress func(files, bytes, total int64)) (result string, err error) {
	// An uploaded copy of exposed files is never kept once its scan has
	// ended, however it ended; a scan stopped with the process keeps it
	// for the next start.
	defer func() {
		if ctx.Err() == nil && s.isUpload(j.Input) {
			os.RemoveAll(j.Input)
		}
	}()
	out := s.scanOut(j.ID)
	if err := os.MkdirAll(out, 0o700); err != nil {
		return "", err
	}
	ff, err := os.OpenFile(filepath.Join(out, "findings.jsonl"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	defer ff.Close()
	sum, res, err := discover.Scan(ctx, []string{j.Input}, discover.Options{Findings: ff, PeopleValues: s.People != nil,
		Progress: func(p discover.Progress) { progress(p.Files, p.Bytes, p.TotalBytes) }})
	if err != nil {
		return "", fmt.Errorf("the scan could not run: %w", err)
	}
	pf, err := os.OpenFile(filepath.Join(out, "people.jsonl"), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	defer pf.Close()
	sr := scanResult{Summary: sum, ByJurisdiction: map[string]int{}}
	var list []notice.Affected
	pw := bufio.NewWriter(pf)
	var line []byte
	res.People(func(p discover.Person) {
		sum.People++
		if p.Jurisdiction != "" {
			sr.ByJurisdiction[p.Jurisdiction]++
		}
		if s.People != nil {
			if a, ok := affectedFrom(p, "scan of "+j.Label); ok {
				list = append(list, a)
			} else {
				sr.Unreachable++
			}
		}
		if err == nil {
			masked := discover.MaskPerson(p) // only masked details are written to disk
			line = append(masked.AppendJSON(line[:0]), '\n')
			_, err = pw.Write(line)
		}
	})
	if err == nil {
		err = pw.Flush()
	}
	if err != nil {
		return "", err
	}
	if len(list) > 0 {
		if err := s.People.AddAffected(ctx, 0, "breachdesk (scanner)", j.IncidentID, list); err != nil {
			return "", fmt.Errorf("adding the people found to the list: %w", err)
		}
		sr.Listed = len(list)
	}
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
	if s.isUpload(j.Input) {
		sr.UploadDeleted = os.RemoveAll(j.Input) == nil
	}
	b, err := json.Marshal(sr)
	return string(b), err
}

// jobDone writes the end of a scan on its incident's timeline.
func (s *Server) jobDone(ctx context.Context, j *jobs.Job) {
	if j.IncidentID == 0 {
		return
	}
	text := "Scan of " + j.Label + " failed: " + j.Error
	if j.State == jobs.Done {
		var r scanResult
		json.Unmarshal([]byte(j.Result), &r)
		text = fmt.Sprintf("Scan of %s finished: %s, %s found, %s.", j.Label, countOf(int(r.Summary.Files), "file", "files"), countOf(r.Summary.People, "person", "people"), typesFound(r.Summary))
	}
	s.Incidents.AddNote(ctx, incident.Actor{Name: "breachdesk (scanner)"}, j.IncidentID, incident.EntryEvidence, text)
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

func typesFound(sum *discover.Summary) string {
	var parts []string
	for _, t := range discover.Types {
		if c := sum.Counts[t]; c != nil {
			parts = append(parts, fmt.Sprintf("%s %d", strings.ReplaceAll(string(t), "_", " "), c.Validated+c.Unvalidated))
		}
	}
	if len(parts) == 0 {
		return "no personal data"
	}
	return strings.Join(parts, ", ")
}

func (s *Server) isUpload(p string) bool {
	rel, err := filepath.Rel(s.ScanDir, p)
	return err == nil && strings.HasPrefix(rel, "upload-") && !strings.Contains(rel, "..")
}

// allowedFolder resolves a folder a person asked to scan, which must be
// inside one of the configured scan roots.
func (s *Server) allowedFolder(p string) (string, error) {
	p = strings.TrimSpace(p)
	real, err := filepath.EvalSymlinks(filepath.Clean(p))
	if err != nil || !filepath.IsAbs(p) {
		return "", fault.Errorf(fault.Invalid, "That folder cannot be read. Give a full path inside %s.", strings.Join(s.ScanRoots, " or "))
	}
	for _, root := range s.ScanRoots {
		if rr, err := filepath.EvalSymlinks(root); err == nil {
			if rel, err := filepath.Rel(rr, real); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return real, nil
			}
		}
	}
	return "", fault.Errorf(fault.Forbidden, "Scans may only read folders inside %s.", strings.Join(s.ScanRoots, " or "))
}

// startScan queues a scan of an uploaded file (an archive or a single
// file) or of a server folder inside the scan roots.
func (s *Server) startScan(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	input, label := "", ""
	if folder := r.FormValue("folder"); folder != "" && len(s.ScanRoots) > 0 {
		if input, err = s.allowedFolder(folder); err != nil {
			s.renderError(w, r, err)
			return
		}
		label = input
	} else {
		f, h, ferr := r.FormFile("file")
		if ferr != nil {
			s.renderError(w, r, fault.Errorf(fault.Invalid, "Choose the exposed file to scan (an archive such as a .zip holds many)."))
			return
		}
		defer f.Close()
		label = filepath.Base(h.Filename)
		if label == "." || label == string(filepath.Separator) || label == "" {
			label = "upload"
		}
		if input, err = s.saveScanUpload(f, label); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	j, err := s.Jobs.Enqueue(r.Context(), actor(r), jobs.Job{Kind: scanKind, IncidentID: inc.ID, Input: input, Label: label})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.Incidents.AddNote(r.Context(), actor(r), inc.ID, incident.EntryEvidence, "Scan of "+label+" queued.")
	s.flash(w, "Scan queued. Its progress shows here; the findings feed the Assess step when it finishes.")
	http.Redirect(w, r, "/incidents/"+itoa(inc.ID)+"/scans/"+itoa(j.ID), http.StatusSeeOther)
}

// saveScanUpload copies an upload into its own folder under the scan folder,
// readable only by breachdesk, up to MaxScanUpload.
func (s *Server) saveScanUpload(f io.Reader, name string) (string, error) {
	var rnd [12]byte
	rand.Read(rnd[:])
	dir := filepath.Join(s.ScanDir, "upload-"+hex.EncodeToString(rnd[:]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	out, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	n, err := io.Copy(out, io.LimitReader(f, s.MaxScanUpload+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > s.MaxScanUpload {
		err = fault.Errorf(fault.Invalid, "The file is larger than %d MB. Ask the administrator to raise --max-scan-upload-mb, or to set a scan folder on the server.", s.MaxScanUpload>>20)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// scanFor loads a scan job of the incident in the path.
func (s *Server) scanFor(r *http.Request, need auth.Access) (*incident.Incident, *jobs.Job, error) {
	inc, _, err := s.incidentFor(r, need)
	if err != nil {
		return nil, nil, err
	}
	id, _ := strconv.ParseInt(r.PathValue("jid"), 10, 64)
	j, err := s.Jobs.Job(r.Context(), id)
	if err != nil || j.IncidentID != inc.ID || j.Kind != scanKind {
		return nil, nil, notFoundErr("That scan was not found.")
	}
	return inc, j, nil
}

// scanPage shows a scan's progress while it runs and its summary after.
func (s *Server) scanPage(w http.ResponseWriter, r *http.Request) {
	inc, j, err := s.scanFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data := map[string]any{"Inc": inc, "Job": j}
	if j.State == jobs.Done {
		var res scanResult
		if err := json.Unmarshal([]byte(j.Result), &res); err == nil {
			data["Result"] = res
			var rows []map[string]any
			for _, t := range discover.Types {
				if c := res.Summary.Counts[t]; c != nil {
					rows = append(rows, map[string]any{"Type": strings.ReplaceAll(string(t), "_", " "), "Validated": c.Validated, "Unvalidated": c.Unvalidated})
				}
			}
			data["Counts"] = rows
			var labels []string
			for _, c := range res.Categories {
				labels = append(labels, incident.LabelOf(incident.DataCategories, c))
			}
			data["Categories"] = strings.Join(labels, "; ")
			var places []string
			for k, n := range res.ByJurisdiction {
				places = append(places, k+"="+strconv.Itoa(n))
			}
			sort.Strings(places)
			data["Places"] = strings.Join(places, ", ")
		}
	}
	v := s.view(w, r, "Scan of "+j.Label, data)
	if j.State == jobs.Queued || j.State == jobs.Running {
		v.Refresh = 2
	}
	s.renderView(w, r, http.StatusOK, "scan", v)
}

// scanDownload sends a scan's findings or people (masked, as JSON Lines).
func (s *Server) scanDownload(w http.ResponseWriter, r *http.Request) {
	_, j, err := s.scanFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	name := r.PathValue("file")
	if name != "findings.jsonl" && name != "people.jsonl" || j.State != jobs.Done {
		s.renderError(w, r, notFoundErr("That file was not found."))
		return
	}
	f, err := os.Open(filepath.Join(s.scanOut(j.ID), name))
	if err != nil {
		s.renderError(w, r, notFoundErr("That file is no longer kept."))
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scan-%d-%s"`, j.ID, name))
	io.Copy(w, f)
}

// latestScan is the newest finished scan of an incident, if any.
func (s *Server) latestScan(ctx context.Context, incidentID int64) (*jobs.Job, *scanResult) {
	if s.Jobs == nil {
		return nil, nil
	}
	js, err := s.Jobs.JobsOf(ctx, incidentID)
	if err != nil {
		return nil, nil
	}
	for k := range js {
		if js[k].Kind == scanKind && js[k].State == jobs.Done {
			var res scanResult
			if json.Unmarshal([]byte(js[k].Result), &res) == nil && res.Summary != nil {
				return &js[k], &res
			}
		}
	}
	return nil, nil
}
