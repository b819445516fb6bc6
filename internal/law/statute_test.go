package law

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/spec"
)

// The facts schema's regime ids are exactly the built-in packs'.
func TestFactsSchemaNamesEveryRegime(t *testing.T) {
	var s struct {
		Defs struct {
			Regime struct {
				Enum []string `json:"enum"`
			} `json:"regime"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(spec.FactsSchema, &s); err != nil {
		t.Fatal(err)
	}
	var packs []string
	for _, p := range mustRules(t).Packs {
		packs = append(packs, p.Regime)
	}
	enum := slices.Clone(s.Defs.Regime.Enum)
	sort.Strings(enum)
	sort.Strings(packs)
	if !slices.Equal(enum, packs) {
		t.Fatalf("spec/facts.schema.json $defs.regime lists\n%v\nbut the packs are\n%v", enum, packs)
	}
}

// A profile is checked as strictly as a pack: unknown fields, elements,
// triggers and effects are refused with what is wrong.
func TestStatuteProfilesAreChecked(t *testing.T) {
	base := "regime: us_zz\nname: Z\nplaces: [US-CA]\nlaw: Z Code\nlast_checked: 2026-11-29\npersonal_information: {citation: s 1, with_name: [ssn]}\nbreach: {trigger: acquisition}\nindividuals: {citation: s 2, quote: q, effective: 2020-01-01}\n"
	if _, err := parseStateLaw([]byte(base)); err != nil {
		t.Fatalf("a minimal profile: %v", err)
	}
	for bad, want := range map[string]string{
		strings.Replace(base, "[ssn]", "[shoe_size]", 1):             "unknown element",
		strings.Replace(base, "acquisition", "glance", 1):            "trigger",
		base + "colour: red\n":                                       "colour",
		strings.Replace(base, "last_checked: 2026-11-29\n", "", 1):   "last_checked",
		base + "exemptions: [{law: us_hipaa, effect: maybe}]\n":      "effect",
		base + "regulators: [{id: ag, more_than: 5, at_least: 5}]\n": "not both",
	} {
		if _, err := parseStateLaw([]byte(bad)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want an error about %q, got %v", want, err)
		}
	}
	s, err := parseStateLaw([]byte(base + "regulators: [{id: ag, who: the AG, citation: s 3, effective: 2020-01-01}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.compile(); err == nil || !strings.Contains(err.Error(), "quote") {
		t.Fatalf("a rule without the law's words must fail to compile: %v", err)
	}
}
