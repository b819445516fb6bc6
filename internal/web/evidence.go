package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// saveUpload stores the "file" part of a parsed multipart form as
// evidence of the incident in the path.
func (s *Server) saveUpload(r *http.Request, id int64) (incident.Evidence, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.AddEvidence(r.Context(), currentUser(r), id, "", nil, "") // no file: refused after the access check
	}
	defer file.Close()
	return s.AddEvidence(r.Context(), currentUser(r), id, hdr.Filename, file, r.FormValue("description"))
}

func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	_, err := s.saveUpload(r, id)
	s.afterChange(w, r, id, "Evidence attached.", err)
}

func (s *Server) downloadEvidence(w http.ResponseWriter, r *http.Request) {
	ev, f, err := s.Evidence(r.Context(), currentUser(r), pathID(r, "id"), pathID(r, "eid"))
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
	if _, err := io.Copy(w, f); err != nil && s.Log != nil {
		s.Log.Warn("evidence download cut short", "incident", ev.IncidentID, "error", err)
	}
}
