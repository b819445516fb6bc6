package incident

import (
	"context"
	"time"
)

// Filter selects incidents for the list.
type Filter struct {
	Status   Status
	Kind     Kind
	Severity Severity
	OwnerID  int64
	// Overdue keeps open incidents whose 72-hour notification clock has run
	// out before Notify was done, or whose 30-day assessment window has run
	// out before Assess was done. OverdueAt is the time to judge that at.
	Overdue   bool
	OverdueAt time.Time
	Laws      []string
	Query     string // words searched in titles and descriptions
	// Exercises says whether tabletop exercises are listed too.
	Exercises ExerciseFilter
	// VisibleTo restricts the list to what one user may see; nil for all.
	VisibleTo *Visibility
	Limit     int
	Offset    int
}

// ExerciseFilter chooses between real incidents and exercises.
type ExerciseFilter string

// The choices: both (the default), real incidents only, exercises only.
const (
	WithExercises ExerciseFilter = ""
	NoExercises   ExerciseFilter = "exclude"
	OnlyExercises ExerciseFilter = "only"
)

// Visibility says which incidents a user may see when not all of them:
// those they reported and, unless ReportsOnly, those they own or take part in.
type Visibility struct {
	UserID      int64
	ReportsOnly bool
}

// Change describes what a mutation did, in words for the timeline and as an
// action name for the audit log. Mutations return one so that the store can
// write the change, its timeline entry and its audit entry in one
// transaction.
type Change struct {
	Kind    TimelineKind
	Text    string
	Action  string
	Details map[string]any
}

// Participant is a person taking part in an incident's response.
type Participant struct {
	UserID int64
	Name   string
	Role   string
}

// Store keeps incidents. Every mutating method records a timeline entry and
// an audit entry in the same transaction as the change, so no change goes
// unrecorded and no record describes a change that did not happen.
type Store interface {
	CreateIncident(ctx context.Context, by Actor, title string, r Report) (*Incident, error)
	Incident(ctx context.Context, id int64) (*Incident, error)
	Incidents(ctx context.Context, f Filter) ([]*Incident, int, error)
	// UpdateIncident loads the incident, lets fn change it under the rules
	// of this package, and stores the result with fn's Change recorded.
	UpdateIncident(ctx context.Context, by Actor, id int64, fn func(*Incident) (Change, error)) (*Incident, error)

	Tasks(ctx context.Context, incidentID int64) ([]Task, error)
	AddTask(ctx context.Context, by Actor, t Task) (Task, error)
	UpdateTask(ctx context.Context, by Actor, incidentID, taskID int64, fn func(*Task) (Change, error)) (Task, error)

	Timeline(ctx context.Context, incidentID int64) ([]Entry, error)
	AddNote(ctx context.Context, by Actor, incidentID int64, kind TimelineKind, text string) (Entry, error)

	AddEvidence(ctx context.Context, by Actor, e Evidence) (Evidence, error)
	EvidenceList(ctx context.Context, incidentID int64) ([]Evidence, error)
	EvidenceItem(ctx context.Context, incidentID, evidenceID int64) (Evidence, error)

	Participants(ctx context.Context, incidentID int64) ([]Participant, error)
	AddParticipants(ctx context.Context, by Actor, incidentID int64, ps []Participant) error
	// IsParticipant says whether the user reported, owns or takes part in it.
	IsParticipant(ctx context.Context, incidentID, userID int64) (bool, error)

	// SaveAssessment stores the facts and the assessment made of them, and
	// brings the incident's obligations up to date, in one transaction.
	SaveAssessment(ctx context.Context, by Actor, a Assessment) error
	Assessments(ctx context.Context, incidentID int64) ([]Assessment, error)
	UpdateObligation(ctx context.Context, by Actor, incidentID, obligationID int64, fn func(*Obligation) (Change, error)) (Obligation, error)

	Review(ctx context.Context, incidentID int64) (ReviewRecord, error)
	SaveReviewNotes(ctx context.Context, by Actor, incidentID int64, wentWell, wentBadly, lessons string) error
	AddRootCause(ctx context.Context, by Actor, c RootCause) (RootCause, error)
	AddAction(ctx context.Context, by Actor, a Action) (Action, error)
	SetActionDone(ctx context.Context, by Actor, incidentID, actionID int64, done bool) (Action, error)
	// OpenActions lists review actions not yet done, across incidents,
	// oldest due first, for reminders and the dashboard.
	OpenActions(ctx context.Context) ([]Action, error)
	// Counts returns the operators' figures as of now.
	Counts(ctx context.Context, now time.Time) (Counts, error)
}

// Assessment is one run of the law engine on an incident's facts: what
// went in, what came out and which rules decided, so an old decision can
// be explained later.
type Assessment struct {
	ID           int64
	IncidentID   int64
	AssessedAt   time.Time
	ActorName    string
	RulesVersion string
	Facts        string // the facts document, JSON
	Result       string // the assessment document, JSON
	Summary      string // one line for the timeline
	Obligations  []Obligation
}

// Counts are the figures operators watch.
type Counts struct {
	OpenIncidents      map[Kind]int
	PendingObligations int
	OverdueObligations int
	OpenActions        int
	OverdueActions     int
}
