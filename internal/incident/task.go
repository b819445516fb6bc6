package incident

import (
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Task is one item of a step's checklist: seeded from the guidance when the
// incident is created, or added by the team.
type Task struct {
	ID         int64
	IncidentID int64
	Step       Step
	Title      string
	Done       bool
	DoneAt     *time.Time
	DoneBy     string
	// NotApplicable says why the task does not apply to this incident;
	// empty when it does. A task is settled when done or not applicable.
	NotApplicable string
	AssigneeID    int64
	AssigneeName  string
	DueAt         *time.Time
	Position      int
	CreatedAt     time.Time
}

// Overdue says whether the task is open past its due time.
func (t Task) Overdue(now time.Time) bool {
	return !t.Settled() && t.DueAt != nil && now.After(*t.DueAt)
}

// Settled says whether the task needs no more work: done, or marked not
// applicable with the reason.
func (t Task) Settled() bool { return t.Done || t.NotApplicable != "" }

// MarkNotApplicable records why the task does not apply, by whom and when.
func (t *Task) MarkNotApplicable(reason, by string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return &fault.Error{Code: fault.Invalid, Message: "Say why the task does not apply.", Fields: map[string]string{"reason": "Give the reason, e.g. \"nothing was stolen, so no police report\"."}}
	case len(reason) > 500:
		return &fault.Error{Code: fault.Invalid, Message: "The reason is too long.", Fields: map[string]string{"reason": "Keep it under 500 characters."}}
	}
	t.Done, t.NotApplicable, t.DoneAt, t.DoneBy = false, reason, &now, by
	return nil
}

// ValidateTitle checks a task title typed by a person.
func ValidateTitle(title string) error {
	t := strings.TrimSpace(title)
	switch {
	case t == "":
		return &fault.Error{Code: fault.Invalid, Message: "A task needs a title.", Fields: map[string]string{"title": "Say what needs doing."}}
	case len(t) > 300:
		return &fault.Error{Code: fault.Invalid, Message: "The task title is too long.", Fields: map[string]string{"title": "Keep it under 300 characters."}}
	}
	return nil
}

// Checklists are the tasks each step starts with, taken from the guidance
// (seed 000 and seed 001 Part 4). Teams tick them, assign them and add more.
var Checklists = map[Step][]string{
	Contain: {
		"Confirm that a breach has occurred",
		"Stop the unauthorised practice",
		"Recover the records, or ask recipients to return or delete them",
		"Shut down or isolate the system that was breached",
		"Change passwords and computer access codes",
		"Correct weaknesses in physical or electronic security",
		"Contact the police if the breach involves theft or another crime",
		"Decide who needs to be told at this early stage, following the response plan",
	},
	Assess: {
		"Clarify what information was involved and how sensitive it is",
		"Establish the cause and the extent of the breach",
		"Identify who is affected and roughly how many people",
		"Identify who has obtained or may obtain the information",
		"Consider whether security measures such as encryption protect the information",
		"Consider what harm may arise and how likely it is, including for vulnerable people",
		"Decide under each law that applies whether the breach must be notified, and record the reasons",
	},
	Notify: {
		"Notify the regulator where the law requires it or it is recommended",
		"Notify affected people specifically: what was involved, how it happened, what you are doing",
		"Consider telling others: police, insurer, professional body, banks or card companies",
		"Set up a contact point for affected people's questions",
		"Record how and when each notification was made",
	},
	Review: {
		"Identify the root cause or causes of the breach",
		"Carry out a security audit of physical and technical security",
		"Review the policies, practices and procedures involved",
		"Review staff training",
		"Review the obligations of contracted service providers",
		"Audit that the prevention plan is implemented",
		"Evaluate the response and update the breach response plan",
	},
}

// TimelineKind is the sort of a timeline entry, so the page can show a
// state change differently from a note.
type TimelineKind string

// The kinds of timeline entries.
const (
	EntryReport   TimelineKind = "report"
	EntryState    TimelineKind = "state"
	EntryNote     TimelineKind = "note"
	EntryDecision TimelineKind = "decision"
	EntryTask     TimelineKind = "task"
	EntryEvidence TimelineKind = "evidence"
	EntryExport   TimelineKind = "export"
)

// Label is the kind in words.
func (k TimelineKind) Label() string {
	switch k {
	case EntryReport:
		return "Report"
	case EntryState:
		return "Progress"
	case EntryNote:
		return "Note"
	case EntryDecision:
		return "Decision"
	case EntryTask:
		return "Task"
	case EntryEvidence:
		return "Evidence"
	case EntryExport:
		return "Export"
	}
	return string(k)
}

// Entry is one line of an incident's timeline: who did what, and when.
type Entry struct {
	ID         int64
	IncidentID int64
	At         time.Time
	Kind       TimelineKind
	ActorID    int64
	ActorName  string
	Text       string
}

// ValidateNote checks a note typed by a person.
func ValidateNote(text string) error {
	t := strings.TrimSpace(text)
	switch {
	case t == "":
		return &fault.Error{Code: fault.Invalid, Message: "The note is empty.", Fields: map[string]string{"text": "Write the note before adding it."}}
	case len(t) > maxText:
		return &fault.Error{Code: fault.Invalid, Message: "The note is too long.", Fields: map[string]string{"text": "Keep notes under 20,000 characters; attach documents as evidence."}}
	}
	return nil
}

// Evidence is a file attached to an incident. The bytes live outside the
// database; SHA256 lets anyone check they were not changed.
type Evidence struct {
	ID           int64
	IncidentID   int64
	Filename     string
	ContentType  string
	Size         int64
	SHA256       string
	Description  string
	UploadedByID int64
	UploadedBy   string
	UploadedAt   time.Time
}
