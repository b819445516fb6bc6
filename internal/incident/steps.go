package incident

import (
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Step is one of the four steps of a breach response (seed 001, Part 4).
type Step string

// The steps in order. Assess and Notify may run at the same time.
const (
	Contain Step = "contain"
	Assess  Step = "assess"
	Notify  Step = "notify"
	Review  Step = "review"
)

// AllSteps lists the steps in the order of the guidance.
var AllSteps = []Step{Contain, Assess, Notify, Review}

// Label is the step's name as the guidance writes it.
func (s Step) Label() string {
	switch s {
	case Contain:
		return "Contain"
	case Assess:
		return "Assess"
	case Notify:
		return "Notify"
	case Review:
		return "Review"
	}
	return string(s)
}

// Purpose is the guidance's one-line description of the step.
func (s Step) Purpose() string {
	switch s {
	case Contain:
		return "Contain the breach immediately to prevent any further compromise of personal information."
	case Assess:
		return "Assess the risks of harm to affected individuals by investigating the circumstances of the breach."
	case Notify:
		return "Notify affected individuals, the regulator and others where the law requires it or it is appropriate."
	case Review:
		return "Review the breach and the response to prevent similar incidents and improve future handling."
	}
	return ""
}

// ParseStep turns a path segment or form value into a Step.
func ParseStep(s string) (Step, bool) {
	for _, st := range AllSteps {
		if string(st) == s {
			return st, true
		}
	}
	return "", false
}

// StepState is how far a step has got.
type StepState string

// The states of a step.
const (
	StepPending StepState = "pending"
	StepActive  StepState = "active"
	StepDone    StepState = "done"
)

// Label is the state in words.
func (s StepState) Label() string {
	switch s {
	case StepActive:
		return "In progress"
	case StepDone:
		return "Done"
	}
	return "Not started"
}

// StepProgress is one step's state and when it changed.
type StepProgress struct {
	State     StepState
	StartedAt *time.Time
	DoneAt    *time.Time
}

// Steps holds the progress of all four steps.
type Steps map[Step]StepProgress

// NewSteps returns the steps of a new incident: all pending.
func NewSteps() Steps {
	s := Steps{}
	for _, st := range AllSteps {
		s[st] = StepProgress{State: StepPending}
	}
	return s
}

func (s Steps) state(st Step) StepState {
	if p, ok := s[st]; ok && p.State != "" {
		return p.State
	}
	return StepPending
}

// State returns the state of one step.
func (s Steps) State(st Step) StepState { return s.state(st) }

func (i *Incident) requireWorkable() error {
	if i.Status == StatusClosed {
		return fault.Errorf(fault.Conflict, "%s is closed; reopen it before changing its steps.", i.Ref())
	}
	if !i.Triaged {
		return fault.Errorf(fault.Conflict, "%s has not been triaged yet; the privacy officer classifies it first.", i.Ref())
	}
	if i.Kind == KindNotBreach {
		return fault.Errorf(fault.Conflict, "%s was classified as not a breach; there is nothing to contain or notify.", i.Ref())
	}
	return nil
}

// CanStart says whether step st may start now and, if not, why. Contain can
// start at once; Assess once containment has begun; Notify once assessment
// has begun (the two run together); Review once Contain and Assess are
// done, or at once for a near miss.
func (i *Incident) CanStart(st Step) error {
	if err := i.requireWorkable(); err != nil {
		return err
	}
	if i.Steps.state(st) != StepPending {
		return fault.Errorf(fault.Conflict, "%s has already started.", st.Label())
	}
	switch st {
	case Assess:
		if i.Steps.state(Contain) == StepPending {
			return fault.Errorf(fault.Conflict, "Start Contain first: stop the breach before assessing it.")
		}
	case Notify:
		if i.Steps.state(Assess) == StepPending {
			return fault.Errorf(fault.Conflict, "Start Assess first: whether and whom to notify follows from the assessment.")
		}
	case Review:
		// A near miss harmed nobody: it is reviewed for its lessons at once.
		if i.Kind != KindNearMiss && (i.Steps.state(Contain) != StepDone || i.Steps.state(Assess) != StepDone) {
			return fault.Errorf(fault.Conflict, "Finish Contain and Assess before the review.")
		}
	}
	return nil
}

// Start starts step st at now.
func (i *Incident) Start(st Step, now time.Time) error {
	if err := i.CanStart(st); err != nil {
		return err
	}
	i.Steps[st] = StepProgress{State: StepActive, StartedAt: &now}
	return nil
}

// Complete marks an active step done at now, once what the step is for
// has been done (see Unfinished). A non-empty override completes it
// anyway: an administrator's decision, which the caller records with its
// reason. Notify cannot finish before the assessment has, override or not.
func (i *Incident) Complete(st Step, tasks []Task, override string, now time.Time) error {
	if err := i.requireWorkable(); err != nil {
		return err
	}
	p := i.Steps[st]
	if p.State != StepActive {
		return fault.Errorf(fault.Conflict, "%s is not in progress, so it cannot be completed.", st.Label())
	}
	if st == Notify && i.Steps.state(Assess) != StepDone {
		return fault.Errorf(fault.Conflict, "Finish Assess before completing Notify.")
	}
	if missing := i.Unfinished(st, tasks); len(missing) > 0 && strings.TrimSpace(override) == "" {
		return &fault.Error{Code: fault.Conflict, Message: "Before completing " + st.Label() + ", " + strings.Join(missing, "; ") + ".",
			Fields: map[string]string{"step": "An administrator can complete it anyway, recording why."}}
	}
	p.DoneAt = &now
	p.State = StepDone
	i.Steps[st] = p
	return nil
}

// Unfinished says, in words, what must be done before step st can
// complete: each of its tasks done or marked not applicable with the
// reason; for a breach's Assess, an assessment recorded under each law;
// for Notify, every obligation done or decided otherwise. tasks are the
// incident's tasks (of any step). Empty when the step may complete.
func (i *Incident) Unfinished(st Step, tasks []Task) []string {
	var open []string
	for _, t := range tasks {
		if t.Step == st && !t.Settled() {
			open = append(open, "“"+t.Title+"”")
		}
	}
	var missing []string
	if len(open) > 0 {
		missing = append(missing, "tick each task or mark it not applicable with the reason: "+listSome(open, 3))
	}
	if st == Assess && i.Kind == KindBreach && i.Facts == "" {
		missing = append(missing, "record the assessment under each law on the Assess page")
	}
	if st == Notify {
		if pending := i.pendingObligations(); len(pending) > 0 {
			missing = append(missing, "mark each obligation done, or record why not: "+listSome(pending, 3))
		}
	}
	return missing
}

// listSome lists the first n items and says how many more there are.
func listSome(items []string, n int) string {
	if len(items) <= n {
		if len(items) > 1 {
			return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
		}
		return strings.Join(items, "")
	}
	more := len(items) - n
	noun := "others"
	if more == 1 {
		noun = "other"
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d %s", more, noun)
}

// Reopen puts a finished step back in progress, e.g. when new facts arrive.
func (i *Incident) Reopen(st Step) error {
	if err := i.requireWorkable(); err != nil {
		return err
	}
	p := i.Steps[st]
	if p.State != StepDone {
		return fault.Errorf(fault.Conflict, "%s is not finished, so there is nothing to reopen.", st.Label())
	}
	p.State = StepActive
	p.DoneAt = nil
	i.Steps[st] = p
	return nil
}
