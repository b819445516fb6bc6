package web

import (
	"net/http"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// teamPage shows the data breach response team (seed 001, Part 3): core
// members, on-call specialists and the outside experts to call.
func (s *Server) teamPage(w http.ResponseWriter, r *http.Request) {
	s.teamView(w, r, nil)
}

func (s *Server) teamView(w http.ResponseWriter, r *http.Request, err error) {
	users, lerr := s.Store.Users(r.Context())
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	var core, onCall []auth.User
	for _, u := range users {
		switch {
		case u.Disabled:
		case u.ResponseTeam:
			core = append(core, u)
		case u.TeamRole != "":
			onCall = append(onCall, u)
		}
	}
	experts, lerr := s.Store.Experts(r.Context())
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	s.renderForm(w, r, "team", "Response team", teamPage{Core: core, OnCall: onCall, Experts: experts,
		ExpertKinds: incident.ExpertKinds, Roles: auth.TeamRoles, CanEdit: currentUser(r).Can(auth.EditPlan)}, r.PostForm, err)
}

// teamPage is the response team: the core members, those on call with
// their team role, and the outside experts.
type teamPage struct {
	Core, OnCall []auth.User
	Experts      []incident.Expert
	ExpertKinds  []incident.Choice
	Roles        []struct{ ID, Label, Duty string }
	CanEdit      bool
}

func (s *Server) addExpert(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	_, err := s.AddExpert(r.Context(), currentUser(r), incident.Expert{Kind: f.Get("kind"), Name: f.Get("name"), Organisation: f.Get("organisation"), Contact: f.Get("contact"), Notes: f.Get("notes")})
	if err != nil {
		s.teamView(w, r, err)
		return
	}
	http.Redirect(w, r, "/team", http.StatusSeeOther)
}

func (s *Server) deleteExpert(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("eid"), 10, 64)
	if err := s.DeleteExpert(r.Context(), currentUser(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/team", http.StatusSeeOther)
}

// addParticipant brings a person into an incident's response (see
// app.AddParticipant).
func (s *Server) addParticipant(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	p, err := s.AddParticipant(r.Context(), currentUser(r), id, formID(r, "user_id"))
	s.afterChange(w, r, id, p.Name+" joined the response.", err)
}
