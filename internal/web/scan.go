package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/discover"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/jobs"
)

// startScan queues a scan of an uploaded file (an archive or a single
// file) or of a server folder inside the scan roots.
func (s *Server) startScan(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	var j jobs.Job
	var err error
	if folder := r.FormValue("folder"); folder != "" && len(s.ScanRoots) > 0 {
		j, err = s.StartScan(r.Context(), currentUser(r), id, folder, nil, "")
	} else if f, h, ferr := r.FormFile("file"); ferr == nil {
		defer f.Close()
		j, err = s.StartScan(r.Context(), currentUser(r), id, "", f, h.Filename)
	} else {
		j, err = s.StartScan(r.Context(), currentUser(r), id, "", nil, "")
	}
	if err != nil {
		s.afterChange(w, r, id, "", err)
		return
	}
	s.flash(w, "Scan queued. Its progress shows here; the findings feed the Assess step when it finishes.")
	http.Redirect(w, r, "/incidents/"+itoa(id)+"/scans/"+itoa(j.ID), http.StatusSeeOther)
}

// scanCount is one kind of personal data a scan found.
type scanCount struct {
	Type                   string
	Validated, Unvalidated int64
}

// scanPage is a scan's progress and, once finished, its summary.
type scanPage struct {
	Head       incidentHead
	Inc        *incident.Incident
	Job        *jobs.Job
	Result     *app.ScanResult
	Counts     []scanCount
	Categories string
	Places     string
}

// scanPage shows a scan's progress while it runs and its summary after.
func (s *Server) scanPage(w http.ResponseWriter, r *http.Request) {
	inc, j, err := s.Scan(r.Context(), currentUser(r), pathID(r, "id"), pathID(r, "jid"), auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := scanPage{Head: s.head(r, inc, s.orgOrDefault(r), tabEvidence), Inc: inc, Job: j}
	if j.State == jobs.Done {
		var res app.ScanResult
		if err := json.Unmarshal([]byte(j.Result), &res); err != nil || res.Summary == nil {
			s.renderError(w, r, fmt.Errorf("scan %d has an unreadable result: %v", j.ID, err))
			return
		}
		d.Result = &res
		for _, t := range discover.Types {
			if c := res.Summary.Counts[t]; c != nil {
				d.Counts = append(d.Counts, scanCount{Type: app.ElementLabel(t), Validated: c.Validated, Unvalidated: c.Unvalidated})
			}
		}
		var labels []string
		for _, c := range res.Categories {
			labels = append(labels, incident.LabelOf(incident.DataCategories, c))
		}
		d.Categories = strings.Join(labels, "; ")
		codes := make([]string, 0, len(res.ByJurisdiction))
		for k := range res.ByJurisdiction {
			codes = append(codes, k)
		}
		sort.Strings(codes)
		places := make([]string, len(codes))
		for i, k := range codes {
			places[i] = strconv.Itoa(res.ByJurisdiction[k]) + " in " + k
		}
		d.Places = strings.Join(places, ", ")
	}
	v := s.view(w, r, "Scan of "+j.Label, d)
	if j.State == jobs.Queued || j.State == jobs.Running {
		v.Refresh = 2
	}
	s.renderView(w, r, http.StatusOK, "scan", v)
}

// scanDownload sends a scan's findings or people (masked, as JSON Lines).
func (s *Server) scanDownload(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	f, err := s.ScanFile(r.Context(), currentUser(r), pathID(r, "id"), pathID(r, "jid"), name)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="scan-%d-%s"`, pathID(r, "jid"), name))
	if _, err := io.Copy(w, f); err != nil && s.Log != nil {
		s.Log.Warn("scan download cut short", "error", err)
	}
}
