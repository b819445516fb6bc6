package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
	"github.com/breachdesk/breachdesk/internal/matrix"
)

// The notification matrix of an incident: its latest recorded assessment
// laid out law by law and audience by audience, with each obligation's
// state on the incident, sortable, and exported as CSV or PDF for
// counsel.

// matrixView is the matrix page.
type matrixView struct {
	// Head is the incident's summary and step tabs (the matrix is part
	// of Notify).
	Head      incidentHead
	Inc       *incident.Incident
	M         matrix.Matrix
	Sort      string
	Sorts     []string
	Only      string
	Query     string
	Assessed  bool
	CanExport bool
}

// matrixOf builds the matrix of the incident's latest assessment, sorted
// and filtered as the query asks (sort=deadline|law|place|people|decision,
// only=required,undetermined,...). ok is false when no assessment has
// been recorded.
func (s *Server) matrixOf(r *http.Request, inc *incident.Incident) (m matrix.Matrix, ok bool, err error) {
	list, err := s.Store.Assessments(r.Context(), inc.ID)
	if err != nil || len(list) == 0 {
		return m, false, err
	}
	var a law.Assessment
	if err := json.Unmarshal([]byte(list[0].Result), &a); err != nil {
		return m, false, fmt.Errorf("the latest assessment cannot be read: %w", err)
	}
	m = matrix.Build(s.Rules, a, inc.Ref()+" "+inc.Title)
	now := s.Now()
	states := map[string]matrix.State{}
	for k := range inc.Obligations {
		o := &inc.Obligations[k]
		states[o.RuleID] = matrix.State{Status: string(o.Status), Overdue: o.Overdue(now)}
	}
	m.WithStatus(states)
	if only := r.URL.Query().Get("only"); only != "" {
		m.Only(strings.Split(only, ",")...)
	}
	if err := m.Sort(r.URL.Query().Get("sort")); err != nil {
		m.Sort("deadline")
	}
	return m, true, nil
}

func (s *Server) matrixPage(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m, ok, err := s.matrixOf(r, inc)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	sort := q.Get("sort")
	if sort == "" {
		sort = "deadline"
	}
	v := matrixView{Head: s.head(r, inc, s.orgOrDefault(r), string(incident.Notify)), Inc: inc, M: m, Sort: sort, Sorts: matrix.Sorts, Only: q.Get("only"), Query: q.Encode(), Assessed: ok,
		CanExport: currentUser(r).Can(auth.ExportIncident)}
	s.render(w, r, "matrix", "Notification matrix "+inc.Ref(), v)
}

func (s *Server) matrixDownload(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.ReadAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	m, ok, err := s.matrixOf(r, inc)
	if err == nil && !ok {
		err = notFoundErr("No assessment has been recorded for this incident yet.")
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	o := s.orgOrDefault(r)
	name := inc.Ref() + "-notification-matrix"
	if strings.HasSuffix(r.URL.Path, ".pdf") {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.pdf"`, name))
		if err := m.WritePDF(w, o.Name, o.Location()); err != nil {
			s.logIfInternal(r, err)
		}
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	if err := m.WriteCSV(w, o.Location()); err != nil {
		s.logIfInternal(r, err)
	}
}
