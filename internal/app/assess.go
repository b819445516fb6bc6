package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
)

// Assess runs the law engine on facts as of now, storing nothing: the
// Assess page's live panel, the quick check and POST /api/v1/assess.
func (a *App) Assess(f *facts.Facts) law.Assessment {
	return a.Rules.Assess(f, law.Options{At: a.Now(), TargetHours: a.TargetHours})
}

// RecordAssessment assesses the incident's facts (raw is their JSON
// text, as validated into f) and records the facts, the assessment and
// its obligations together; obligations a person has set keep their
// status. The escalation rules then run on the new facts.
func (a *App) RecordAssessment(ctx context.Context, u *auth.User, id int64, f *facts.Facts, raw string) (law.Assessment, error) {
	if _, err := a.work(ctx, u, id, auth.WorkIncident); err != nil {
		return law.Assessment{}, err
	}
	as := a.Assess(f)
	result, err := json.Marshal(as)
	if err != nil {
		return as, err
	}
	err = a.Store.SaveAssessment(ctx, actorOf(u), incident.Assessment{IncidentID: id, AssessedAt: as.AssessedAt, RulesVersion: as.RulesVersion,
		Facts: raw, Result: string(result), Summary: Summarise(as), Obligations: incident.ObligationsFrom(id, &as)})
	if err != nil {
		return as, err
	}
	a.applyEscalationRules(ctx, id)
	return as, nil
}

// Summarise is the timeline line for an assessment.
func Summarise(a law.Assessment) string {
	by := map[string][]string{}
	for _, o := range a.Obligations {
		label := incident.RegimeLabel(o.Regime) + " " + o.Audience
		by[o.Decision] = append(by[o.Decision], label)
	}
	parts := []string{fmt.Sprintf("Assessed (rules %s): risk of harm %s.", a.RulesVersion, strings.ReplaceAll(a.Harm.Level, "_", " "))}
	for _, d := range []string{"required", "recommended", "undetermined"} {
		if len(by[d]) > 0 {
			parts = append(parts, strings.ToUpper(d[:1])+d[1:]+": "+strings.Join(by[d], ", ")+".")
		}
	}
	return strings.Join(parts, " ")
}

// ObligationOp is what a person records about an obligation.
type ObligationOp string

// The obligation changes.
const (
	// ObligationDone: it was met, when and with what reference.
	ObligationDone ObligationOp = "done"
	// ObligationDecide: a person decides against or beyond the
	// assessment, with the reason.
	ObligationDecide ObligationOp = "decide"
	// ObligationReset hands the status back to the assessment.
	ObligationReset ObligationOp = "reset"
)

// ObligationChange is one change to an obligation.
type ObligationChange struct {
	Op ObligationOp
	// At is when it was done; nil means now.
	At        *time.Time
	Reference string
	// Notify is the decision: do it (true) or not (false).
	Notify bool
	Reason string
}

// RecordObligation records what was done or decided about one
// obligation. Returns fault.Invalid, naming the field, for a missing
// reference, time or reason, and fault.NotFound when the obligation is
// not on the incident.
func (a *App) RecordObligation(ctx context.Context, u *auth.User, incID, oid int64, c ObligationChange) (incident.Obligation, error) {
	if _, err := a.work(ctx, u, incID, auth.WorkIncident); err != nil {
		return incident.Obligation{}, err
	}
	by := actorOf(u)
	return a.Store.UpdateObligation(ctx, by, incID, oid, func(o *incident.Obligation) (incident.Change, error) {
		what := incident.RegimeLabel(o.Regime) + ": " + strings.ToLower(o.AudienceLabel())
		switch c.Op {
		case ObligationDone:
			at := c.At
			if at == nil {
				now := a.Now()
				at = &now
			}
			return incident.Change{Action: "obligation.done", Text: fmt.Sprintf("Done: %s (%s), reference: %s.", what, o.Citation, strings.TrimSpace(c.Reference)),
				Details: map[string]any{"rule": o.RuleID}}, o.MarkDone(*at, c.Reference, by.Name, a.Now())
		case ObligationDecide:
			verb := "Decided not to proceed with"
			if c.Notify {
				verb = "Decided to proceed with"
			}
			return incident.Change{Action: "obligation.decide", Text: fmt.Sprintf("%s %s against the assessment (%s). Reason: %s", verb, what, o.Decision, strings.TrimSpace(c.Reason)),
				Details: map[string]any{"rule": o.RuleID, "notify": c.Notify, "assessment": o.Decision}}, o.Decide(c.Notify, c.Reason, by.Name)
		case ObligationReset:
			o.Reset()
			return incident.Change{Action: "obligation.reset", Text: "Handed " + what + " back to the assessment.", Details: map[string]any{"rule": o.RuleID}}, nil
		}
		return incident.Change{}, &fault.Error{Code: fault.Invalid, Message: "Unknown change to an obligation.", Fields: map[string]string{"op": "Use done, decide or reset."}}
	})
}
