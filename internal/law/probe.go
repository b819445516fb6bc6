package law

import (
	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

// probe is a fact that may be unknown, with the values that would make
// the answer worse or better for the people. Facts whose absence means
// "not known" are probed both ways; facts whose absence has a safe reading
// (not encrypted, nothing prevented, people reachable directly) are not
// probed towards the better value. Facts are probed one at a time: a
// decision that only two unknowns together would flip is not caught.
type probe struct {
	path    string
	unknown func(f *facts.Facts) bool
	worst   func(g *facts.Facts)
	best    func(g *facts.Facts)
}

// variant is the decision a rule would take if one unknown fact were known.
type variant struct {
	path     string
	decision string
}

func recipient(g *facts.Facts) *facts.Recipient {
	r := facts.Recipient{}
	if g.Recipient != nil {
		r = *g.Recipient
	}
	g.Recipient = &r
	return &r
}

func effects(g *facts.Facts) *facts.Effects {
	e := facts.Effects{}
	if g.Effects != nil {
		e = *g.Effects
	}
	g.Effects = &e
	return &e
}

func people(g *facts.Facts) *facts.People {
	p := facts.People{}
	if g.People != nil {
		p = *g.People
	}
	g.People = &p
	return &p
}

var yes, no = true, false

var _ = no

var probes = []probe{
	{"data.categories",
		func(f *facts.Facts) bool { return f.Data == nil || len(f.Data.Categories) == 0 },
		func(g *facts.Facts) { g.Data = &facts.Data{Categories: []string{"name", "health"}} }, nil},
	{"recipient.kind",
		func(f *facts.Facts) bool {
			return f.Recipient == nil || f.Recipient.Kind == "" || f.Recipient.Kind == "unknown"
		},
		func(g *facts.Facts) { recipient(g).Kind = "malicious_actor" },
		func(g *facts.Facts) { recipient(g).Kind = "trusted_recipient" }},
	{"recipient.accessed",
		func(f *facts.Facts) bool {
			return f.Recipient == nil || f.Recipient.Accessed == "" || f.Recipient.Accessed == "unknown"
		},
		func(g *facts.Facts) { recipient(g).Accessed = "yes" },
		func(g *facts.Facts) { recipient(g).Accessed = "no" }},
	{"effects.confidentiality",
		func(f *facts.Facts) bool {
			return (f.Effects == nil || f.Effects.Confidentiality == "" || f.Effects.Confidentiality == "unknown") && !disclosureImplied(f)
		},
		func(g *facts.Facts) { effects(g).Confidentiality = "yes" },
		func(g *facts.Facts) { effects(g).Confidentiality = "no" }},
	{"effects.exfiltrated",
		func(f *facts.Facts) bool { return f.Effects != nil && f.Effects.Exfiltrated == "unknown" },
		func(g *facts.Facts) { effects(g).Exfiltrated = "yes" },
		func(g *facts.Facts) { effects(g).Exfiltrated = "no" }},
	{"cause",
		func(f *facts.Facts) bool { return f.Cause == "" || f.Cause == "unknown" },
		func(g *facts.Facts) { g.Cause = "malicious_external" },
		func(g *facts.Facts) { g.Cause = "human_error" }},
	{"people.vulnerable",
		func(f *facts.Facts) bool { return f.People == nil || f.People.Vulnerable == nil },
		func(g *facts.Facts) { people(g).Vulnerable = &yes }, nil},
	{"protection.key_compromised",
		func(f *facts.Facts) bool {
			return f.Protection != nil && isTrue(f.Protection.Encrypted) && f.Protection.KeyCompromised == nil
		},
		func(g *facts.Facts) { p := *g.Protection; p.KeyCompromised = &yes; g.Protection = &p },
		func(g *facts.Facts) { p := *g.Protection; p.KeyCompromised = &no; g.Protection = &p }},
}

// disclosureImplied says whether the facts already show that someone
// outside obtained or could see the data, so confidentiality was lost
// whatever effects.confidentiality says.
func disclosureImplied(f *facts.Facts) bool {
	if r := f.Recipient; r != nil && (r.Accessed == "yes" || (r.Kind != "" && r.Kind != "unknown" && r.Kind != "none")) {
		return true
	}
	if f.Exposure != nil && isTrue(f.Exposure.PubliclyAvailable) {
		return true
	}
	return f.Effects != nil && f.Effects.Exfiltrated == "yes"
}

// probeUnknowns re-decides every rule with each unknown fact set to its
// worst and its best value, and returns, per rule, the variants whose
// decision differs from the base decision.
func probeUnknowns(f *facts.Facts, base Env, rules []*Rule, owners []*Pack, res residents, decisions []decided) [][]variant {
	out := make([][]variant, len(rules))
	for _, p := range probes {
		if !p.unknown(f) {
			continue
		}
		for _, set := range []func(*facts.Facts){p.worst, p.best} {
			if set == nil {
				continue
			}
			g := *f
			set(&g)
			env := newEnv(&g, harm.Assess(&g))
			if sameEnv(env, base) {
				continue
			}
			for i, rl := range rules {
				if d := rl.decide(res.of(env, owners[i])); d.decision != decisions[i].decision {
					out[i] = append(out[i], variant{p.path, d.decision})
				}
			}
		}
	}
	return out
}

func sameEnv(a, b Env) bool {
	if len(a.Categories) != len(b.Categories) {
		return false
	}
	for i := range a.Categories {
		if a.Categories[i] != b.Categories[i] {
			return false
		}
	}
	type scalars struct {
		Level, Likelihood, Severity                                      string
		SeriousHarm, RiskToRights, HighRisk, ForeseeableRisk             bool
		Unintelligible, RemediationPrevents, Loss, Malicious, Vulnerable bool
		Danger, LawEnforcementDelay, WouldCauseMoreHarm, ContactDetails  bool
		Processor, TFN, OtherEntityNotifies                              bool
		People                                                           int64
		PeopleKnown, Acquired, NotAcquired, Accessed, Paper, Passwords   bool
		GoodFaithInsider                                                 bool
	}
	s := func(e Env) scalars {
		return scalars{e.Level, e.Likelihood, e.Severity, e.SeriousHarm, e.RiskToRights, e.HighRisk, e.ForeseeableRisk,
			e.Unintelligible, e.RemediationPrevents, e.Loss, e.Malicious, e.Vulnerable, e.Danger, e.LawEnforcementDelay,
			e.WouldCauseMoreHarm, e.ContactDetails, e.Processor, e.TFN, e.OtherEntityNotifies, e.People,
			e.PeopleKnown, e.Acquired, e.NotAcquired, e.Accessed, e.Paper, e.PasswordsProtected, e.GoodFaithInsider}
	}
	return s(a) == s(b)
}
