package web

import (
	"net/http"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/dossier"
	"github.com/breachdesk/breachdesk/internal/incident"
)

func (s *Server) buildDossier(r *http.Request) (*dossier.Dossier, error) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		return nil, err
	}
	d, err := dossier.Collect(r.Context(), dossier.Sources{Incidents: s.Incidents, Audit: s.Audit, Org: s.Org}, inc.ID, s.Now())
	if err != nil {
		return nil, err
	}
	_, err = s.Incidents.AddNote(r.Context(), actor(r), inc.ID, incident.EntryExport, "Exported the dossier ("+r.PathValue("format")+").")
	return d, err
}

func (s *Server) exportJSON(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("format", "JSON")
	d, err := s.buildDossier(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Incident.Ref+`-dossier.json"`)
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) exportPDF(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("format", "PDF")
	d, err := s.buildDossier(r)
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
