package incident

import (
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// CauseCategories are the kinds of root cause (seed 001, Step 4: there
// may be several causes).
var CauseCategories = []Choice{
	{"human_error", "Human error"}, {"process_gap", "Process gap"}, {"technical_control_missing", "Technical control missing"},
	{"third_party", "Third party"}, {"malicious_act", "Malicious act"}, {"training", "Training or awareness"}, {"other", "Other"},
}

// RootCause is one cause of the breach found in review.
type RootCause struct {
	ID          int64
	IncidentID  int64
	Category    string
	Description string
	CreatedAt   time.Time
}

// Validate checks a root cause typed by a person.
func (c *RootCause) Validate() error {
	f := fault.Fields{}
	if !validID(CauseCategories, c.Category) {
		f.Add("category", "Choose a kind of cause.")
	}
	c.Description = strings.TrimSpace(c.Description)
	if c.Description == "" || len(c.Description) > 2000 {
		f.Add("description", "Say what the cause was, in up to 2,000 characters.")
	}
	return f.Err()
}

// Action is something the review decided to change, tracked to closure.
type Action struct {
	ID         int64
	IncidentID int64
	Title      string
	OwnerID    int64
	OwnerName  string
	DueAt      *time.Time
	// Link names the plan section or policy the action changes.
	Link      string
	Done      bool
	DoneAt    *time.Time
	CreatedAt time.Time
}

// Validate checks an action typed by a person.
func (a *Action) Validate() error {
	f := fault.Fields{}
	a.Title = strings.TrimSpace(a.Title)
	if a.Title == "" || len(a.Title) > 300 {
		f.Add("title", "Say what will change, in up to 300 characters.")
	}
	if a.OwnerID == 0 {
		f.Add("owner_id", "Choose who owns the action.")
	}
	if a.DueAt == nil {
		f.Add("due_at", "Give a due date, so the action can be chased.")
	}
	a.Link = strings.TrimSpace(a.Link)
	if len(a.Link) > 500 {
		f.Add("link", "Keep the plan section or policy reference under 500 characters.")
	}
	return f.Err()
}

// Overdue says whether an open action is past its due date.
func (a Action) Overdue(now time.Time) bool { return !a.Done && a.DueAt != nil && now.After(*a.DueAt) }

// ReviewRecord is what the organisation learned from the breach.
type ReviewRecord struct {
	IncidentID int64
	WentWell   string
	WentBadly  string
	Lessons    string
	RootCauses []RootCause
	Actions    []Action
	UpdatedAt  *time.Time
}

// Complete says whether the review has what closing needs: at least one
// root cause and the lessons learned.
func (r ReviewRecord) Complete() bool {
	return len(r.RootCauses) > 0 && strings.TrimSpace(r.Lessons) != ""
}

// Missing says what the review still lacks, in words.
func (r ReviewRecord) Missing() []string {
	var m []string
	if len(r.RootCauses) == 0 {
		m = append(m, "at least one root cause")
	}
	if strings.TrimSpace(r.Lessons) == "" {
		m = append(m, "the lessons learned")
	}
	return m
}
