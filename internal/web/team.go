package web

import (
	"net/http"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notify"
)

// teamPage shows the data breach response team (seed 001, Part 3): core
// members, on-call specialists and the outside experts to call.
func (s *Server) teamPage(w http.ResponseWriter, r *http.Request) {
	s.teamView(w, r, nil)
}

func (s *Server) teamView(w http.ResponseWriter, r *http.Request, err error) {
	users, lerr := s.Users.Users(r.Context())
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
	experts, lerr := s.Experts.Experts(r.Context())
	if lerr != nil {
		s.renderError(w, r, lerr)
		return
	}
	s.renderForm(w, r, "team", "Response team", map[string]any{"Core": core, "OnCall": onCall, "Experts": experts,
		"ExpertKinds": incident.ExpertKinds, "Roles": auth.TeamRoles, "CanEdit": currentUser(r).Can(auth.EditPlan)}, r.PostForm, err)
}

func (s *Server) addExpert(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	_, err := s.Experts.AddExpert(r.Context(), actor(r), incident.Expert{Kind: f.Get("kind"), Name: f.Get("name"), Organisation: f.Get("organisation"), Contact: f.Get("contact"), Notes: f.Get("notes")})
	if err != nil {
		s.teamView(w, r, err)
		return
	}
	http.Redirect(w, r, "/team", http.StatusSeeOther)
}

func (s *Server) deleteExpert(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("eid"), 10, 64)
	if err := s.Experts.DeleteExpert(r.Context(), actor(r), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/team", http.StatusSeeOther)
}

// addParticipant brings a person into an incident's response, e.g. an
// on-call specialist, so they can see and work it.
func (s *Server) addParticipant(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	uid, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	u, err := s.Users.User(r.Context(), uid)
	if err != nil || u.Disabled {
		s.renderError(w, r, &fault.Error{Code: fault.Invalid, Message: "Choose a person with an active account.", Fields: map[string]string{"user_id": "Choose someone from the list."}})
		return
	}
	err = s.Incidents.AddParticipants(r.Context(), actor(r), inc.ID, []incident.Participant{{UserID: u.ID, Name: u.Name, Role: teamRoleOf(u)}})
	if err == nil {
		s.tell(r.Context(), []notify.Recipient{{UserID: u.ID, Email: u.Email}}, inc, "You were added to the response to "+inc.Ref()+".")
	}
	s.afterChange(w, r, inc.ID, u.Name+" joined the response.", err)
}
