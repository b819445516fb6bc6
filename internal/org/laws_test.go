package org

import (
	"testing"

	"github.com/breachdesk/breachdesk/internal/law"
)

// TestLawsAreTheEnginesRegimes: an organisation can declare every
// built-in regime and nothing else.
func TestLawsAreTheEnginesRegimes(t *testing.T) {
	rules, err := law.Load("")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, l := range Laws {
		if listed[l.ID] {
			t.Errorf("%s is listed twice", l.ID)
		}
		listed[l.ID] = true
		if rules.Pack(l.ID) == nil {
			t.Errorf("%s is offered but no pack has it", l.ID)
		}
		if l.Label == "" || l.Group == "" {
			t.Errorf("%s has no label or group", l.ID)
		}
	}
	for _, p := range rules.Packs {
		if !listed[p.Regime] {
			t.Errorf("%s cannot be declared", p.Regime)
		}
	}
	n := 0
	for _, g := range LawGroups() {
		n += len(g.Laws)
	}
	if n != len(Laws) || len(LawGroups()) != 8 {
		t.Fatalf("%d groups, %d laws", len(LawGroups()), n)
	}
}
