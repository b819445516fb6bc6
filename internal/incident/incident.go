// Package incident holds a suspected privacy breach from the moment a staff
// member reports it until it is closed: its facts as reported, its triage,
// the four response steps (Contain, Assess, Notify, Review) with their tasks,
// its timeline and its clocks. It knows nothing of SQL or HTTP.
package incident

import (
	"encoding/json"
	"fmt"
	"time"
)

// Kind is what the incident turned out to be. A report arrives as a suspected
// breach or a near miss (seed 000: near misses must be reported too); triage
// confirms it or says it was not a breach at all.
type Kind string

// The kinds.
const (
	KindBreach    Kind = "breach"
	KindNearMiss  Kind = "near_miss"
	KindNotBreach Kind = "not_breach"
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []Kind{KindBreach, KindNearMiss, KindNotBreach}

// Label is the kind in words.
func (k Kind) Label() string {
	switch k {
	case KindBreach:
		return "Breach"
	case KindNearMiss:
		return "Near miss"
	case KindNotBreach:
		return "Not a breach"
	}
	return string(k)
}

// Severity is the privacy officer's judgement at triage, used to sort work
// and to decide escalation; the law engine's harm level is separate.
type Severity string

// The severities; SeverityUnset until triage.
const (
	SeverityUnset    Severity = ""
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists the severities a privacy officer can choose.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Label is the severity in words.
func (s Severity) Label() string {
	if s == SeverityUnset {
		return "Not set"
	}
	return string(s[0]-32) + string(s[1:])
}

// Status is where the incident is as a whole.
type Status string

// The statuses: reported until triaged, open while being worked, closed.
const (
	StatusReported Status = "reported"
	StatusOpen     Status = "open"
	StatusClosed   Status = "closed"
)

// Statuses lists the statuses for filters.
var Statuses = []Status{StatusReported, StatusOpen, StatusClosed}

// Label is the status in words.
func (s Status) Label() string {
	switch s {
	case StatusReported:
		return "Reported, awaiting triage"
	case StatusOpen:
		return "Open"
	case StatusClosed:
		return "Closed"
	}
	return string(s)
}

// Incident is one suspected breach or near miss and everything decided
// about it so far, except its tasks, timeline and evidence, which grow
// without bound and are loaded separately.
type Incident struct {
	ID     int64
	Title  string
	Kind   Kind
	Status Status
	// Triaged is false until a privacy officer has classified the report.
	Triaged  bool
	Severity Severity
	Report   Report
	// ReporterID is the staff member who reported it; OwnerID is the person
	// responsible for the response (0 when nobody is assigned yet).
	ReporterID int64
	OwnerID    int64
	// ReporterName and OwnerName are filled by the store for display.
	ReporterName string
	OwnerName    string
	Escalated    bool
	EscalatedAt  *time.Time
	Steps        Steps
	// Obligations are those of the latest assessment, loaded with the steps.
	Obligations []Obligation
	// Facts is the incident's facts document (spec/facts.schema.json) as
	// last saved on the Assess step; empty until then.
	Facts       string
	ClosedAt    *time.Time
	CloseReason string
	// ExerciseID marks an incident a tabletop exercise created; such an
	// incident is never counted in the register or the statistics.
	ExerciseID int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// IsExercise says whether the incident is part of a tabletop exercise.
func (i *Incident) IsExercise() bool { return i.ExerciseID != 0 }

// PeopleAffected is how many people are affected: the assessed facts'
// count when the assessment says, else the reporter's estimate; nil when
// nobody knows yet.
func (i *Incident) PeopleAffected() *int {
	var f struct {
		People struct {
			Count *int `json:"count"`
		} `json:"people"`
	}
	if i.Facts != "" && json.Unmarshal([]byte(i.Facts), &f) == nil && f.People.Count != nil {
		return f.People.Count
	}
	return i.Report.PeopleCount
}

// Ref is the reference people quote on the phone and in emails.
func (i *Incident) Ref() string { return fmt.Sprintf("INC-%04d", i.ID) }

// Actor is who did something, for the timeline and the audit log.
type Actor struct {
	UserID int64
	Name   string
}

// System is the actor for changes the application makes on its own.
var System = Actor{Name: "breachdesk"}
