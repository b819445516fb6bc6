package law

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/yamlbound"
)

//go:embed packs/*.yaml
var builtin embed.FS

// BuiltinVersion is the version of the rule packs compiled into this binary.
const BuiltinVersion = "2026.11.6"

// Pack is the rules of one regime (a law, or an organisation's own policy).
type Pack struct {
	Regime    string `yaml:"regime"`
	Title     string `yaml:"title"`
	Regulator string `yaml:"regulator"`
	// Always makes an organisation's own pack apply whatever laws apply.
	Always bool   `yaml:"always"`
	Source string `yaml:"source"`
	// Places are the ISO 3166 codes (countries, or subdivisions such as
	// US-CA) whose residents the regime protects: it is inferred for
	// people living there when organisation.subject_to is not given. A
	// country code covers its subdivisions. A pack without places (a
	// sectoral law such as HIPAA, a public-sector scheme) applies only
	// when named in organisation.subject_to.
	Places []string `yaml:"places"`
	// ResidentsOnly: the law protects only residents of its places (a US
	// state's breach law), so it imposes nothing where none of them is
	// affected and is not shown when where people live is unknown.
	ResidentsOnly bool `yaml:"residents_only"`
	// Sectoral names whom a sectoral law binds (e.g. "HIPAA covered
	// entities and business associates"): it is never inferred from where
	// people live, nor shown when nothing is known; a note reminds the
	// reader to name it when people live in its country.
	Sectoral string `yaml:"sectoral"`
	// Country is the country a sectoral law is of (US).
	Country string `yaml:"country"`
	// Family groups regimes in the documentation and the matrix
	// (us_state, us_federal, canada, apac, europe, ...).
	Family string `yaml:"family"`
	// LastChecked is the date the pack's author last checked the law.
	LastChecked string `yaml:"last_checked"`
	// Quality is how well the sources support the pack: high (statute or
	// regulator text read throughout), medium, low (secondary sources).
	Quality string `yaml:"quality"`
	// Sources are the texts the pack rests on.
	Sources []Source `yaml:"sources"`
	// Unsettled are the points where sources conflict or the law is not
	// settled; the rules they touch say so in their reasons.
	Unsettled []string `yaml:"unsettled"`
	// NotCovered says what the pack leaves out.
	NotCovered []string `yaml:"not_covered"`
	Rules      []Rule   `yaml:"rules"`
}

// Source is one text a pack rests on.
type Source struct {
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
	// Kind: statute, regulation, regulator, bill, secondary, research.
	Kind string `yaml:"kind"`
}

// Rule decides one obligation: whether to tell one audience, by when, why,
// with which exceptions and what the notice must contain.
type Rule struct {
	ID        string `yaml:"id"`
	Audience  string `yaml:"audience"`
	Recipient string `yaml:"recipient"`
	// Label names the obligation for people when the audience alone would
	// mislead, e.g. "Assess the suspected breach within 30 days".
	Label     string   `yaml:"label"`
	Citation  string   `yaml:"citation"`
	Quote     string   `yaml:"quote"`
	Effective string   `yaml:"effective"`
	Reads     []string `yaml:"reads"`
	// Test names the regime's test of harm the rule applies, so the
	// assessment can explain it: risk_to_rights, high_risk, serious_harm,
	// likely_serious_harm or foreseeable_risk.
	Test string   `yaml:"test"`
	When []Clause `yaml:"when"`
	// IfUnknown is likely (default: unknown facts take their most likely
	// value), cautious (they take the cautious value, where the law says
	// to err on the side of caution) or undetermined (the rule gives no
	// answer while a fact that would change it is unknown).
	IfUnknown string `yaml:"if_unknown"`
	Cautious  string `yaml:"cautious_reason"`
	// MetWhenRecorded: recording the assessment is what the rule requires
	// (e.g. Privacy Act 1988 (Cth) s 26WH), so it is done once recorded.
	MetWhenRecorded bool     `yaml:"met_when_recorded"`
	Deadline        Deadline `yaml:"deadline"`
	Except          []Clause `yaml:"exceptions"`
	Content         []string `yaml:"content"`
	// Threshold says in words when the duty starts (e.g. "more than 500
	// California residents"), for the matrix.
	Threshold string `yaml:"threshold"`
	// Form is how the notice is given (the regulator's online form).
	Form string `yaml:"form"`
	// Substitute is when and how notice may be given otherwise than to
	// each person (cost or number thresholds, web posting, media).
	Substitute string `yaml:"substitute"`
	// SafeHarbour names a safe harbour the law gives for this duty:
	// "encryption" means data encrypted with a key that was not
	// compromised never creates the duty (checked by a property test).
	SafeHarbour string    `yaml:"safe_harbour"`
	effective   time.Time `yaml:"-"`
	// fn decides a rule compiled from a statute profile (usstate.go)
	// instead of its when clauses.
	fn func(Env) decided
	// reads is the set of Env fields the decision depends on (reads.go).
	reads envMask
}

// Clause is a condition with what follows when it holds. A clause with no
// condition always holds.
type Clause struct {
	If       string `yaml:"if"`
	Decision string `yaml:"decision"`
	Reason   string `yaml:"reason"`
	Text     string `yaml:"text"`
	// Missing names the facts whose absence made this clause hold (an
	// undetermined decision that waits for them).
	Missing []string `yaml:"missing"`
	program *vm.Program
	// test is the condition of a rule compiled from a statute profile;
	// If then only describes it.
	test func(Env) bool
}

// Deadline is when an obligation is due: Hours, Days or BusinessDays after
// awareness give a timestamp; TargetHours is the organisation's own target
// for "as soon as practicable", shown as such. After names another rule of
// the same pack whose deadline the period runs from ("within 15 days of
// notifying residents"): the due time is then counted from that rule's
// due time or target, the latest the other notice can lawfully be given.
type Deadline struct {
	Rule         string `yaml:"rule"`
	Hours        int    `yaml:"hours"`
	Days         int    `yaml:"days"`
	BusinessDays int    `yaml:"business_days"`
	TargetHours  int    `yaml:"target_hours"`
	After        string `yaml:"after"`
	// From is the moment the clock starts: awareness (default: when the
	// organisation became aware, or ought to have) or suspicion (the first
	// sign of trouble, timeline.first_alert_at, when known).
	From string `yaml:"from"`
}

// audiences: organisations are others that must or should be told, such
// as the consumer reporting agencies (US) or those who can reduce the harm
// (PIPEDA s 10.2).
var audiences = map[string]bool{"regulator": true, "individuals": true, "public": true, "record": true, "organisations": true}
var decisions = map[string]bool{"required": true, "not_required": true, "recommended": true, "undetermined": true}

// Rules is a loaded, compiled set of packs.
type Rules struct {
	Packs   []*Pack
	Version string

	once sync.Once
	// byPlace lists, for each place code a pack names, the packs that
	// name it, so applicability costs a look-up per place, not a scan;
	// bySub, for a country (or EU), the packs naming one of its
	// subdivisions (or member states).
	byPlace, bySub map[string][]*Pack
	// withCountry is, for a subdivision a pack names, the packs naming
	// it followed by those naming its country (packsAt).
	withCountry map[string][]*Pack
	// byID is every pack by its regime id.
	byID map[string]*Pack
	// statutes are the US state profiles the state packs were compiled
	// from, by regime, for the letters to residents.
	statutes map[string]*stateLaw
}

// placeIndex builds byPlace once.
func (r *Rules) placeIndex() map[string][]*Pack {
	r.once.Do(func() {
		r.byPlace, r.bySub, r.byID = map[string][]*Pack{}, map[string][]*Pack{}, make(map[string]*Pack, len(r.Packs))
		for _, p := range r.Packs {
			r.byID[p.Regime] = p // an organisation's pack of the same id replaces the built-in one
			subs := map[string]bool{}
			for _, pl := range p.Places {
				r.byPlace[pl] = append(r.byPlace[pl], p)
				if c, _, sub := strings.Cut(pl, "-"); sub {
					subs[c] = true
				} else if eea[pl] {
					subs["EU"] = true
				}
			}
			for c := range subs {
				r.bySub[c] = append(r.bySub[c], p)
			}
		}
		r.withCountry = map[string][]*Pack{}
		for code, here := range r.byPlace {
			if country, _, sub := strings.Cut(code, "-"); sub {
				r.withCountry[code] = append(here[:len(here):len(here)], r.byPlace[country]...)
			}
		}
	})
	return r.byPlace
}

// subdivided lists the packs naming a subdivision of the country (or a
// member state of the EU), whose people counted only as the country may
// live there.
func (r *Rules) subdivided(country string) []*Pack {
	r.placeIndex()
	return r.bySub[country]
}

// packsAt lists the packs that protect people living at code: those
// naming the code, and those naming its country. The list is shared:
// callers only read it.
func (r *Rules) packsAt(code string) []*Pack {
	idx := r.placeIndex()
	country, _, sub := strings.Cut(code, "-")
	if !sub {
		return idx[code]
	}
	if both, ok := r.withCountry[code]; ok {
		return both
	}
	return idx[country] // no pack names the subdivision itself
}

// Load reads the built-in packs and, if dir is not empty, an
// organisation's own packs from it (*.yaml), without recompiling.
func Load(dir string) (*Rules, error) {
	r := &Rules{}
	h := sha256.New()
	add := func(fsys fs.FS, name string) error {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		h.Write(b)
		p, err := parsePack(b, fsys != builtin)
		if err != nil {
			return fmt.Errorf("rule pack %s: %w", name, err)
		}
		r.Packs = append(r.Packs, p)
		return nil
	}
	names, _ := fs.Glob(builtin, "packs/*.yaml")
	sort.Strings(names)
	for _, n := range names {
		if err := add(builtin, n); err != nil {
			return nil, err
		}
	}
	states, laws, err := loadStatutes()
	if err != nil {
		return nil, err
	}
	r.Packs = append(r.Packs, states...)
	r.statutes = map[string]*stateLaw{}
	for _, s := range laws {
		r.statutes[s.Regime] = s
	}
	r.Version = BuiltinVersion
	if dir != "" {
		own, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			return nil, err
		}
		sort.Strings(own)
		for _, n := range own {
			if err := add(os.DirFS(filepath.Dir(n)), filepath.Base(n)); err != nil {
				return nil, err
			}
		}
		if len(own) > 0 {
			r.Version += "+org." + hex.EncodeToString(h.Sum(nil))[:12]
		}
	}
	seen := map[string]bool{}
	for _, p := range r.Packs {
		for _, rl := range p.Rules {
			if seen[rl.ID] {
				return nil, fmt.Errorf("rule id %s is used twice", rl.ID)
			}
			seen[rl.ID] = true
		}
	}
	return r, nil
}

// maxPackBytes bounds a rule pack file; the built-in ones are under 40 KB.
const maxPackBytes = 4 << 20

// parsePack reads one pack. An organisation's packs are first checked
// against the YAML bounds (aliases, depth, size); the built-in ones are
// part of the program and skip that second parse, which halves the time
// to load them.
func parsePack(b []byte, bound bool) (*Pack, error) {
	var p Pack
	if len(b) > maxPackBytes {
		return nil, fmt.Errorf("the pack is larger than %d MB", maxPackBytes>>20)
	}
	if bound {
		if _, err := yamlbound.Parse(b, yamlbound.Default); err != nil {
			return nil, errors.New(fault.MessageOf(err))
		}
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if p.Regime == "" || p.Title == "" || len(p.Rules) == 0 {
		return nil, fmt.Errorf("a pack needs regime, title and rules")
	}
	for i := range p.Rules {
		if err := checkRule(&p.Rules[i], i); err != nil {
			return nil, err
		}
	}
	if err := checkPack(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// checkRule validates one rule and compiles its conditions.
func checkRule(rl *Rule, i int) error {
	where := "rule " + rl.ID
	switch {
	case rl.ID == "":
		return fmt.Errorf("rule %d has no id", i+1)
	case !audiences[rl.Audience]:
		return fmt.Errorf("%s: audience must be regulator, individuals, public, organisations or record", where)
	case rl.Citation == "" || rl.Quote == "" || rl.Effective == "":
		return fmt.Errorf("%s: citation, quote and effective date are required", where)
	case rl.fn == nil && (len(rl.When) == 0 || rl.When[len(rl.When)-1].If != ""):
		return fmt.Errorf("%s: 'when' must end with a clause without a condition", where)
	case rl.IfUnknown != "" && rl.IfUnknown != "likely" && rl.IfUnknown != "undetermined" && rl.IfUnknown != "cautious":
		return fmt.Errorf("%s: if_unknown must be likely, cautious or undetermined", where)
	case rl.Test != "" && testWords[rl.Test] == "":
		return fmt.Errorf("%s: test must be one of risk_to_rights, high_risk, serious_harm, likely_serious_harm, foreseeable_risk", where)
	case rl.Deadline.From != "" && rl.Deadline.From != "awareness" && rl.Deadline.From != "suspicion":
		return fmt.Errorf("%s: deadline.from must be awareness or suspicion", where)
	case rl.SafeHarbour != "" && rl.SafeHarbour != "encryption":
		return fmt.Errorf("%s: safe_harbour can only be encryption", where)
	case rl.Deadline.Hours < 0 || rl.Deadline.Days < 0 || rl.Deadline.BusinessDays < 0 || rl.Deadline.TargetHours < 0:
		return fmt.Errorf("%s: deadline periods cannot be negative", where)
	case (rl.Deadline.Hours > 0) && (rl.Deadline.Days > 0 || rl.Deadline.BusinessDays > 0) || rl.Deadline.Days > 0 && rl.Deadline.BusinessDays > 0:
		return fmt.Errorf("%s: give one of hours, days and business_days", where)
	}
	t, err := time.Parse("2006-01-02", rl.Effective)
	if err != nil {
		return fmt.Errorf("%s: effective must be a date like 2020-12-01", where)
	}
	rl.effective = t
	for k := range rl.When {
		if !decisions[rl.When[k].Decision] {
			return fmt.Errorf("%s: decision %q is not one of required, not_required, recommended, undetermined", where, rl.When[k].Decision)
		}
		if err := compile(&rl.When[k]); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
	}
	rl.reads = rl.readSet()
	for k := range rl.Except {
		if err := compile(&rl.Except[k]); err != nil {
			return fmt.Errorf("%s exception: %w", where, err)
		}
	}
	return nil
}

// checkPack validates what a pack says of itself: its places are ISO
// 3166 codes, its dates are dates, and a deadline that runs after another
// rule names one that comes before it in the same pack.
func checkPack(p *Pack) error {
	for _, pl := range p.Places {
		if !placeCode.MatchString(pl) {
			return fmt.Errorf("place %q is not an ISO 3166-1 or 3166-2 code such as NZ or US-CA", pl)
		}
	}
	if p.LastChecked != "" {
		if _, err := time.Parse("2006-01-02", p.LastChecked); err != nil {
			return fmt.Errorf("last_checked must be a date like 2026-11-29")
		}
	}
	switch p.Quality {
	case "", "high", "medium", "low":
	default:
		return fmt.Errorf("quality must be high, medium or low")
	}
	seen := map[string]bool{}
	for _, rl := range p.Rules {
		if a := rl.Deadline.After; a != "" && !seen[a] {
			return fmt.Errorf("rule %s: its deadline runs after %s, which must be an earlier rule of the same pack", rl.ID, a)
		}
		seen[rl.ID] = true
	}
	return nil
}

var placeCode = regexp.MustCompile(`^(EU|[A-Z]{2}(-[A-Z0-9]{1,3})?)$`)

func compile(c *Clause) error {
	if c.If == "" || c.test != nil {
		return nil
	}
	prog, err := expr.Compile(c.If, expr.Env(Env{}), expr.AsBool())
	if err != nil {
		return fmt.Errorf("condition %q: %w", c.If, err)
	}
	c.program = prog
	return nil
}

// machines are reusable expression machines: running a condition then
// allocates nothing for the machine itself. Conditions run on a pointer
// to the Env: an Env value boxed into the interface expr takes was a heap
// copy of the whole environment for every condition, and the collector's
// work on those cost more than expr's slower look-up through a pointer.
var machines = sync.Pool{New: func() any { return &vm.VM{} }}

func (c *Clause) holds(env *Env) bool {
	if c.test != nil {
		return c.test(*env)
	}
	if c.program == nil {
		return true
	}
	m := machines.Get().(*vm.VM)
	out, err := m.Run(c.program, env)
	machines.Put(m)
	return err == nil && out.(bool)
}
