package law

import (
	"strings"
	"testing"
)

func TestEveryBuiltInRegimeHasAShortName(t *testing.T) {
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, p := range r.Packs {
		s := ShortName(p.Regime)
		if s == p.Regime || s == "" {
			t.Errorf("%s has no short name", p.Regime)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("%s and %s share the short name %q", other, p.Regime, s)
		}
		seen[s] = p.Regime
		if strings.HasPrefix(p.Regime, "us_") && len(p.Regime) == 5 && !strings.HasPrefix(s, "US-") {
			t.Errorf("%s: %q", p.Regime, s)
		}
	}
	for id := range shortNames {
		if r.Pack(id) == nil {
			t.Errorf("short name for %s, which no pack has", id)
		}
	}
}
