package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

func (s *Server) escalationPage(w http.ResponseWriter, r *http.Request) {
	s.escalationView(w, r, nil)
}

func (s *Server) escalationView(w http.ResponseWriter, r *http.Request, err error) {
	rules, lerr := s.Store.EscalationRules(r.Context())
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	s.renderForm(w, r, "escalation", "Escalation rules", escalationPage{Rules: rules, Kinds: incident.EscalationKinds}, r.PostForm, err)
}

// escalationPage is the administrator's list of escalation rules.
type escalationPage struct {
	Rules []incident.EscalationRule
	Kinds []incident.Choice
}

// saveEscalationRule adds a rule or changes one. Rules apply from the
// next report, triage or assessment; firings already recorded stay.
func (s *Server) saveEscalationRule(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("id"), 10, 64)
	var err error
	threshold := 0
	if v := strings.TrimSpace(f.Get("threshold")); v != "" {
		if threshold, err = strconv.Atoi(v); err != nil {
			err = &fault.Error{Code: fault.Invalid, Message: "Give the threshold as a whole number, such as 100, or leave it empty.", Fields: map[string]string{"threshold": "Give a whole number."}}
		}
	}
	if err == nil {
		err = s.SaveEscalationRule(r.Context(), currentUser(r), incident.EscalationRule{ID: id, Kind: f.Get("kind"), Threshold: threshold, Enabled: f.Get("enabled") == "1"})
	}
	if err != nil {
		s.escalationView(w, r, err)
		return
	}
	s.flash(w, "Escalation rules saved.")
	http.Redirect(w, r, "/admin/escalation", http.StatusSeeOther)
}
