package exercise

import (
	"math"
	"time"

	"github.com/breachdesk/breachdesk/internal/incident"
)

// Score is how the team did: which deadlines would have been met, which
// steps were skipped, and how long each took in simulated time. Every
// duration runs from when the breach was found.
type Score struct {
	// Points out of 100: 40 for the four steps completed, 40 for the
	// deadlines met, 20 for the checklist ticked (docs/exercises.md).
	Points    int              `json:"points"`
	Elapsed   time.Duration    `json:"elapsed"`
	Escalated *time.Duration   `json:"escalated,omitempty"`
	Steps     []StepResult     `json:"steps"`
	Deadlines []DeadlineResult `json:"deadlines"`
	TasksDone int              `json:"tasks_done"`
	Tasks     int              `json:"tasks"`
}

// StepResult is one of the four steps.
type StepResult struct {
	Step    incident.Step  `json:"step"`
	Started *time.Duration `json:"started,omitempty"`
	Done    *time.Duration `json:"done,omitempty"`
}

// Skipped says the step was never started.
func (r StepResult) Skipped() bool { return r.Started == nil }

// Outcome is what happened to a deadline.
type Outcome string

// The outcomes of a deadline.
const (
	Met    Outcome = "met"    // done before the deadline
	Late   Outcome = "late"   // done after it
	Missed Outcome = "missed" // not done, and the deadline passed
	Open   Outcome = "open"   // not done; the exercise ended before the deadline
)

// Label is the outcome in words.
func (o Outcome) Label() string {
	switch o {
	case Met:
		return "Met"
	case Late:
		return "Met late"
	case Missed:
		return "Missed"
	}
	return "Not done when the exercise ended"
}

// DeadlineResult is one clock of the incident at the end.
type DeadlineResult struct {
	Name    string         `json:"name"`
	Basis   string         `json:"basis"`
	Due     time.Duration  `json:"due"`
	MetAt   *time.Duration `json:"met_at,omitempty"`
	Outcome Outcome        `json:"outcome"`
}

// Weights of the score's parts.
const (
	stepPoints     = 40
	deadlinePoints = 40
	taskPoints     = 20
)

// Compute scores the exercise's incident as it stands at now. laws are
// the organisation's regimes, which choose the clocks before assessment.
func Compute(inc *incident.Incident, tasks []incident.Task, laws []string, now time.Time) Score {
	found := inc.Report.DiscoveredAt
	since := func(t *time.Time) *time.Duration {
		if t == nil {
			return nil
		}
		d := t.Sub(found)
		return &d
	}
	sc := Score{Elapsed: now.Sub(found), Escalated: since(inc.EscalatedAt)}
	done := 0
	for _, st := range incident.AllSteps {
		p := inc.Steps[st]
		r := StepResult{Step: st, Started: since(p.StartedAt)}
		if p.State == incident.StepDone {
			r.Done = since(p.DoneAt)
			done++
		}
		sc.Steps = append(sc.Steps, r)
	}
	met := 0
	for _, c := range inc.Clocks(laws) {
		r := DeadlineResult{Name: c.Name, Basis: c.Basis, Due: c.Due.Sub(found), MetAt: since(c.MetAt)}
		switch {
		case c.MetAt != nil && !c.MetAt.After(c.Due):
			r.Outcome = Met
			met++
		case c.MetAt != nil:
			r.Outcome = Late
		case now.After(c.Due):
			r.Outcome = Missed
		default:
			r.Outcome = Open
		}
		sc.Deadlines = append(sc.Deadlines, r)
	}
	for _, t := range tasks {
		sc.Tasks++
		if t.Done {
			sc.TasksDone++
		}
	}
	points := stepPoints * float64(done) / float64(len(incident.AllSteps))
	points += deadlinePoints * share(met, len(sc.Deadlines))
	points += taskPoints * share(sc.TasksDone, sc.Tasks)
	sc.Points = int(math.Round(points))
	return sc
}

// share is n of total as a fraction; nothing to do counts as all done.
func share(n, total int) float64 {
	if total == 0 {
		return 1
	}
	return float64(n) / float64(total)
}
