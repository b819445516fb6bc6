// Package plan is the organisation's data breach response plan (seed
// 001, Part 3): a living document directed at all staff, approved at
// executive level, reviewed and tested regularly. Each save is a new
// version; approval records who approved which version and when.
package plan

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/org"
)

// DefaultReviewMonths is how often the plan should be reviewed or tested.
const DefaultReviewMonths = 12

// Version is one saved version of the plan.
type Version struct {
	ID         int64
	Version    int
	Body       string
	Note       string
	CreatedAt  time.Time
	CreatedBy  string
	ApprovedAt *time.Time
	// ApprovedBy is the executive who approved it, with their title, as
	// recorded by RecordedBy.
	ApprovedBy string
	RecordedBy string
}

// Store keeps plan versions.
type Store interface {
	SavePlan(ctx context.Context, byID int64, byName string, v Version) (Version, error)
	PlanVersions(ctx context.Context) ([]Version, error)
	ApprovePlan(ctx context.Context, byID int64, byName string, version int, approver string) error
	// SetPlanReviewMonths sets how often the plan must be reviewed or tested.
	SetPlanReviewMonths(ctx context.Context, byID int64, byName string, months int) error
}

// Validate checks a plan text.
func Validate(body string) error {
	switch t := strings.TrimSpace(body); {
	case t == "":
		return &fault.Error{Code: fault.Invalid, Message: "The plan is empty.", Fields: map[string]string{"body": "Write the plan, or start from the template."}}
	case len(t) > 200000:
		return &fault.Error{Code: fault.Invalid, Message: "The plan is too long.", Fields: map[string]string{"body": "Keep the plan under 200,000 characters."}}
	case !strings.Contains(t, "## "):
		return &fault.Error{Code: fault.Invalid, Message: "The plan needs sections.", Fields: map[string]string{"body": "Use '## ' headings for its sections, as the template does."}}
	}
	return nil
}

// ReviewDue says whether the plan needs reviewing: never approved, or
// neither approved nor tested (by an exercise ending at lastTested, nil if
// none) within the last months.
func ReviewDue(versions []Version, months int, lastTested *time.Time, now time.Time) (bool, string) {
	if months <= 0 {
		months = DefaultReviewMonths
	}
	var last *Version
	for i := range versions {
		if versions[i].ApprovedAt != nil && (last == nil || versions[i].ApprovedAt.After(*last.ApprovedAt)) {
			last = &versions[i]
		}
	}
	switch {
	case len(versions) == 0:
		return true, "There is no breach response plan yet. Write one from the template and have an executive approve it."
	case last == nil:
		return true, "The breach response plan has not been approved by an executive yet."
	}
	latest, what := *last.ApprovedAt, "approved"
	if lastTested != nil && lastTested.After(latest) {
		latest, what = *lastTested, "tested in an exercise"
	}
	if now.After(latest.AddDate(0, months, 0)) {
		return true, fmt.Sprintf("The breach response plan was last %s on %s: review and test it (every %d months).", what, latest.Format("2 January 2006"), months)
	}
	return false, ""
}

// Approved returns the latest approved version, if any.
func Approved(versions []Version) *Version {
	var last *Version
	for i := range versions {
		if versions[i].ApprovedAt != nil && (last == nil || versions[i].Version > last.Version) {
			last = &versions[i]
		}
	}
	return last
}

//go:embed template.md
var templateText string

// Template fills the starting plan with the organisation's details.
func Template(o org.Organisation) string {
	t := template.Must(template.New("plan").Parse(templateText))
	var b bytes.Buffer
	t.Execute(&b, o)
	return b.String()
}
