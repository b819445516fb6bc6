package incident

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// EscalationKinds are the conditions an escalation rule can test, from
// the response plan's criteria (seed 001 Part 3).
var EscalationKinds = []Choice{
	{"sensitive_data", "Sensitive information is involved"},
	{"people_over", "More than N people are affected"},
	{"malicious_cause", "The cause is malicious"},
	{"vulnerable_people", "Vulnerable people are affected"},
	{"ongoing", "The breach is still going on"},
	{"published", "The information was made public"},
	{"severity_at_least", "Triage severity is at least N (1 low, 2 medium, 3 high, 4 critical)"},
}

// EscalationRule sends an incident to the response team when it holds.
type EscalationRule struct {
	ID        int64
	Kind      string
	Threshold int
	Enabled   bool
}

// Label describes the rule in words.
func (r EscalationRule) Label() string {
	switch r.Kind {
	case "people_over":
		return fmt.Sprintf("More than %d people are affected", r.Threshold)
	case "severity_at_least":
		return "Triage severity is " + strings.ToLower(Severities[max(0, min(3, r.Threshold-1))].Label()) + " or higher"
	}
	return LabelOf(EscalationKinds, r.Kind)
}

// Fires says whether the rule holds for the incident, and why.
func (r EscalationRule) Fires(i *Incident) (bool, string) {
	if !r.Enabled {
		return false, ""
	}
	rep := i.Report
	switch r.Kind {
	case "sensitive_data":
		var sens []string
		for _, c := range rep.DataCategories {
			if SensitiveCategories[c] {
				sens = append(sens, strings.ToLower(LabelOf(DataCategories, c)))
			}
		}
		return len(sens) > 0, "sensitive information involved: " + strings.Join(sens, ", ")
	case "people_over":
		return rep.PeopleCount != nil && *rep.PeopleCount > r.Threshold, fmt.Sprintf("more than %d people affected", r.Threshold)
	case "malicious_cause":
		return strings.HasPrefix(rep.Cause, "malicious"), "the cause is malicious"
	case "vulnerable_people":
		var f struct {
			People struct{ Vulnerable *bool } `json:"people"`
		}
		json.Unmarshal([]byte(i.Facts), &f)
		return f.People.Vulnerable != nil && *f.People.Vulnerable, "vulnerable people are affected"
	case "ongoing":
		return rep.Ongoing == "yes", "the breach is still going on"
	case "published":
		return rep.Recipient == "public", "the information was made public"
	case "severity_at_least":
		for n, s := range Severities {
			if s == i.Severity {
				return n+1 >= r.Threshold, "severity is " + string(i.Severity)
			}
		}
	}
	return false, ""
}

// EscalationReasons lists why the rules send this incident to the
// response team; empty means the privacy officer may handle it alone.
func (i *Incident) EscalationReasons(rules []EscalationRule) []string {
	var why []string
	for _, r := range rules {
		if ok, reason := r.Fires(i); ok {
			why = append(why, reason)
		}
	}
	return why
}

// EscalationStore keeps the rules and records their firings.
type EscalationStore interface {
	EscalationRules(ctx context.Context) ([]EscalationRule, error)
	SaveEscalationRule(ctx context.Context, by Actor, r EscalationRule) error
	// RecordFiring notes a rule's firing on the incident's timeline once;
	// it reports whether this was the first time.
	RecordFiring(ctx context.Context, by Actor, incidentID int64, r EscalationRule, reason string) (bool, error)
}
