package web

import (
	"fmt"
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

// metrics serves the operators' figures in the Prometheus text format.
// Counts only: no incident details, no personal data.
func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	c, err := s.Store.Counts(r.Context(), s.Now())
	if err != nil {
		http.Error(w, "metrics unavailable", http.StatusInternalServerError)
		return
	}
	queued, running, err := s.Store.Depth(r.Context())
	if err != nil {
		http.Error(w, "metrics unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintln(w, "# HELP breachdesk_incidents_open Incidents not closed, by kind.")
	fmt.Fprintln(w, "# TYPE breachdesk_incidents_open gauge")
	for _, k := range incident.Kinds {
		fmt.Fprintf(w, "breachdesk_incidents_open{kind=%q} %d\n", k, c.OpenIncidents[k])
	}
	for _, m := range []struct {
		name, help string
		v          int
	}{
		{"breachdesk_obligations_pending", "Obligations still to do.", c.PendingObligations},
		{"breachdesk_obligations_overdue", "Pending obligations past their deadline or target.", c.OverdueObligations},
		{"breachdesk_review_actions_open", "Review actions not done.", c.OpenActions},
		{"breachdesk_review_actions_overdue", "Review actions past their due date.", c.OverdueActions},
		{"breachdesk_jobs_queued", "Background jobs (scans) waiting to start: the job queue depth.", queued},
		{"breachdesk_jobs_running", "Background jobs (scans) running.", running},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", m.name, m.help, m.name, m.name, m.v)
	}
}
