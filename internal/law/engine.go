// Package law decides, for each law that applies to a breach, whether the
// regulator, the affected people, the public and the organisation's own
// records must be told, by when, why, with which exceptions, and which
// unknown facts would change the answer. The rules of each regime are
// data (packs/*.yaml), each rule citing its section; this package is the
// engine that applies them to the facts and the risk of harm. It is
// decision support: a person confirms or overrides every decision.
package law

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

// AssessmentSchema is the value of the schema field of the output.
const AssessmentSchema = "breachdesk/assessment/v1"

// Assessment is the output document (spec/assessment.schema.json).
type Assessment struct {
	Schema       string       `json:"schema"`
	AssessedAt   time.Time    `json:"assessed_at"`
	RulesVersion string       `json:"rules_version"`
	Regimes      []Applies    `json:"regimes"`
	Harm         Harm         `json:"harm"`
	Obligations  []Obligation `json:"obligations"`
}

// Applies says that a regime applies and why.
type Applies struct {
	Regime    string `json:"regime"`
	Title     string `json:"title"`
	Regulator string `json:"regulator,omitempty"`
	Reason    string `json:"reason"`
}

// Harm is the risk of harm as the assessment reports it.
type Harm struct {
	Likelihood string   `json:"likelihood"`
	Severity   string   `json:"severity"`
	Level      string   `json:"level"`
	Reasons    []string `json:"reasons"`
	ENISA      ENISA    `json:"enisa"`
}

// ENISA is the explained ENISA 2013 sub-score.
type ENISA struct {
	DPC     int      `json:"dpc"`
	EI      string   `json:"ei"`
	CB      string   `json:"cb"`
	Score   string   `json:"score"`
	Band    string   `json:"band"`
	Reasons []string `json:"reasons"`
}

// Obligation is one (regime, audience) decision.
type Obligation struct {
	Regime       string     `json:"regime"`
	Audience     string     `json:"audience"`
	Recipient    string     `json:"recipient,omitempty"`
	Decision     string     `json:"decision"`
	Due          *time.Time `json:"due"`
	Target       *time.Time `json:"target,omitempty"`
	DueRule      string     `json:"due_rule,omitempty"`
	Overdue      bool       `json:"overdue"`
	Citation     string     `json:"citation"`
	Quote        string     `json:"quote"`
	Rule         string     `json:"rule"`
	Reasons      []string   `json:"reasons"`
	MissingFacts []string   `json:"missing_facts"`
	Exceptions   []string   `json:"exceptions"`
	Content      []string   `json:"content"`
}

// Options tune an assessment.
type Options struct {
	// At is the time deadlines are judged at (overdue or not).
	At time.Time
	// TargetHours replaces the packs' internal target for "as soon as
	// practicable" obligations when above zero (the organisation's own).
	TargetHours int
}

// Assess applies the rules to the facts.
func (r *Rules) Assess(f *facts.Facts, o Options) Assessment {
	if o.At.IsZero() {
		o.At = time.Now().UTC()
	}
	h := harm.Assess(f)
	a := Assessment{Schema: AssessmentSchema, AssessedAt: o.At, RulesVersion: r.Version, Obligations: []Obligation{},
		Harm: Harm{Likelihood: h.Likelihood.String(), Severity: h.Severity.String(), Level: h.Level.String(), Reasons: h.Reasons,
			ENISA: ENISA{DPC: h.ENISA.DPC, EI: quarters(h.ENISA.EIq), CB: quarters(h.ENISA.CBq), Score: h.ENISA.Score(), Band: h.ENISA.Band.String(), Reasons: h.ENISA.Reasons}}}
	packs, notes, unknownRegimes := r.applicable(f)
	a.Regimes = notes
	env := newEnv(f, h)
	var rules []*Rule
	var owners []*Pack
	for _, p := range packs {
		for i := range p.Rules {
			if rl := &p.Rules[i]; !f.Timeline.DiscoveredAt.Before(rl.effective) {
				rules, owners = append(rules, rl), append(owners, p)
			}
		}
	}
	base := make([]decided, len(rules))
	for i, rl := range rules {
		base[i] = rl.decide(env)
	}
	missing := probeUnknowns(f, env, rules, base)
	for i, rl := range rules {
		a.Obligations = append(a.Obligations, rl.obligation(owners[i], f, env, h, base[i], missing[i], unknownRegimes, o))
	}
	return a
}

type decided struct {
	decision string
	reason   string
}

func (rl *Rule) decide(env Env) decided {
	for k := range rl.When {
		if c := &rl.When[k]; c.holds(env) {
			return decided{c.Decision, c.Reason}
		}
	}
	return decided{"undetermined", "No clause of the rule applies."}
}

// strength orders decisions from least to most protective of the people.
var strength = map[string]int{"not_required": 0, "undetermined": 1, "recommended": 2, "required": 3}

func (rl *Rule) obligation(p *Pack, f *facts.Facts, env Env, h harm.Assessment, d decided, miss []variant, unknownRegimes bool, o Options) Obligation {
	ob := Obligation{Regime: p.Regime, Audience: rl.Audience, Recipient: rl.Recipient, Decision: d.decision, Citation: rl.Citation,
		Quote: rl.Quote, Rule: rl.ID, Reasons: []string{}, MissingFacts: []string{}, Exceptions: []string{}, Content: rl.Content}
	if ob.Content == nil {
		ob.Content = []string{}
	}
	if d.reason != "" {
		ob.Reasons = append(ob.Reasons, d.reason)
	}
	if len(rl.Reads) > 0 && containsHarm(rl.Reads) {
		ob.Reasons = append(ob.Reasons, fmt.Sprintf("The risk of harm is %s (likelihood %s, severity %s).", words(h.Level.String()), words(h.Likelihood.String()), words(h.Severity.String())))
	}
	if len(miss) > 0 {
		paths := make([]string, 0, len(miss))
		strongest := d.decision
		for _, v := range miss {
			if !contains(paths, v.path) {
				paths = append(paths, v.path)
			}
			if strength[v.decision] > strength[strongest] {
				strongest = v.decision
			}
		}
		sort.Strings(paths)
		ob.MissingFacts = paths
		if rl.IfUnknown == "cautious" {
			if strength[strongest] > strength[d.decision] {
				ob.Decision = strongest
			}
			ob.Reasons = append(ob.Reasons, "Some facts that could change this are not known ("+strings.Join(paths, ", ")+"). "+rl.Cautious)
		} else {
			ob.Decision = "undetermined"
			ob.Reasons = append(ob.Reasons, fmt.Sprintf("Undetermined: on what is known the answer would be %s, but it depends on facts not yet known: %s. Establish them, or decide and record why.", words(d.decision), strings.Join(paths, ", ")))
		}
	}
	if unknownRegimes {
		ob.MissingFacts = appendUnique(ob.MissingFacts, "organisation.subject_to")
	}
	for k := range rl.Except {
		if c := &rl.Except[k]; c.holds(env) {
			ob.Exceptions = append(ob.Exceptions, c.Text)
		}
	}
	rl.deadline(&ob, f, o)
	return ob
}

// deadline fills due, target and overdue. Periods run from awareness, so
// no deadline can precede it.
func (rl *Rule) deadline(ob *Obligation, f *facts.Facts, o Options) {
	ob.DueRule = rl.Deadline.Rule
	if ob.Decision == "not_required" {
		return
	}
	aware := f.Timeline.DiscoveredAt.UTC()
	if rl.Deadline.Hours > 0 {
		due := aware.Add(time.Duration(rl.Deadline.Hours) * time.Hour)
		ob.Due = &due
		ob.Overdue = ob.Decision == "required" && o.At.After(due)
	}
	target := rl.Deadline.TargetHours
	if target > 0 && o.TargetHours > 0 {
		target = o.TargetHours
	}
	if target > 0 {
		t := aware.Add(time.Duration(target) * time.Hour)
		ob.Target = &t
		ob.DueRule += fmt.Sprintf(" Internal target: within %d hours of becoming aware (%s).", target, t.Format("2 Jan 2006 15:04 MST"))
		ob.Overdue = ob.Overdue || (ob.Decision == "required" && o.At.After(t))
	}
}

func containsHarm(reads []string) bool {
	for _, r := range reads {
		if strings.HasPrefix(r, "harm") {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func appendUnique(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

func quarters(q int) string {
	s := fmt.Sprintf("%d.%02d", q/4, (q%4)*25)
	return strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
}
