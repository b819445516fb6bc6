package incident

import (
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// Triage is the privacy officer's first decision on a report.
type Triage struct {
	Kind     Kind
	Severity Severity
	OwnerID  int64
}

// ApplyTriage classifies the incident. A report that was not a breach is
// closed with that reason; anything else becomes open for the response.
func (i *Incident) ApplyTriage(t Triage, now time.Time) error {
	f := fault.Fields{}
	if t.Kind != KindBreach && t.Kind != KindNearMiss && t.Kind != KindNotBreach {
		f.Add("kind", "Classify the report as a breach, a near miss or not a breach.")
	}
	if !validSeverity(t.Severity) {
		f.Add("severity", "Choose a severity.")
	}
	if err := f.Err(); err != nil {
		return err
	}
	if i.Status == StatusClosed {
		return fault.Errorf(fault.Conflict, "%s is closed.", i.Ref())
	}
	i.Kind, i.Severity, i.OwnerID, i.Triaged = t.Kind, t.Severity, t.OwnerID, true
	if t.Kind == KindNotBreach {
		i.Status, i.ClosedAt, i.CloseReason = StatusClosed, &now, "Classified as not a breach at triage."
		return nil
	}
	i.Status = StatusOpen
	return nil
}

func validSeverity(s Severity) bool {
	for _, v := range Severities {
		if v == s {
			return true
		}
	}
	return false
}

// SensitiveCategories are the kinds of information whose exposure is more
// likely to cause serious harm (OPC: health, biometric, credit; GDPR art 9
// and 10 special categories; government and financial identifiers).
var SensitiveCategories = map[string]bool{
	"health": true, "genetic": true, "biometric": true, "racial_ethnic": true, "political": true,
	"religious": true, "trade_union": true, "sexual": true, "criminal": true, "family_violence": true,
	"children": true, "government_id": true, "tax_file_number": true, "ird_number": true,
	"passport": true, "driver_licence": true, "financial_account": true, "payment_card": true,
	"credentials": true,
}

// Escalate hands the incident to the response team. A rule may do so
// as soon as a report arrives, before triage.
func (i *Incident) Escalate(now time.Time) error {
	if i.Status == StatusClosed || i.Kind == KindNotBreach {
		return fault.Errorf(fault.Conflict, "%s is closed or not a breach; there is nothing to escalate.", i.Ref())
	}
	if i.Escalated {
		return fault.Errorf(fault.Conflict, "%s is already with the response team.", i.Ref())
	}
	i.Escalated, i.EscalatedAt = true, &now
	return nil
}

// pendingObligations names the obligations still to do.
func (i *Incident) pendingObligations() []string {
	var pending []string
	for _, o := range i.Obligations {
		if o.Open() {
			pending = append(pending, RegimeLabel(o.Regime)+" "+strings.ToLower(o.AudienceLabel()))
		}
	}
	return pending
}

// Close ends the response. Without an administrator's override, a breach
// closes only once an assessment has been recorded, its obligations are
// resolved (each done or decided otherwise) and its Review step is done;
// a near miss once its Review is done.
func (i *Incident) Close(reason string, override bool, now time.Time) error {
	if i.Status == StatusClosed {
		return fault.Errorf(fault.Conflict, "%s is already closed.", i.Ref())
	}
	reason = strings.TrimSpace(reason)
	if !override {
		if i.Kind == KindBreach && i.Facts == "" {
			return fault.Errorf(fault.Conflict, "Record an assessment on the Assess page before closing: whether each law requires notification must be decided and kept on record.")
		}
		if pending := i.pendingObligations(); len(pending) > 0 {
			return fault.Errorf(fault.Conflict, "Resolve the pending obligations before closing (%s): mark each done, or record why not.", strings.Join(pending, "; "))
		}
		if i.Steps.state(Review) != StepDone {
			return fault.Errorf(fault.Conflict, "Finish the Review step before closing, or ask an administrator to close it with a recorded reason.")
		}
	}
	if override && reason == "" {
		return &fault.Error{Code: fault.Invalid, Message: "Say why the incident is closed early.", Fields: map[string]string{"reason": "A reason is required to close an incident before its review is complete."}}
	}
	if reason == "" {
		reason = "Response complete."
	}
	i.Status, i.ClosedAt, i.CloseReason = StatusClosed, &now, reason
	return nil
}

// ReopenIncident reopens a closed incident because new facts arrived.
func (i *Incident) ReopenIncident() error {
	if i.Status != StatusClosed {
		return fault.Errorf(fault.Conflict, "%s is not closed.", i.Ref())
	}
	i.Status, i.ClosedAt, i.CloseReason = StatusOpen, nil, ""
	if i.Kind == KindNotBreach {
		i.Kind = KindBreach
	}
	return nil
}
