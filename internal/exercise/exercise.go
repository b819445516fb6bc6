package exercise

import (
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Exercise is one run of a scenario. Its incident goes through the real
// workflow; the facilitator moves simulated time forward, which reveals
// injects and brings deadlines closer.
//
// Advancing the clock by d moves every time the incident holds d into the
// past (when it was found, when each step started, each deadline), so
// everything that reads the incident (clocks, overdue lists, obligations,
// the score) sees the simulated time without knowing about exercises.
type Exercise struct {
	ID         int64
	ScenarioID string
	IncidentID int64
	// Title is the scenario's title when the exercise started.
	Title     string
	StartedBy string
	// StartedAt is the real time the exercise started.
	StartedAt time.Time
	// Advanced is the simulated time the facilitator has added.
	Advanced time.Duration
	// Revealed counts the scenario's injects shown so far.
	Revealed int
	EndedAt  *time.Time
	EndedBy  string
	Score    *Score
	Lessons  string
}

// MaxAdvance is the most the clock moves in one step: enough to jump past
// the AU 30-day assessment window, small enough to catch a typing error.
const MaxAdvance = 45 * 24 * time.Hour

// Scenario returns the exercise's scenario, or nil if the library no
// longer has it.
func (e *Exercise) Scenario() *Scenario {
	s, _ := Find(e.ScenarioID)
	return s
}

// Ended says whether the exercise is over.
func (e *Exercise) Ended() bool { return e.EndedAt != nil }

// Elapsed is the simulated time since the breach was found.
func (e *Exercise) Elapsed(now time.Time) time.Duration {
	end := now
	if e.EndedAt != nil {
		end = *e.EndedAt
	}
	return end.Sub(e.StartedAt) + e.Advanced
}

// RevealedInjects are the injects the team has seen, oldest first.
func (e *Exercise) RevealedInjects() []Inject {
	s := e.Scenario()
	if s == nil {
		return nil
	}
	return s.Injects[:min(e.Revealed, len(s.Injects))]
}

// NextInject is the next inject to reveal, if any is left.
func (e *Exercise) NextInject() (Inject, bool) {
	s := e.Scenario()
	if s == nil || e.Revealed >= len(s.Injects) {
		return Inject{}, false
	}
	return s.Injects[e.Revealed], true
}

// UntilNextInject is how far the clock must move to reach the next
// inject: zero when it is already due.
func (e *Exercise) UntilNextInject(now time.Time) time.Duration {
	in, ok := e.NextInject()
	if !ok {
		return 0
	}
	return max(0, in.After-e.Elapsed(now))
}

// Advance moves simulated time forward by d and returns the injects now
// due, which the caller reveals. d may be zero, to reveal injects that
// real time has already reached.
func (e *Exercise) Advance(d time.Duration, now time.Time) ([]Inject, error) {
	switch {
	case e.Ended():
		return nil, fault.Errorf(fault.Conflict, "This exercise has ended; its clock no longer moves.")
	case d < 0:
		return nil, fault.Errorf(fault.Invalid, "The clock only moves forward.")
	case d > MaxAdvance:
		return nil, fault.Errorf(fault.Invalid, "Move the clock at most 45 days at a time.")
	}
	e.Advanced += d
	var due []Inject
	for {
		in, ok := e.NextInject()
		if !ok || in.After > e.Elapsed(now) {
			return due, nil
		}
		due = append(due, in)
		e.Revealed++
	}
}

// End closes the exercise with its score and the lessons the team drew,
// which the response plan's next review takes up.
func (e *Exercise) End(score Score, lessons string, by string, now time.Time) error {
	if e.Ended() {
		return fault.Errorf(fault.Conflict, "This exercise has already ended.")
	}
	lessons = strings.TrimSpace(lessons)
	f := fault.Fields{}
	switch {
	case lessons == "":
		f.Add("lessons", "Write down what the exercise taught: they go to the response plan's next review.")
	case len(lessons) > 20000:
		f.Add("lessons", "Keep the lessons under 20,000 characters.")
	}
	if err := f.Err(); err != nil {
		return err
	}
	e.EndedAt, e.EndedBy, e.Score, e.Lessons = &now, by, &score, lessons
	return nil
}
