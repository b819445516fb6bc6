package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// saveUpload stores the "file" part of a parsed multipart form as evidence.
func (s *Server) saveUpload(r *http.Request, inc *incident.Incident) (incident.Evidence, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return incident.Evidence{}, &fault.Error{Code: fault.Invalid, Message: "Choose a file to attach.", Fields: map[string]string{"file": "No file was received."}}
	}
	defer file.Close()
	st, err := s.Files.Save(hdr.Filename, file)
	if err != nil {
		return incident.Evidence{}, err
	}
	desc := strings.TrimSpace(r.FormValue("description"))
	if len(desc) > 2000 {
		desc = desc[:2000]
	}
	if s.Log != nil {
		s.Log.Info("evidence stored", "incident", inc.ID, "file", st.Describe())
	}
	return s.Incidents.AddEvidence(r.Context(), actor(r), incident.Evidence{IncidentID: inc.ID, Filename: st.Filename,
		ContentType: st.ContentType, Size: st.Size, SHA256: st.SHA256, Description: desc})
}

func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err = s.saveUpload(r, inc)
	s.afterChange(w, r, inc.ID, "Evidence attached.", err)
}

func (s *Server) downloadEvidence(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	eid, _ := strconv.ParseInt(r.PathValue("eid"), 10, 64)
	ev, err := s.Incidents.EvidenceItem(r.Context(), inc.ID, eid)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f, err := s.Files.Open(ev.SHA256)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	defer f.Close()
	// Always a download, never rendered in the browser: evidence may be
	// hostile (an HTML file from an attacker, say).
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ev.Filename}))
	w.Header().Set("X-Evidence-SHA256", ev.SHA256)
	w.Header().Set("Content-Length", strconv.FormatInt(ev.Size, 10))
	io.Copy(w, f)
}
