package web

import (
	"net/http"
)

func (s *Server) exportJSON(w http.ResponseWriter, r *http.Request) {
	d, err := s.Dossier(r.Context(), currentUser(r), pathID(r, "id"), "JSON")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Incident.Ref+`-dossier.json"`)
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) exportPDF(w http.ResponseWriter, r *http.Request) {
	d, err := s.Dossier(r.Context(), currentUser(r), pathID(r, "id"), "PDF")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Incident.Ref+`-dossier.pdf"`)
	if err := d.WritePDF(w); err != nil && s.Log != nil {
		s.Log.Error("pdf export", "incident", d.Incident.ID, "error", err)
	}
}
