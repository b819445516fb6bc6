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
	// After continues the list after a cursor (CursorOf the last incident
	// of the page before); Offset, when After is empty, skips that many.
	After  string
	Offset int
}

// Uncounted is the total the store gives when counting the matches would
// mean reading every incident (the overdue filter): page with cursors and
// show no total.
const Uncounted = -1

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

// The stores below are small on purpose: each serves one use, so that a
// consumer asks only for what it needs and a second implementation (the
// PostgreSQL store) can be written and tested one interface at a time.
// Every mutating method records a timeline entry and an audit entry in
// the same transaction as the change, so no change goes unrecorded and no
// record describes a change that did not happen. Errors are *fault.Error
// values with the codes named; anything else is an outage (fault.Internal
// to the caller).

// Records keeps the incidents themselves.
type Records interface {
	// CreateIncident stores a new report with its four pending steps and
	// their seeded checklists. Returns fault.Invalid, naming each field,
	// when the report does not validate; nothing is stored then.
	CreateIncident(ctx context.Context, by Actor, title string, r Report) (*Incident, error)
	// Incident returns one incident with its steps and obligations.
	// Returns fault.NotFound when there is no such incident.
	Incident(ctx context.Context, id int64) (*Incident, error)
	// Incidents lists the incidents matching f, newest discovery first,
	// with the total number matching for paging.
	Incidents(ctx context.Context, f Filter) ([]*Incident, int, error)
	// UpdateIncident loads the incident, lets fn change it under the rules
	// of this package, and stores the result with fn's Change recorded.
	// Returns fault.NotFound for no such incident, fn's error unchanged
	// (nothing is stored), fault.Invalid when the changed report no longer
	// validates, and fault.Internal when fn returns a Change without an
	// Action.
	UpdateIncident(ctx context.Context, by Actor, id int64, fn func(*Incident) (Change, error)) (*Incident, error)
}

// TaskStore keeps the checklists of the steps.
type TaskStore interface {
	// Tasks returns an incident's tasks in step and checklist order; an
	// unknown incident has none.
	Tasks(ctx context.Context, incidentID int64) ([]Task, error)
	// OpenTasks returns the tasks of the given incidents that are neither
	// done nor marked not applicable and are assigned to someone or due,
	// soonest due first, for the work queue.
	OpenTasks(ctx context.Context, incidentIDs []int64) ([]Task, error)
	// AddTask adds t at the end of its step's checklist. Returns
	// fault.Invalid for an empty or long title or an unknown step, and
	// fault.NotFound for no such incident.
	AddTask(ctx context.Context, by Actor, t Task) (Task, error)
	// UpdateTask lets fn change one task and stores it with fn's Change.
	// Returns fault.NotFound when the task is not on that incident, fn's
	// error unchanged, and fault.Invalid when the changed title is empty.
	UpdateTask(ctx context.Context, by Actor, incidentID, taskID int64, fn func(*Task) (Change, error)) (Task, error)
}

// TimelineStore keeps what happened to an incident, in order.
type TimelineStore interface {
	// Timeline returns an incident's entries, oldest first.
	Timeline(ctx context.Context, incidentID int64) ([]Entry, error)
	// AddNote adds a note or decision typed by a person. Returns
	// fault.Invalid for an empty or over-long text and fault.NotFound for
	// no such incident.
	AddNote(ctx context.Context, by Actor, incidentID int64, kind TimelineKind, text string) (Entry, error)
}

// EvidenceStore keeps the descriptions of evidence files; the bytes live
// in internal/evidence.
type EvidenceStore interface {
	// AddEvidence records a stored file. Returns fault.NotFound for no
	// such incident.
	AddEvidence(ctx context.Context, by Actor, e Evidence) (Evidence, error)
	// EvidenceList returns an incident's evidence, oldest first.
	EvidenceList(ctx context.Context, incidentID int64) ([]Evidence, error)
	// EvidenceItem returns one file's description. Returns fault.NotFound
	// when it is not evidence of that incident.
	EvidenceItem(ctx context.Context, incidentID, evidenceID int64) (Evidence, error)
}

// TeamStore keeps who takes part in each response.
type TeamStore interface {
	// Participants returns the people taking part, by name.
	Participants(ctx context.Context, incidentID int64) ([]Participant, error)
	// AddParticipants adds people, skipping those already taking part.
	// Returns fault.NotFound for no such incident or user.
	AddParticipants(ctx context.Context, by Actor, incidentID int64, ps []Participant) error
	// IsParticipant says whether the user owns or takes part in the
	// incident; false for an unknown incident.
	IsParticipant(ctx context.Context, incidentID, userID int64) (bool, error)
}

// AssessmentStore keeps the recorded assessments and the obligations
// they propose.
type AssessmentStore interface {
	// SaveAssessment stores the facts and the assessment made of them, and
	// brings the incident's obligations up to date, in one transaction:
	// an obligation a person has set keeps its status (see
	// Obligation.Assessed). Returns fault.NotFound for no such incident.
	SaveAssessment(ctx context.Context, by Actor, a Assessment) error
	// Assessments returns an incident's assessments, newest first.
	Assessments(ctx context.Context, incidentID int64) ([]Assessment, error)
	// UpdateObligation lets fn change one obligation and stores it with
	// fn's Change. Returns fault.NotFound when the obligation is not on
	// that incident and fn's error unchanged.
	UpdateObligation(ctx context.Context, by Actor, incidentID, obligationID int64, fn func(*Obligation) (Change, error)) (Obligation, error)
}

// ReviewStore keeps what the organisation learned from each breach.
type ReviewStore interface {
	// Review returns an incident's review, empty before anything is
	// written.
	Review(ctx context.Context, incidentID int64) (ReviewRecord, error)
	// SaveReviewNotes saves what went well and badly and the lessons.
	// Returns fault.Invalid for an answer over 20,000 characters and
	// fault.NotFound for no such incident.
	SaveReviewNotes(ctx context.Context, by Actor, incidentID int64, wentWell, wentBadly, lessons string) error
	// AddRootCause records one cause. Returns fault.Invalid, naming the
	// field, when it does not validate, and fault.NotFound for no such
	// incident.
	AddRootCause(ctx context.Context, by Actor, c RootCause) (RootCause, error)
	// AddAction records an action decided in review. Returns
	// fault.Invalid, naming each field, when it does not validate, and
	// fault.NotFound for no such incident.
	AddAction(ctx context.Context, by Actor, a Action) (Action, error)
	// SetActionDone ticks or reopens an action. Returns fault.NotFound
	// when the action is not on that incident.
	SetActionDone(ctx context.Context, by Actor, incidentID, actionID int64, done bool) (Action, error)
	// OpenActions lists review actions not yet done, across incidents
	// other than exercises, oldest due first, for reminders and the
	// dashboard.
	OpenActions(ctx context.Context) ([]Action, error)
	// ReviewedSince lists the reviews of incidents other than exercises
	// written after since (all when since is zero) that hold lessons or
	// actions, newest first, with their actions: what the response
	// plan's next review takes in.
	ReviewedSince(ctx context.Context, since time.Time) ([]ReviewRecord, error)
}

// CountStore gives the operators' figures.
type CountStore interface {
	// Counts returns the figures as of now.
	Counts(ctx context.Context, now time.Time) (Counts, error)
}

// Store is every incident store together, as one database provides them.
type Store interface {
	Records
	TaskStore
	TimelineStore
	EvidenceStore
	TeamStore
	AssessmentStore
	ReviewStore
	CountStore
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
