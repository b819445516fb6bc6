package web

import (
	"net/http"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/incident"
)

func (s *Server) saveReviewNotes(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := r.PostForm
	err = s.Incidents.SaveReviewNotes(r.Context(), actor(r), inc.ID, f.Get("went_well"), f.Get("went_badly"), f.Get("lessons"))
	s.afterChange(w, r, inc.ID, "Review saved.", err)
}

func (s *Server) addRootCause(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err = s.Incidents.AddRootCause(r.Context(), actor(r), incident.RootCause{IncidentID: inc.ID, Category: r.PostFormValue("category"), Description: r.PostFormValue("description")})
	s.afterChange(w, r, inc.ID, "", err)
}

func (s *Server) addReviewAction(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	due, err := s.formDue(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	owner, _ := strconv.ParseInt(r.PostFormValue("owner_id"), 10, 64)
	if owner != 0 {
		if u, err := s.Users.User(r.Context(), owner); err != nil || u.Disabled {
			owner = 0
		}
	}
	_, err = s.Incidents.AddAction(r.Context(), actor(r), incident.Action{IncidentID: inc.ID, Title: r.PostFormValue("title"), OwnerID: owner, DueAt: due, Link: r.PostFormValue("link")})
	s.afterChange(w, r, inc.ID, "", err)
}

func (s *Server) setReviewAction(w http.ResponseWriter, r *http.Request) {
	inc, _, err := s.incidentFor(r, auth.WorkAccess)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	aid, _ := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	_, err = s.Incidents.SetActionDone(r.Context(), actor(r), inc.ID, aid, r.PostFormValue("op") == "done")
	s.afterChange(w, r, inc.ID, "", err)
}
