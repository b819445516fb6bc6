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
const AssessmentSchema = "breachdesk/assessment/v1.1"

// Assessment is the output document (spec/assessment.schema.json).
type Assessment struct {
	Schema       string       `json:"schema"`
	AssessedAt   time.Time    `json:"assessed_at"`
	RulesVersion string       `json:"rules_version"`
	Regimes      []Applies    `json:"regimes"`
	Harm         Harm         `json:"harm"`
	Obligations  []Obligation `json:"obligations"`
	// Notes say what the assessment could not consider and why (people
	// whose state is not known; sectoral laws that must be named).
	Notes []string `json:"notes,omitempty"`
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
	// Threshold, Form and Substitute describe the duty for the matrix:
	// when it starts, how notice is given, and when notice may be given
	// otherwise than to each person.
	Threshold  string `json:"threshold,omitempty"`
	Form       string `json:"form,omitempty"`
	Substitute string `json:"substitute,omitempty"`
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
	packs, notes, unknownRegimes, extra := r.applicable(f)
	a.Regimes, a.Notes = notes, extra
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
	res := residentsOf(env, packs)
	base := make([]decided, len(rules))
	for i, rl := range rules {
		base[i] = rl.decide(res.of(env, owners[i]))
	}
	missing := probeUnknowns(f, env, rules, owners, res, base)
	dues := map[string]*time.Time{}
	for i, rl := range rules {
		ob := rl.obligation(owners[i], f, env, h, base[i], missing[i], unknownRegimes, o, dues)
		a.Obligations = append(a.Obligations, ob)
		if ob.Due != nil {
			dues[rl.ID] = ob.Due
		} else if ob.Target != nil {
			dues[rl.ID] = ob.Target
		}
	}
	return a
}

// residents holds, per pack with places, how many affected people live
// there and the most there could be. Probes never change where people
// live, so it is counted once.
type residents map[*Pack][2]int64

func residentsOf(e Env, packs []*Pack) residents {
	out := residents{}
	for _, p := range packs {
		if len(p.Places) == 0 {
			continue
		}
		if e.Places == nil {
			out[p] = [2]int64{0, e.ResidentsMax}
			continue
		}
		var in, elsewhere, counted int64
		for code, n := range e.Places {
			counted += n
			switch {
			case covers(p.Places, code):
				in += n
			case parentOf(code, p.Places):
				elsewhere += n // in the country, state not known
			}
		}
		most := in + elsewhere
		if e.PeopleKnown && e.People > counted {
			most += e.People - counted
		}
		out[p] = [2]int64{in, most}
	}
	return out
}

// of is the environment a rule of pack p is decided in.
func (r residents) of(e Env, p *Pack) Env {
	if v, ok := r[p]; ok {
		e.Residents, e.ResidentsMax = v[0], v[1]
	}
	return e
}

type decided struct {
	decision string
	reason   string
	missing  []string
}

func (rl *Rule) decide(env Env) decided {
	if rl.fn != nil {
		return rl.fn(env)
	}
	for k := range rl.When {
		if c := &rl.When[k]; c.holds(env) {
			return decided{c.Decision, c.Reason, c.Missing}
		}
	}
	return decided{"undetermined", "No clause of the rule applies.", nil}
}

// strength orders decisions from least to most protective of the people.
var strength = map[string]int{"not_required": 0, "undetermined": 1, "recommended": 2, "required": 3}

func (rl *Rule) obligation(p *Pack, f *facts.Facts, env Env, h harm.Assessment, d decided, miss []variant, unknownRegimes bool, o Options, dues map[string]*time.Time) Obligation {
	ob := Obligation{Regime: p.Regime, Audience: rl.Audience, Recipient: rl.Recipient, Decision: d.decision, Citation: rl.Citation,
		Quote: rl.Quote, Rule: rl.ID, Reasons: []string{}, MissingFacts: []string{}, Exceptions: []string{}, Content: rl.Content,
		Threshold: rl.Threshold, Form: rl.Form, Substitute: rl.Substitute}
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
	for _, m := range d.missing {
		ob.MissingFacts = appendUnique(ob.MissingFacts, m)
	}
	if unknownRegimes {
		ob.MissingFacts = appendUnique(ob.MissingFacts, "organisation.subject_to")
	}
	for k := range rl.Except {
		if c := &rl.Except[k]; c.holds(env) {
			ob.Exceptions = append(ob.Exceptions, c.Text)
		}
	}
	rl.deadline(&ob, f, o, dues)
	return ob
}

// deadline fills due, target and overdue. Periods run from awareness, or
// from the deadline of an earlier rule they follow, so no deadline can
// precede awareness.
func (rl *Rule) deadline(ob *Obligation, f *facts.Facts, o Options, dues map[string]*time.Time) {
	ob.DueRule = rl.Deadline.Rule
	if ob.Decision == "not_required" {
		return
	}
	aware := f.Timeline.DiscoveredAt.UTC()
	from := aware
	if t := dues[rl.Deadline.After]; t != nil && t.After(aware) {
		from = *t
	}
	dl := rl.Deadline
	var due time.Time
	switch {
	case dl.Hours > 0:
		due = from.Add(time.Duration(dl.Hours) * time.Hour)
	case dl.Days > 0:
		due = from.AddDate(0, 0, dl.Days)
	case dl.BusinessDays > 0:
		due = addBusinessDays(from, dl.BusinessDays)
	case dl.After != "" && from.After(aware):
		due = from // at the same time as the other notice, or before it
	}
	if !due.IsZero() {
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

// addBusinessDays counts n weekdays after t (Saturdays and Sundays are
// skipped; public holidays are not known here and are not skipped, so the
// date is never later than the law's).
func addBusinessDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
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
