package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/exercise"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
)

// exercisesPage is the scenario library and the exercises run so far.
func (s *Server) exercisesPage(w http.ResponseWriter, r *http.Request) {
	exs, err := s.Store.Exercises(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, "exercises", "Tabletop exercises", exercisesPage{Library: exercise.Library, Exercises: exs, CanRun: currentUser(r).Can(auth.TriageIncident)})
}

// exercisesPage lists the scenarios and the exercises run.
type exercisesPage struct {
	Library   []exercise.Scenario
	Exercises []exercise.Exercise
	CanRun    bool
}

// exercisePage is one exercise as the facilitator sees it.
type exercisePage struct {
	Ex       *exercise.Exercise
	Scenario *exercise.Scenario
	Elapsed  string
	CanRun   bool
	// Revealed are the injects so far; Next and NextIn say when the next
	// one comes.
	Revealed     []revealedInject
	Next, NextIn string
	// Steps and Deadlines are the score, once the exercise ends.
	Steps, Deadlines []scoreRow
	EscalatedAt      string
}

type revealedInject struct{ At, Text string }

// startExercise turns a scenario into an exercise and its incident (see
// app.StartExercise).
func (s *Server) startExercise(w http.ResponseWriter, r *http.Request) {
	e, err := s.StartExercise(r.Context(), currentUser(r), r.PostFormValue("scenario"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Exercise started. The team works the incident as if it were real; move the clock here to reveal what happens next.")
	http.Redirect(w, r, "/exercises/"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
}

func (s *Server) exerciseFor(r *http.Request) (*exercise.Exercise, error) {
	id, err := strconv.ParseInt(r.PathValue("xid"), 10, 64)
	if err != nil || id <= 0 {
		return nil, notFoundErr("That exercise was not found.")
	}
	return s.Store.Exercise(r.Context(), id)
}

// exercisePage is the facilitator's view: the brief, the simulated clock,
// the injects revealed so far, and at the end the score and debrief.
func (s *Server) exercisePage(w http.ResponseWriter, r *http.Request) {
	e, err := s.exerciseFor(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.exerciseView(w, r, e, nil)
}

func (s *Server) exerciseView(w http.ResponseWriter, r *http.Request, e *exercise.Exercise, err error) {
	now := s.Now()
	data := exercisePage{Ex: e, Scenario: e.Scenario(), Elapsed: exercise.Offset(e.Elapsed(now)), CanRun: currentUser(r).Can(auth.TriageIncident)}
	for _, in := range e.RevealedInjects() {
		data.Revealed = append(data.Revealed, revealedInject{At: exercise.Offset(in.After), Text: in.Text})
	}
	if in, ok := e.NextInject(); ok && !e.Ended() {
		data.Next = exercise.Offset(in.After)
		data.NextIn = incident.Human(e.UntilNextInject(now))
	}
	if sc := e.Score; sc != nil {
		data.Steps, data.Deadlines = scoreRows(sc)
		if sc.Escalated != nil {
			data.EscalatedAt = exercise.Offset(*sc.Escalated)
		}
	}
	s.renderForm(w, r, "exercise", e.Title+" (exercise)", data, r.PostForm, err)
}

type scoreRow struct{ Name, Started, Done, Note string }

// scoreRows writes the score's durations in words for the page.
func scoreRows(sc *exercise.Score) ([]scoreRow, []scoreRow) {
	at := func(d *time.Duration) string {
		if d == nil {
			return "-"
		}
		return exercise.Offset(*d)
	}
	var steps, deadlines []scoreRow
	for _, st := range sc.Steps {
		note := ""
		switch {
		case st.Skipped():
			note = "skipped"
		case st.Done == nil:
			note = "not finished"
		}
		steps = append(steps, scoreRow{Name: st.Step.Label(), Started: at(st.Started), Done: at(st.Done), Note: note})
	}
	for _, d := range sc.Deadlines {
		due := d.Due
		deadlines = append(deadlines, scoreRow{Name: d.Name, Started: exercise.Offset(due), Done: at(d.MetAt), Note: d.Outcome.Label()})
	}
	return steps, deadlines
}

// advanceExercise moves the simulated clock: by a number of hours, or to
// the next inject.
func (s *Server) advanceExercise(w http.ResponseWriter, r *http.Request) {
	e, err := s.exerciseFor(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var d time.Duration
	if r.PostFormValue("to") == "next" {
		d = e.UntilNextInject(s.Now())
	} else {
		h, perr := strconv.ParseFloat(r.PostFormValue("hours"), 64)
		if perr != nil || h <= 0 {
			s.renderError(w, r, &fault.Error{Code: fault.Invalid, Message: "Say how many hours to move the clock, e.g. 6 or 0.5.", Fields: map[string]string{"hours": "A number of hours above zero."}})
			return
		}
		d = time.Duration(h * float64(time.Hour)).Round(time.Minute)
	}
	if err := s.AdvanceExercise(r.Context(), currentUser(r), e, d); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "The exercise clock is now at "+exercise.Offset(e.Elapsed(s.Now()))+".")
	http.Redirect(w, r, "/exercises/"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
}

// endExercise scores the incident as it stands and records the lessons.
func (s *Server) endExercise(w http.ResponseWriter, r *http.Request) {
	e, err := s.exerciseFor(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	score, err := s.EndExercise(r.Context(), currentUser(r), e, r.PostFormValue("lessons"))
	if err != nil {
		if fault.FieldsOf(err) != nil {
			s.exerciseView(w, r, e, err)
			return
		}
		s.renderError(w, r, err)
		return
	}
	s.flash(w, "Exercise ended with a score of "+strconv.Itoa(score.Points)+" out of 100. Its lessons are listed on the response plan for its next review.")
	http.Redirect(w, r, "/exercises/"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
}
