package web

import (
	"net/http"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/register"
)

func (s *Server) registerDoc(r *http.Request) (register.Document, error) {
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	o := s.orgOrDefault(r)
	doc, err := register.Build(r.Context(), s.Store, o.Name,
		register.Filter{Kind: incident.Kind(q.Get("kind")), Status: incident.Status(q.Get("status")), Year: year}, s.Now())
	doc.Location = o.Location()
	return doc, err
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	doc, err := s.registerDoc(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderForm(w, r, "register", "Breach register", registerPage{Doc: doc, Query: r.URL.RawQuery, Kinds: incident.Kinds, Statuses: incident.Statuses}, r.URL.Query(), nil)
}

// registerPage is the breach register with its filters.
type registerPage struct {
	Doc      register.Document
	Query    string
	Kinds    []incident.Kind
	Statuses []incident.Status
}

func (s *Server) registerExport(w http.ResponseWriter, r *http.Request) {
	doc, err := s.registerDoc(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	name := "breach-register-" + s.Now().Format("2006-01-02")
	switch r.PathValue("format") {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		err = doc.WriteCSV(w)
	case "json":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
		err = doc.WriteJSON(w)
	case "pdf":
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
		err = doc.WritePDF(w)
	default:
		s.renderError(w, r, notFoundErr("Export the register as csv, json or pdf."))
		return
	}
	if err != nil && s.Log != nil {
		s.Log.Error("register export", "error", err)
	}
}
