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
	"sort"
	"strings"
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
const BuiltinVersion = "2026.11.1"

// Pack is the rules of one regime (a law, or an organisation's own policy).
type Pack struct {
	Regime    string `yaml:"regime"`
	Title     string `yaml:"title"`
	Regulator string `yaml:"regulator"`
	// Always makes an organisation's own pack apply whatever laws apply.
	Always bool   `yaml:"always"`
	Source string `yaml:"source"`
	Rules  []Rule `yaml:"rules"`
}

// Rule decides one obligation: whether to tell one audience, by when, why,
// with which exceptions and what the notice must contain.
type Rule struct {
	ID        string    `yaml:"id"`
	Audience  string    `yaml:"audience"`
	Recipient string    `yaml:"recipient"`
	Citation  string    `yaml:"citation"`
	Quote     string    `yaml:"quote"`
	Effective string    `yaml:"effective"`
	Reads     []string  `yaml:"reads"`
	When      []Clause  `yaml:"when"`
	IfUnknown string    `yaml:"if_unknown"` // undetermined (default) or cautious
	Cautious  string    `yaml:"cautious_reason"`
	Deadline  Deadline  `yaml:"deadline"`
	Except    []Clause  `yaml:"exceptions"`
	Content   []string  `yaml:"content"`
	effective time.Time `yaml:"-"`
}

// Clause is a condition with what follows when it holds. A clause with no
// condition always holds.
type Clause struct {
	If       string `yaml:"if"`
	Decision string `yaml:"decision"`
	Reason   string `yaml:"reason"`
	Text     string `yaml:"text"`
	program  *vm.Program
}

// Deadline is when an obligation is due: Hours after awareness gives a
// timestamp; TargetHours is the organisation's own target for "as soon as
// practicable", shown as such.
type Deadline struct {
	Rule        string `yaml:"rule"`
	Hours       int    `yaml:"hours"`
	TargetHours int    `yaml:"target_hours"`
}

var audiences = map[string]bool{"regulator": true, "individuals": true, "public": true, "record": true}
var decisions = map[string]bool{"required": true, "not_required": true, "recommended": true, "undetermined": true}

// Rules is a loaded, compiled set of packs.
type Rules struct {
	Packs   []*Pack
	Version string
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
		p, err := parsePack(b)
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

func parsePack(b []byte) (*Pack, error) {
	var p Pack
	if len(b) > maxPackBytes {
		return nil, fmt.Errorf("the pack is larger than %d MB", maxPackBytes>>20)
	}
	if _, err := yamlbound.Parse(b, yamlbound.Default); err != nil {
		return nil, errors.New(fault.MessageOf(err))
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
		rl := &p.Rules[i]
		where := "rule " + rl.ID
		switch {
		case rl.ID == "":
			return nil, fmt.Errorf("rule %d has no id", i+1)
		case !audiences[rl.Audience]:
			return nil, fmt.Errorf("%s: audience must be regulator, individuals, public or record", where)
		case rl.Citation == "" || rl.Quote == "" || rl.Effective == "":
			return nil, fmt.Errorf("%s: citation, quote and effective date are required", where)
		case len(rl.When) == 0 || rl.When[len(rl.When)-1].If != "":
			return nil, fmt.Errorf("%s: 'when' must end with a clause without a condition", where)
		case rl.IfUnknown != "" && rl.IfUnknown != "undetermined" && rl.IfUnknown != "cautious":
			return nil, fmt.Errorf("%s: if_unknown must be undetermined or cautious", where)
		}
		t, err := time.Parse("2006-01-02", rl.Effective)
		if err != nil {
			return nil, fmt.Errorf("%s: effective must be a date like 2020-12-01", where)
		}
		rl.effective = t
		for k := range rl.When {
			if !decisions[rl.When[k].Decision] {
				return nil, fmt.Errorf("%s: decision %q is not one of required, not_required, recommended, undetermined", where, rl.When[k].Decision)
			}
			if err := compile(&rl.When[k]); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
		for k := range rl.Except {
			if err := compile(&rl.Except[k]); err != nil {
				return nil, fmt.Errorf("%s exception: %w", where, err)
			}
		}
	}
	return &p, nil
}

func compile(c *Clause) error {
	if c.If == "" {
		return nil
	}
	prog, err := expr.Compile(c.If, expr.Env(Env{}), expr.AsBool())
	if err != nil {
		return fmt.Errorf("condition %q: %w", c.If, err)
	}
	c.program = prog
	return nil
}

func (c *Clause) holds(env Env) bool {
	if c.program == nil {
		return true
	}
	out, err := vm.Run(c.program, env)
	return err == nil && out.(bool)
}
