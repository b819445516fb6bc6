package law

import (
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

// Env is what a rule's conditions can read: the risk of harm and the facts
// that the laws name, as plain values. Rule packs are compiled against it,
// so a misspelt name fails when the pack loads, not when a breach happens.
type Env struct {
	Level      string // none, low, medium, high, very_high
	Likelihood string // remote, possible, likely, almost_certain
	Severity   string // low, medium, high, very_high
	// SeriousHarm: a breach likely to cause serious harm (NZ s 112, AU s 26WE):
	// the risk of harm is high or very high.
	SeriousHarm bool
	// RiskToRights: not "unlikely to result in a risk" (GDPR art 33(1)):
	// harm is more than remote and the risk is at least low.
	RiskToRights bool
	// HighRisk: "likely to result in a high risk" (GDPR art 34(1)).
	HighRisk bool
	// ForeseeableRisk: a risk of harm that is not too remote (OVIC).
	ForeseeableRisk bool
	// Unintelligible: encrypted with a key that was not compromised.
	Unintelligible bool
	// RemediationPrevents: action taken means serious harm is no longer likely.
	RemediationPrevents bool
	Loss                bool // the information was lost (not only accessed or disclosed)
	Malicious           bool
	Vulnerable          bool
	Danger              bool
	LawEnforcementDelay bool
	WouldCauseMoreHarm  bool
	// ContactDetails: the people can be contacted directly (assumed unless
	// the facts say they cannot).
	ContactDetails      bool
	Processor           bool
	TFN                 bool // tax file number information is involved
	OtherEntityNotifies bool
	People              int64
	Categories          []string
}

// Has says whether a kind of data is involved, for conditions such as
// Has("health").
func (e Env) Has(category string) bool {
	for _, c := range e.Categories {
		if c == category {
			return true
		}
	}
	return false
}

func newEnv(f *facts.Facts, h harm.Assessment) Env {
	e := Env{Level: h.Level.String(), Likelihood: h.Likelihood.String(), Severity: h.Severity.String(),
		SeriousHarm: h.Level >= harm.LevelHigh, HighRisk: h.Level >= harm.LevelHigh,
		RiskToRights:    h.Level >= harm.LevelLow && h.Likelihood > harm.Remote,
		ForeseeableRisk: h.Level >= harm.LevelLow && h.Likelihood > harm.Remote,
		Unintelligible:  h.Unintelligible, ContactDetails: true}
	if f.Remediation != nil && f.Remediation.PreventsSeriousHarm != nil {
		e.RemediationPrevents = *f.Remediation.PreventsSeriousHarm
	}
	switch f.Method {
	case "lost_device", "lost_paper", "improper_disposal":
		e.Loss = true
	}
	e.Malicious = f.Cause == "malicious_external" || f.Cause == "malicious_internal"
	if p := f.People; p != nil {
		e.Vulnerable = p.Vulnerable != nil && *p.Vulnerable
		if p.Count != nil {
			e.People = *p.Count
		}
	}
	if d := f.Danger; d != nil {
		e.Danger = isTrue(d.Physical) || isTrue(d.Psychological) || isTrue(d.Financial)
	}
	if c := f.NotificationConstraints; c != nil {
		e.LawEnforcementDelay = isTrue(c.LawEnforcementDelay)
		e.WouldCauseMoreHarm = isTrue(c.WouldCauseMoreHarm)
		e.ContactDetails = !(c.ContactDetailsAvailable != nil && !*c.ContactDetailsAvailable)
	}
	if o := f.Organisation; o != nil {
		e.Processor = o.GDPRRole == "processor"
	}
	if f.Data != nil {
		e.Categories = f.Data.Categories
	}
	e.TFN = e.Has("tax_file_number")
	for _, en := range f.Entities {
		if isTrue(en.Notifies) {
			e.OtherEntityNotifies = true
		}
	}
	return e
}

func isTrue(b *bool) bool { return b != nil && *b }
