// Package law decides, for each law that applies to a breach, whether the
// regulator, the affected people, the public and the organisation's own
// records must be told, by when, why, with which exceptions, which
// unknown facts it assumed and which of them would change the answer.
// The rules of each regime are data (packs/*.yaml), each rule citing its
// section; this package is the engine that applies them to the facts and
// the risk of harm. It is decision support: a person confirms or
// overrides every decision.
package law

import (
	"fmt"
	"slices"
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
	// Assumptions are the unknown facts decided by their most likely
	// value, with the other values each could have.
	Assumptions []harm.Assumption `json:"assumptions"`
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
	// Places are the codes in people.by_jurisdiction that the regime
	// covers, and People how many affected people were counted there.
	Places []string `json:"places,omitempty"`
	People int64    `json:"people,omitempty"`
}

// Harm is the risk of harm as the assessment reports it.
type Harm struct {
	Likelihood string    `json:"likelihood"`
	Severity   string    `json:"severity"`
	Level      string    `json:"level"`
	Reasons    []string  `json:"reasons"`
	ENISA      ENISA     `json:"enisa"`
	Channels   []Channel `json:"channels"`
	// Holder is who has, or may have, the information, in words.
	Holder string `json:"holder,omitempty"`
	// Contained says how the breach was contained before harm, if it was.
	Contained string `json:"contained,omitempty"`
}

// Channel is one kind of harm, rated on its own.
type Channel struct {
	Kind       string   `json:"kind"`
	Likelihood string   `json:"likelihood"`
	Severity   string   `json:"severity"`
	Level      string   `json:"level"`
	Reasons    []string `json:"reasons"`
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
	Regime    string `json:"regime"`
	Audience  string `json:"audience"`
	Recipient string `json:"recipient,omitempty"`
	// Label names the obligation for people ("Tell the regulator").
	Label    string     `json:"label"`
	Decision string     `json:"decision"`
	Due      *time.Time `json:"due"`
	Target   *time.Time `json:"target,omitempty"`
	DueRule  string     `json:"due_rule,omitempty"`
	Overdue  bool       `json:"overdue"`
	Citation string     `json:"citation"`
	Quote    string     `json:"quote"`
	Rule     string     `json:"rule"`
	// Basis says how unknown facts were read: likely (their most likely
	// value), cautious (the cautious value, where the law says to err on
	// the side of caution) or undetermined (no reasonable default).
	Basis        string   `json:"basis"`
	Reasons      []string `json:"reasons"`
	MissingFacts []string `json:"missing_facts"`
	// Flips are the unknown facts that would change this decision, each
	// with the decision it would become.
	Flips      []Flip   `json:"flips"`
	Exceptions []string `json:"exceptions"`
	Content    []string `json:"content"`
	// MetWhenRecorded: recording this assessment meets the obligation.
	MetWhenRecorded bool `json:"met_when_recorded,omitempty"`
	// WaitingFor is what would close the obligation that someone else
	// has undertaken, e.g. another entity's confirmation that it notified.
	WaitingFor string `json:"waiting_for,omitempty"`
	// Threshold, Form and Substitute describe the duty for the matrix:
	// when it starts, how notice is given, and when notice may be given
	// otherwise than to each person.
	Threshold  string `json:"threshold,omitempty"`
	Form       string `json:"form,omitempty"`
	Substitute string `json:"substitute,omitempty"`
}

// Flip is an unknown fact whose other value would change a decision.
type Flip struct {
	Fact     string `json:"fact"`
	If       string `json:"if"`
	Set      string `json:"set"`
	Decision string `json:"decision"`
}

// Options tune an assessment.
type Options struct {
	// At is the time deadlines are judged at (overdue or not).
	At time.Time
	// TargetHours replaces the packs' internal target for "as soon as
	// practicable" obligations when above zero (the organisation's own).
	TargetHours int
}

// reading is the facts with their unknowns resolved, rated, and what the
// rules read from them.
type reading struct {
	g   *facts.Facts
	h   harm.Assessment
	env Env
}

// read resolves and rates the facts; quiet skips the reasons, for
// readings that only decide.
func read(f *facts.Facts, vic, quiet bool) reading {
	g, as := harm.Resolve(f)
	as = append(as, lawAssumptions(f, g, vic)...)
	var h harm.Assessment
	if quiet {
		h = harm.Ratings(g)
	} else {
		h = harm.Rate(g)
	}
	h.Assumptions = as
	return reading{g, h, newEnv(g, h)}
}

// cautiously is the facts with every unknown that has a cautious value
// set to it; with nothing known at all, sensitive information is assumed.
func cautiously(f *facts.Facts, base reading) (*facts.Facts, bool) {
	g, changed := f, false
	for _, a := range base.h.Assumptions {
		for _, alt := range a.Alternatives {
			if alt.Cautious {
				g, changed = alt.Apply(g), true
				break
			}
		}
	}
	if base.h.Nothing {
		g = harm.Clone(g)
		g.Data = &facts.Data{Categories: []string{"name", "health"}}
		changed = true
	}
	return g, changed
}

// Assess applies the rules to the facts.
func (r *Rules) Assess(f *facts.Facts, o Options) Assessment {
	if o.At.IsZero() {
		o.At = time.Now().UTC()
	}
	packs, notes, unknownRegimes, extra := r.applicable(f)
	n := 0
	for _, p := range packs {
		n += len(p.Rules)
	}
	rules, owners := make([]*Rule, 0, n), make([]*Pack, 0, n)
	vic := false
	for _, p := range packs {
		vic = vic || p.Regime == "vic_pdp"
		for i := range p.Rules {
			rules, owners = append(rules, &p.Rules[i]), append(owners, p)
		}
	}
	base := read(f, vic, false)
	fc, changed := cautiously(f, base)
	careful := base
	if changed {
		careful = read(fc, vic, true)
	}
	h := base.h
	a := Assessment{Schema: AssessmentSchema, AssessedAt: o.At, RulesVersion: r.Version, Obligations: make([]Obligation, 0, len(rules)), Regimes: notes,
		Harm: harmOf(h), Assumptions: h.Assumptions, Notes: extra}
	if a.Assumptions == nil {
		a.Assumptions = []harm.Assumption{}
	}
	res := r.residentsOf(base.env, packs)
	dec := make([]decided, len(rules))
	bases := make([]string, len(rules))
	// One environment per pack (its residents), not a copy per rule: a
	// rule's conditions read it through a pointer, which escapes.
	var eb, ec Env
	var last *Pack
	for i, rl := range rules {
		if owners[i] != last {
			last, eb, ec = owners[i], res.of(base.env, owners[i]), res.of(careful.env, owners[i])
		}
		dec[i], bases[i] = rl.decideOn(&base, &eb, &ec)
	}
	flips := findFlips(f, fc, vic, &base, &careful, rules, owners, res, dec, bases)
	// dues are the due times (or targets) of the rules so far: a period
	// that runs after another rule's names an earlier rule of its pack.
	dues := make([]*time.Time, len(rules))
	targets := map[[2]int64]string{}
	sc := newScratch(len(rules))
	for i, rl := range rules {
		if c := rl.commencement(f); c != inForce {
			dec[i], flips[i] = rl.notYetInForce(f, c, dec[i])
			bases[i] = "likely"
		}
		var after *time.Time
		if id := rl.Deadline.After; id != "" {
			for j := i - 1; j >= 0 && owners[j] == owners[i]; j-- {
				if rules[j].ID == id {
					after = dues[j]
					break
				}
			}
		}
		ob := rl.obligation(owners[i], f, &base, &careful, dec[i], bases[i], flips[i], unknownRegimes, o, after, targets, sc)
		a.Obligations = append(a.Obligations, ob)
		if ob.Due != nil {
			dues[i] = ob.Due
		} else if ob.Target != nil {
			dues[i] = ob.Target
		}
	}
	return a
}

// scratch is where an assessment's obligations keep their lists and
// strings (scratch.go).
type scratch struct {
	reasons, facts, exceptions shelf[string]
	times                      shelf[time.Time]
	text                       texts
	explained                  []explained
}

// newScratch sizes the shelves for about what an assessment of that
// many rules writes (most obligations have one or two reasons, a missing
// fact or two, rarely an exception, a due time or a target, and a due
// rule and reasons of a few hundred bytes joined in the texts, in
// buffers of 8 KB, which waste less at their ends than larger ones).
func newScratch(rules int) *scratch {
	return &scratch{reasons: shelf[string]{n: 2 * rules}, facts: shelf[string]{n: rules}, exceptions: shelf[string]{n: rules / 4},
		times: shelf[time.Time]{n: rules}, text: texts{chunk: min(8<<10, 256*rules)}}
}

// residents holds, per pack with places, how many affected people live
// there and the most there could be. Assumptions never change where
// people live, so it is counted once.
type residents map[*Pack][2]int64

func (r *Rules) residentsOf(e Env, packs []*Pack) residents {
	out := make(residents, len(packs))
	if e.Places == nil {
		for _, p := range packs {
			if len(p.Places) > 0 {
				out[p] = [2]int64{0, e.ResidentsMax}
			}
		}
		return out
	}
	in, elsewhere := make(map[*Pack]int64, len(packs)), make(map[*Pack]int64, len(packs))
	var counted int64
	for code, n := range e.Places {
		counted += n
		here := r.packsAt(code)
		for _, p := range here {
			in[p] += n
		}
		if !strings.Contains(code, "-") {
			for _, p := range r.subdivided(code) {
				if !slices.Contains(here, p) {
					elsewhere[p] += n // in the country, state not known
				}
			}
		}
	}
	for _, p := range packs {
		if len(p.Places) == 0 {
			continue
		}
		most := in[p] + elsewhere[p]
		if e.PeopleKnown && e.People > counted {
			most += e.People - counted
		}
		out[p] = [2]int64{in[p], most}
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

func harmOf(h harm.Assessment) Harm {
	out := Harm{Likelihood: h.Likelihood.String(), Severity: h.Severity.String(), Level: h.Level.String(), Reasons: h.Reasons,
		ENISA:  ENISA{DPC: h.ENISA.DPC, EI: quarters(h.ENISA.EIq), CB: quarters(h.ENISA.CBq), Score: h.ENISA.Score(), Band: h.ENISA.Band.String(), Reasons: h.ENISA.Reasons},
		Holder: h.Holder, Contained: h.Contained, Channels: []Channel{}}
	if out.Reasons == nil {
		out.Reasons = []string{}
	}
	for _, c := range h.Channels {
		out.Channels = append(out.Channels, Channel{Kind: c.Kind, Likelihood: c.Likelihood.String(), Severity: c.Severity.String(), Level: c.Level.String(), Reasons: c.Reasons})
	}
	return out
}

// decided is a rule's decision, why, and the facts whose absence decided
// it (a compiled statute's undetermined threshold).
type decided struct {
	decision string
	reason   string
	missing  []string
	// explain writes the reason when it is needed: probes only compare
	// decisions, so compiled rules do not format reasons they would drop.
	explain func() string
	// write writes the reason from args when it is needed: a function
	// made once, with what it needs from the facts in args, costs a probe
	// nothing, where each explain closure is an allocation.
	write func(*texts, whyArgs) string
	args  whyArgs
	// prefix is said before the reason and suffix after it (what is
	// unsettled).
	prefix, suffix string
	// before: the rule had not commenced for this breach, so how the law
	// reads the harm is beside the point.
	before bool
}

// lazy is a decision whose reason is written only if it is shown.
func lazy(decision string, missing []string, explain func() string) decided {
	return decided{decision: decision, missing: missing, explain: explain}
}

// whyArgs are what a reason written later needs from the facts.
type whyArgs struct {
	n    int64
	cats []string
	pw   bool
}

// body is the reason without its prefix and suffix.
func (d *decided) body(t *texts) string {
	switch {
	case d.reason != "":
		return d.reason
	case d.explain != nil:
		return d.explain()
	case d.write != nil:
		return d.write(t, d.args)
	}
	return ""
}

// text is the decision's reason.
func (d decided) text() string {
	r := d.body(&texts{})
	if d.suffix != "" {
		r += " " + d.suffix
	}
	return d.prefix + r
}

// writeIn is text, written in t.
func (d decided) writeIn(t *texts) string {
	r := d.body(t)
	if d.prefix == "" && d.suffix == "" {
		return r
	}
	if d.suffix == "" {
		return t.join(d.prefix, r)
	}
	return t.join(d.prefix, r, " ", d.suffix)
}

// prefixed is d's reason said after a prefix, with other missing facts.
func (d decided) prefixed(decision, prefix string, missing []string) decided {
	if d.prefix != "" || d.suffix != "" {
		// Copies, so that only this rare path moves them to the heap.
		inner, before := d, prefix
		return lazy(decision, missing, func() string { return before + inner.text() })
	}
	return decided{decision: decision, reason: d.reason, explain: d.explain, write: d.write, args: d.args, prefix: prefix, missing: missing}
}

func (rl *Rule) decide(env *Env) decided {
	d := decided{decision: "undetermined", reason: "No clause of the rule applies."}
	if rl.fn != nil {
		d = rl.fn(*env)
	} else {
		for k := range rl.When {
			if c := &rl.When[k]; c.holds(env) {
				d = decided{decision: c.Decision, reason: c.Reason, missing: c.Missing}
				break
			}
		}
	}
	if env.OtherEntityNotified {
		return rl.byOtherEntity(env.OtherEntity, d)
	}
	return d
}

// byOtherEntity applies one model to every regime when another entity
// holding the same information (a provider whose system was breached, a
// joint controller, a shared service) has given the notification this
// rule asks for: the organisation's own is satisfied by it, as s 26WM
// (Cth) says, art 26 GDPR allows and the NZ Commissioner accepts, so the
// duty is not a fresh one. Until that entity confirms it has, the duty
// stays the organisation's, open and waiting for the confirmation (the
// obligation says so).
func (rl *Rule) byOtherEntity(entity string, d decided) decided {
	if d.decision != "required" && d.decision != "recommended" {
		return d
	}
	switch rl.Audience {
	case "regulator", "individuals", "public":
	default:
		return d
	}
	who := map[string]string{"regulator": "the regulator", "individuals": "the affected people", "public": "the public"}[rl.Audience]
	return lazy("not_required", nil, func() string {
		return fmt.Sprintf("Already notified by %s: it has told %s of this breach for the organisations that hold the information (entities[]), and one notification for all satisfies this duty (Privacy Act 1988 (Cth) s 26WM; GDPR art 26; the NZ Commissioner accepts a provider's notification for its client agencies). Without it this would be %s. Keep its reference (entities[].reference) and check its notice names you and covers your people.", entity, who, words(d.decision))
	})
}

// decideOn decides a rule on the most likely reading of the facts, or on
// the cautious one where the rule says so. With nothing known about what
// happened there is no reasonable default, and a rule that weighs harm
// without caution gives no answer.
func (rl *Rule) decideOn(base *reading, eb, ec *Env) (decided, string) {
	if rl.IfUnknown == "cautious" {
		return rl.decide(ec), "cautious"
	}
	if base.env.Nothing && rl.Test != "" {
		return decided{decision: "undetermined",
			reason: "Nothing is known yet about what happened or what information was involved, so there is no reasonable default to decide on. Say how it happened (method), what information was involved (data.categories) and who has it (recipient)."}, "undetermined"
	}
	d := rl.decide(eb)
	if d.decision == "undetermined" {
		return d, "undetermined"
	}
	return d, "likely"
}

// findFlips re-decides every rule with each assumed fact at each of its
// other values, one at a time, and returns per rule the values that would
// change its decision. Cautious rules are re-decided from the cautious
// reading, with the one fact changed. Only the rules that read a field of
// the environment the other value changed are re-decided (reads.go); the
// others keep their decision.
func findFlips(f, fc *facts.Facts, vic bool, base, careful *reading, rules []*Rule, owners []*Pack, res residents, dec []decided, bases []string) [][]Flip {
	out := make([][]Flip, len(rules))
	type memoKey struct {
		env      envKey
		cautious bool
	}
	memo := map[memoKey][]string{}
	// probe decides, on env, the rules of the readings named (likely,
	// cautious) whose fields differ from those of the reading they were
	// decided on.
	probe := func(env Env, against *Env, likely, cautious bool) []string {
		k := memoKey{env.key(), cautious}
		if ds, ok := memo[k]; ok {
			return ds
		}
		changed := allFields
		if pruneProbes {
			changed = diff(&env, against)
		}
		ds := make([]string, len(rules))
		e := env
		var last *Pack
		for i, rl := range rules {
			switch {
			case !(likely && bases[i] == "likely") && !(cautious && bases[i] == "cautious"):
				continue
			case rl.reads&changed == 0:
				ds[i] = dec[i].decision
				continue
			}
			if owners[i] != last {
				last, e = owners[i], res.of(env, owners[i])
			}
			ds[i] = rl.decide(&e).decision
		}
		memo[k] = ds
		return ds
	}
	cautious, likely := false, false
	for i := range rules {
		if bases[i] == "cautious" {
			cautious = true
		} else if bases[i] == "likely" {
			likely = true
		}
	}
	// The flips found, in the order found, with their rule; grouped by
	// rule into one array at the end.
	type found struct {
		rule int
		flip Flip
	}
	var all []found
	for _, as := range base.h.Assumptions {
		for _, alt := range as.Alternatives {
			var onLikely, onCareful []string
			switch {
			case likely && cautious && fc == f:
				// No cautious value was taken: one reading serves both.
				onLikely = probe(read(alt.Apply(f), vic, true).env, &base.env, true, true)
				onCareful = onLikely
			default:
				if likely {
					onLikely = probe(read(alt.Apply(f), vic, true).env, &base.env, true, false)
				}
				if cautious {
					onCareful = probe(read(alt.Apply(fc), vic, true).env, &careful.env, false, true)
				}
			}
			for i := range rules {
				var d string
				switch bases[i] {
				case "cautious":
					d = onCareful[i]
				case "likely":
					d = onLikely[i]
				default:
					continue
				}
				if d != dec[i].decision {
					all = append(all, found{i, Flip{Fact: as.Fact, If: alt.Value, Set: alt.Set, Decision: d}})
				}
			}
		}
	}
	if len(all) == 0 {
		return out
	}
	at := make([]int, len(rules)+1)
	for _, fl := range all {
		at[fl.rule+1]++
	}
	for i := 1; i <= len(rules); i++ {
		at[i] += at[i-1]
	}
	flat := make([]Flip, len(all))
	next := append([]int(nil), at[:len(rules)]...)
	for _, fl := range all {
		flat[next[fl.rule]] = fl.flip
		next[fl.rule]++
	}
	for i := range rules {
		if at[i+1] > at[i] {
			out[i] = flat[at[i]:at[i+1]:at[i+1]]
		}
	}
	return out
}

// pruneProbes lets a test compare the pruned probes with deciding every
// rule.
var pruneProbes = true

// strength orders decisions from least to most protective of the people.
var strength = map[string]int{"not_required": 0, "undetermined": 1, "recommended": 2, "required": 3}

var audienceLabels = map[string]string{"regulator": "Tell the regulator", "individuals": "Tell the affected people", "public": "Public notice", "record": "Keep a record"}

func (rl *Rule) obligation(p *Pack, f *facts.Facts, base, careful *reading, d decided, basis string, flips []Flip, unknownRegimes bool, o Options, after *time.Time, targets map[[2]int64]string, sc *scratch) Obligation {
	ob := Obligation{Regime: p.Regime, Audience: rl.Audience, Recipient: rl.Recipient, Label: rl.Label, Decision: d.decision, Citation: rl.Citation,
		Quote: rl.Quote, Rule: rl.ID, Basis: basis, Flips: []Flip{},
		Content: rl.Content, MetWhenRecorded: rl.MetWhenRecorded, Threshold: rl.Threshold, Form: rl.Form, Substitute: rl.Substitute}
	if ob.Label == "" {
		ob.Label = audienceLabels[rl.Audience]
	}
	if ob.Content == nil {
		ob.Content = []string{}
	}
	// The lists are carved from the assessment's scratch, one open per
	// shelf at a time, and closed before the obligation is returned.
	reasons, missing := sc.reasons.open(), sc.facts.open()
	if r := d.writeIn(&sc.text); r != "" {
		reasons = append(reasons, r)
	}
	rd := base
	if basis == "cautious" {
		rd = careful
	}
	if d.before {
		if len(flips) > 0 {
			ob.Flips = flips
		}
		missing = append(missing, d.missing...)
		ob.Reasons, ob.MissingFacts, ob.Exceptions = sc.reasons.close(reasons), sc.facts.close(missing), []string{}
		rl.deadline(&ob, f, o, after, targets, sc)
		return ob
	}
	if rl.Test != "" && basis != "undetermined" {
		reasons = append(reasons, sc.explain(rl.Test, rd, rd == careful))
	}
	if base.h.Nothing && rl.Test != "" {
		missing = append(missing, "data.categories", "method", "recipient.relation")
	}
	if basis == "cautious" && base.h.Nothing && rl.Cautious != "" {
		reasons = append(reasons, rl.Cautious+" Nothing is known yet about what happened, so sensitive information is taken to be involved.")
	}
	if basis == "cautious" && len(careful.h.Assumptions) > 0 && rl.Cautious != "" {
		var took []string
		for _, a := range base.h.Assumptions {
			for _, alt := range a.Alternatives {
				if alt.Cautious {
					took = append(took, alt.Value)
					break
				}
			}
		}
		if len(took) > 0 {
			reasons = append(reasons, rl.Cautious+" Taken with caution: "+strings.Join(took, "; ")+".")
		}
	}
	if en := notifyingEntity(f); en != nil && rl.Audience != "record" && rl.Audience != "organisations" {
		name := entityWords(en)
		switch {
		case hasNotified(en) && en.Reference == "":
			ob.WaitingFor = fmt.Sprintf("The reference of %s's notification (entities[].reference), to show this duty was met.", name)
			reasons = append(reasons, fmt.Sprintf("%s has notified; record its reference (entities[].reference) so the notification can be shown.", name))
		case hasNotified(en):
			reasons = append(reasons, fmt.Sprintf("%s notified with reference %s.", name, en.Reference))
		case ob.Decision != "not_required":
			ob.WaitingFor = fmt.Sprintf("Confirmation that %s has notified, with its reference (entities[].notified, entities[].reference).", name)
			reasons = append(reasons, fmt.Sprintf("%s has agreed to notify for the organisations that hold the information: your own notification will be satisfied by its once it confirms it has, with its reference. Until then this stays open and yours: if nobody notifies, every organisation holding the information is in breach (s 26WM (Cth) says so; the same holds everywhere).", name))
		}
	}
	// Each (fact, value) once, in the order found: the flips are this
	// rule's own (findFlips, notYetInForce), so they are kept in place.
	kept := flips[:0]
	for _, fl := range flips {
		if slices.ContainsFunc(kept, func(k Flip) bool { return k.Fact == fl.Fact && k.Set == fl.Set }) {
			continue
		}
		kept = append(kept, fl)
		missing = appendUnique(missing, fl.Fact)
	}
	if len(kept) > 0 {
		ob.Flips = kept
	}
	sort.Strings(missing)
	if rl.IfUnknown == "undetermined" && len(ob.Flips) > 0 {
		reasons = append(reasons, fmt.Sprintf("Undetermined: on the most likely reading the answer would be %s, but it depends on facts not yet known: %s. Establish them, or decide and record why.", words(ob.Decision), strings.Join(missing, ", ")))
		ob.Decision, ob.Basis = "undetermined", "undetermined"
	}
	for _, m := range d.missing {
		missing = appendUnique(missing, m)
	}
	if unknownRegimes {
		missing = appendUnique(missing, "organisation.subject_to")
	}
	exceptions := sc.exceptions.open()
	for k := range rl.Except {
		if c := &rl.Except[k]; c.holds(&rd.env) {
			exceptions = append(exceptions, c.Text)
		}
	}
	ob.Reasons, ob.MissingFacts, ob.Exceptions = sc.reasons.close(reasons), sc.facts.close(missing), sc.exceptions.close(exceptions)
	rl.deadline(&ob, f, o, after, targets, sc)
	return ob
}

var testWords = map[string]string{
	"risk_to_rights":      "risk",
	"high_risk":           "high risk",
	"serious_harm":        "serious harm (NZ)",
	"likely_serious_harm": "serious harm (AU)",
	"foreseeable_risk":    "foreseeable risk",
}

// explain is explain(test, rd), written once per test and reading for
// all the rules that apply it.
func (sc *scratch) explain(test string, rd *reading, careful bool) string {
	for _, e := range sc.explained {
		if e.test == test && e.careful == careful {
			return e.text
		}
	}
	w := explain(test, rd)
	sc.explained = append(sc.explained, explained{test, careful, w})
	return w
}

// explained is a test's reading of the harm, in words.
type explained struct {
	test    string
	careful bool
	text    string
}

// explain says in plain words how the regime's test reads the harm.
func explain(test string, rd *reading) string {
	var best *harm.Channel
	holds := func(c harm.Channel) bool {
		switch test {
		case "risk_to_rights":
			return gdprRisk(c)
		case "high_risk":
			return c.Level >= harm.LevelHigh
		case "serious_harm":
			return nzSerious(c, rd.h.Hostile)
		case "likely_serious_harm":
			return auSerious(c)
		}
		return c.Likelihood >= harm.Possible
	}
	met := false
	channels := rd.h.Channels
	gdpr := test == "risk_to_rights" || test == "high_risk"
	if gdpr {
		channels = make([]harm.Channel, len(rd.h.Channels))
		gv := gdprReading(rd.g, rd.h)
		for i, c := range rd.h.Channels {
			channels[i] = gv.view(c)
		}
	}
	for i := range channels {
		c := &channels[i]
		if test == "likely_serious_harm" && c.Kind != harm.Exposure && c.Kind != harm.Misuse {
			continue
		}
		switch {
		case holds(*c) && (!met || c.Level > best.Level):
			best, met = c, true
		case !met && (best == nil || c.Level > best.Level || (c.Level == best.Level && c.Severity > best.Severity)):
			best = c
		}
	}
	if best == nil {
		if test == "likely_serious_harm" && len(channels) > 0 {
			return "No information was accessed, disclosed or lost: an eligible data breach is unauthorised access, disclosure or loss (s 26WE), not alteration or unavailability alone."
		}
		return "No information was disclosed, altered or made unavailable, so there is no harm to weigh."
	}
	what := fmt.Sprintf("%s: severity %s, likelihood %s (%s risk)", channelPhrase[best.Kind], words(best.Severity.String()), words(best.Likelihood.String()), words(best.Level.String()))
	if test == "risk_to_rights" && !met && best.Trivial {
		what += ", an impact too slight to affect anyone's rights"
	}
	if test == "risk_to_rights" && met && best.Level < harm.LevelMedium {
		what += "; a low risk that is not remote is still a risk"
	}
	if gdpr && best.Kind == harm.Exposure && hasAnyOf(categoriesOf(rd.g), articles9and10) && best.Likelihood >= harm.Likely {
		what += "; with special categories of data, damage should be considered likely (WP250, EDPB Guidelines 9/2022)"
	}
	switch test {
	case "risk_to_rights":
		if met {
			return "Not unlikely to result in a risk to people's rights and freedoms: " + what + "."
		}
		return "Unlikely to result in a risk to people's rights and freedoms: at worst, " + what + "."
	case "high_risk":
		if met {
			return "Likely to result in a high risk to people's rights and freedoms: " + what + "."
		}
		return "Not likely to result in a high risk: at worst, " + what + "."
	case "serious_harm":
		if met && rd.h.Hostile && best.Level < harm.LevelHigh && best.Severity < harm.High {
			return "It is reasonable to believe serious harm is likely: the information is in the hands of someone who means harm, which the Commissioner treats as a serious breach (s 113(d), who has obtained it): " + what + "."
		}
		if met {
			return "It is reasonable to believe serious harm is likely, in New Zealand's sense of a real and substantial chance (s 113 factors: sensitivity, who has it, security, action taken, the nature of the harm): " + what + "."
		}
		return "Serious harm is not likely on the s 113 factors: at worst, " + what + "."
	case "likely_serious_harm":
		if met {
			return "A reasonable person would conclude serious harm is likely, more probable than not (s 26WG matters: kinds and sensitivity of the information, security measures, who has it, the nature of the harm): " + what + "."
		}
		return "A reasonable person would not conclude serious harm is more probable than not (s 26WG matters): at worst, " + what + "."
	}
	if met {
		return "There is a foreseeable risk of harm: " + what + "."
	}
	return "The risk of harm is too remote to be of real concern: at worst, " + what + "."
}

var channelPhrase = map[string]string{
	harm.Exposure:     "the information becoming known to the wrong people",
	harm.Misuse:       "its use against the people (fraud, identity theft, violence)",
	harm.Integrity:    "the information being altered",
	harm.Availability: "the information being unavailable",
}

// clock is when an obligation's period starts, and why. A breach the
// organisation knew of before the law commenced, and that went on after,
// is subject to the law from its commencement: the clock starts then.
func (rl *Rule) clock(f *facts.Facts) (time.Time, string) {
	start, why := f.Timeline.DiscoveredAt.UTC(), ""
	if t := f.Timeline.OughtToHaveKnownAt; t != nil && t.Before(start) {
		start, why = t.UTC(), " It runs from when the organisation ought reasonably to have become aware (timeline.ought_to_have_known_at), which is earlier than when it did."
	}
	if t := f.Timeline.FirstAlertAt; rl.Deadline.From == "suspicion" && t != nil && t.Before(start) {
		start, why = t.UTC(), " It runs from the first sign of trouble (timeline.first_alert_at), when there were grounds to suspect a breach."
	}
	if start.Before(rl.effective) {
		start, why = rl.effective, fmt.Sprintf(" It runs from %s, when this law commenced: the breach was known before and went on after, so it is subject to the law from then.", rl.effective.Format("2 January 2006"))
	}
	return start, why
}

// commenced says how a breach stands to a rule's commencement.
type commenced int

const (
	inForce      commenced = iota // known of on or after commencement, or went on after it
	endedBefore                   // known of, and over, before commencement
	notKnownLast                  // known of before commencement; whether it went on after is not known
)

// commencement reads the timeline against the rule's effective date. A
// breach is subject to a law it was found under, and to one that
// commenced while it went on (timeline.ongoing, or contained or ended
// after commencement): it is subject to it from then.
func (rl *Rule) commencement(f *facts.Facts) commenced {
	t := f.Timeline
	if !t.DiscoveredAt.Before(rl.effective) || isTrue(t.Ongoing) {
		return inForce
	}
	ended, known := time.Time{}, false
	for _, e := range []*time.Time{t.ContainedAt, t.OccurredUntil} {
		if e != nil {
			if !e.Before(rl.effective) {
				return inForce
			}
			if e.After(ended) {
				ended, known = *e, true
			}
		}
	}
	if known {
		return endedBefore
	}
	return notKnownLast
}

// notYetInForce is the decision of a rule that commenced after the
// breach was over, or, when the facts do not say it went on after, its
// decision with the breach's continuing as the fact that would flip it.
// An applicable regime always answers for every audience it has.
func (rl *Rule) notYetInForce(f *facts.Facts, c commenced, d decided) (decided, []Flip) {
	since := rl.effective.Format("2 January 2006")
	found := f.Timeline.DiscoveredAt.UTC().Format("2 January 2006")
	out := decided{decision: "not_required", before: true}
	if c == endedBefore {
		out.reason = fmt.Sprintf("Not in force for this breach: this duty (%s) commenced on %s, and the breach was found on %s and over before then (timeline.contained_at, timeline.occurred_until). A law does not reach back to a breach that ended before it commenced.", rl.Citation, since, found)
		return out, nil
	}
	out.reason = fmt.Sprintf("Not in force for this breach as far as is known: this duty (%s) commenced on %s, after the breach was found (%s), and nothing says the breach went on after that. If it did (timeline.ongoing: true, or a later timeline.contained_at), it is subject to this law from %s.", rl.Citation, since, found, since)
	out.missing = []string{"timeline.ongoing"}
	var flips []Flip
	if d.decision == "required" || d.decision == "recommended" {
		flips = []Flip{{Fact: "timeline.ongoing", If: "the breach went on after " + since, Set: "timeline.ongoing: true", Decision: d.decision}}
	}
	return out, flips
}

// deadline fills due, target and overdue. Periods run from awareness (or
// from suspicion, where the rule says so), or from the deadline of an
// earlier rule they follow, so no deadline precedes its clock.
func (rl *Rule) deadline(ob *Obligation, f *facts.Facts, o Options, after *time.Time, targets map[[2]int64]string, sc *scratch) {
	ob.DueRule = rl.Deadline.Rule
	if ob.Decision == "not_required" {
		return
	}
	start, why := rl.clock(f)
	ob.DueRule += why
	if t := f.Timeline.ProcessorAwareAt; t != nil && (strings.HasPrefix(rl.ID, "eu.") || strings.HasPrefix(rl.ID, "uk.")) && rl.Audience == "regulator" {
		ob.DueRule += fmt.Sprintf(" The processor knew on %s and must tell the controller without undue delay (art 33(2)); the controller's clock starts when it is told.", t.UTC().Format("2 Jan 2006 15:04 MST"))
	}
	from := start
	if t := after; t != nil && t.After(start) {
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
	case dl.After != "" && from.After(start):
		due = from // at the same time as the other notice, or before it
	}
	if !due.IsZero() {
		ob.Due = sc.times.put(due)
		ob.Overdue = ob.Decision == "required" && o.At.After(due)
	}
	target := rl.Deadline.TargetHours
	if target > 0 && o.TargetHours > 0 {
		target = o.TargetHours
	}
	if target > 0 {
		t := start.Add(time.Duration(target) * time.Hour)
		ob.Target = sc.times.put(t)
		k := [2]int64{t.Unix(), int64(target)}
		w, ok := targets[k]
		if !ok {
			w = fmt.Sprintf(" Internal target: within %d hours of becoming aware (%s).", target, t.Format("2 Jan 2006 15:04 MST"))
			targets[k] = w // the same for most obligations of an assessment
		}
		ob.DueRule = sc.text.join(ob.DueRule, w)
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

// Clock is when an obligation's period starts for these facts: the
// moment of awareness the rule's clock runs from.
func (r *Rules) Clock(ruleID string, f *facts.Facts) (time.Time, bool) {
	for _, p := range r.Packs {
		for i := range p.Rules {
			if p.Rules[i].ID == ruleID {
				t, _ := p.Rules[i].clock(f)
				return t, true
			}
		}
	}
	return time.Time{}, false
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
