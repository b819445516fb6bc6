package web

import (
	"net/http"

	"github.com/breachdesk/breachdesk/internal/app"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// reviewNotes reads the review's answers from its form.
func reviewNotes(r *http.Request) app.ReviewNotes {
	f := r.PostForm
	return app.ReviewNotes{WentWell: f.Get("went_well"), WentBadly: f.Get("went_badly"), Lessons: f.Get("lessons")}
}

func (s *Server) saveReviewNotes(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	err := s.SaveReview(r.Context(), currentUser(r), id, reviewNotes(r))
	s.afterChange(w, r, id, "Review saved.", err)
}

// addRootCause adds a cause from the review's form, which also carries
// what was typed in the review's answers: those are saved first, so
// nothing typed is lost.
func (s *Server) addRootCause(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	var err error
	if _, typed := r.PostForm["lessons"]; typed {
		err = s.SaveReview(r.Context(), currentUser(r), id, reviewNotes(r))
	}
	if err == nil {
		_, err = s.AddRootCause(r.Context(), currentUser(r), incident.RootCause{IncidentID: id, Category: r.PostFormValue("category"), Description: r.PostFormValue("description")})
	}
	s.afterChange(w, r, id, "Root cause added; the review's answers are saved.", err)
}

func (s *Server) addReviewAction(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	due, err := s.formDue(r)
	if err == nil {
		_, err = s.AddReviewAction(r.Context(), currentUser(r), incident.Action{IncidentID: id, Title: r.PostFormValue("title"), OwnerID: formID(r, "owner_id"), DueAt: due, Link: r.PostFormValue("link")})
	}
	s.afterChange(w, r, id, "", err)
}

func (s *Server) setReviewAction(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	_, err := s.SetReviewActionDone(r.Context(), currentUser(r), id, pathID(r, "aid"), r.PostFormValue("op") == "done")
	s.afterChange(w, r, id, "", err)
}
