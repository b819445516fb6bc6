package incident

import (
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/law"
)

// ObligationStatus is where a person has got with one obligation.
type ObligationStatus string

// The statuses of an obligation.
const (
	ObligationPending     ObligationStatus = "pending"      // to do: the clock runs
	ObligationDone        ObligationStatus = "done"         // done, with date and reference
	ObligationNotRequired ObligationStatus = "not_required" // nothing to do, with the reason
	ObligationOverridden  ObligationStatus = "overridden"   // a person decided against the assessment, with the reason
)

// Obligation is one thing the law (or the organisation's policy) may
// require for this incident: telling a regulator, the people, the public,
// or keeping a record. The assessment proposes it; people track it.
type Obligation struct {
	ID         int64
	IncidentID int64
	RuleID     string
	Regime     string
	Audience   string
	Recipient  string
	// Label names the obligation when its audience alone would mislead
	// (e.g. "Assess the suspected breach within 30 days").
	Label    string
	Citation string
	// Decision is the assessment's: required, recommended, undetermined or not_required.
	Decision string
	DueAt    *time.Time // a deadline the law sets
	TargetAt *time.Time // the organisation's target for "as soon as practicable"
	DueRule  string
	Reasons  string
	Status   ObligationStatus
	// StatusReason says why it is not required or overridden.
	StatusReason string
	Reference    string // e.g. the NotifyUs reference, or "letters posted"
	DoneAt       *time.Time
	DecidedBy    string
	// Manual is true once a person has set the status; later assessments
	// then update the decision but leave the status alone.
	Manual    bool
	UpdatedAt time.Time
}

// Deadline is the due time, or the internal target when the law sets none.
func (o *Obligation) Deadline() *time.Time {
	if o.DueAt != nil {
		return o.DueAt
	}
	return o.TargetAt
}

// Overdue says whether the obligation is still to do after its deadline.
func (o *Obligation) Overdue(now time.Time) bool {
	d := o.Deadline()
	return o.Status == ObligationPending && d != nil && now.After(*d)
}

// Assessed takes the assessment's latest view: the decision and deadline
// always, the status only while no person has set it.
func (o *Obligation) Assessed(n Obligation) {
	o.Regime, o.Audience, o.Recipient, o.Citation, o.Label = n.Regime, n.Audience, n.Recipient, n.Citation, n.Label
	o.Decision, o.DueAt, o.TargetAt, o.DueRule, o.Reasons = n.Decision, n.DueAt, n.TargetAt, n.DueRule, n.Reasons
	if o.Manual {
		return
	}
	switch {
	case o.Status == ObligationDone:
	case n.Status == ObligationDone:
		// Recording the assessment is what the obligation asks (s 26WH).
		o.Status, o.DoneAt, o.Reference, o.StatusReason = ObligationDone, n.DoneAt, n.Reference, ""
	case n.Decision == "not_required":
		o.Status, o.StatusReason = ObligationNotRequired, "The assessment found it is not required."
	default:
		o.Status, o.StatusReason = ObligationPending, ""
	}
}

// MarkDone records that the obligation was met, when and with what reference.
func (o *Obligation) MarkDone(at time.Time, reference, by string, now time.Time) error {
	f := fault.Fields{}
	if strings.TrimSpace(reference) == "" {
		f.Add("reference", "Say how it was done, e.g. the NotifyUs reference or \"letters posted to 312 people\".")
	}
	if at.IsZero() {
		f.Add("done_at", "Say when it was done.")
	} else if at.After(now.Add(5 * time.Minute)) {
		f.Add("done_at", "It cannot have been done in the future.")
	}
	if err := f.Err(); err != nil {
		return err
	}
	o.Status, o.DoneAt, o.Reference, o.DecidedBy, o.Manual, o.StatusReason = ObligationDone, &at, strings.TrimSpace(reference), by, true, ""
	return nil
}

// Decide records a person's decision against or beyond the assessment:
// notify anyway, or not, always with a reason.
func (o *Obligation) Decide(notify bool, reason, by string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &fault.Error{Code: fault.Invalid, Message: "Record the reason for this decision.", Fields: map[string]string{"reason": "A decision that departs from the assessment needs its reason."}}
	}
	o.Manual, o.DecidedBy, o.StatusReason, o.DoneAt, o.Reference = true, by, reason, nil, ""
	switch {
	case notify:
		o.Status = ObligationPending
	case o.Decision == "not_required":
		o.Status = ObligationNotRequired
	default:
		o.Status = ObligationOverridden
	}
	return nil
}

// Reset hands the status back to the assessment.
func (o *Obligation) Reset() {
	o.Manual, o.DoneAt, o.Reference, o.DecidedBy = false, nil, "", ""
	o.Status = ObligationPending
	o.Assessed(*o)
}

// Open says whether the obligation still needs doing.
func (o *Obligation) Open() bool { return o.Status == ObligationPending }

// AudienceLabel names the obligation: its own label, or who is told.
func (o *Obligation) AudienceLabel() string {
	if o.Label != "" {
		return o.Label
	}
	switch o.Audience {
	case "regulator":
		return "Tell the regulator"
	case "individuals":
		return "Tell the affected people"
	case "public":
		return "Public notice"
	case "organisations":
		return "Tell other organisations"
	case "record":
		return "Keep a record"
	}
	return o.Audience
}

// ObligationsFrom turns an assessment's obligations into the incident's,
// for every caller that records an assessment. One that recording the
// assessment meets (the s 26WH assessment of a suspected breach) is done
// as it is recorded.
func ObligationsFrom(incidentID int64, a *law.Assessment) []Obligation {
	out := make([]Obligation, len(a.Obligations))
	for i, o := range a.Obligations {
		out[i] = Obligation{IncidentID: incidentID, RuleID: o.Rule, Regime: o.Regime, Audience: o.Audience, Recipient: o.Recipient, Label: o.Label,
			Citation: o.Citation, Decision: o.Decision, DueAt: o.Due, TargetAt: o.Target, DueRule: o.DueRule, Reasons: strings.Join(o.Reasons, "\n")}
		if o.MetWhenRecorded && o.Decision != "not_required" {
			at := a.AssessedAt
			out[i].Status, out[i].DoneAt, out[i].Reference = ObligationDone, &at, "Assessment recorded with its reasons"
		}
	}
	return out
}
