package harm

import (
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/facts"
)

func parse(t *testing.T, doc string) *facts.Facts {
	t.Helper()
	f, err := facts.Parse([]byte("schema: breachdesk/facts/v1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\n" + doc))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEveryLevelSaysWhy(t *testing.T) {
	for _, c := range []struct {
		doc, level string
		because    []string
	}{
		{"effects: {confidentiality: \"no\", integrity: \"no\", availability: none}\n", "none", []string{"No loss"}},
		{"data: {categories: [contact]}\nrecipient: {kind: trusted_recipient}\n", "low", []string{"trusted recipient", "DPC 1"}},
		{"data: {categories: [name, payment_card]}\nrecipient: {kind: malicious_actor}\ncause: malicious_external\n", "very_high", []string{"means harm", "malicious intent 0.5"}},
		{"data: {categories: [name, health]}\nrecipient: {kind: public}\nprotection: {encrypted: true, key_compromised: false}\n", "low", []string{"unintelligible", "EI 0.25"}},
		{"data: {categories: [contact]}\nrecipient: {kind: individual}\ndanger: {physical: true}\n", "high", []string{"immediate danger"}},
		{"data: {categories: [contact]}\nrecipient: {kind: individual}\npeople: {vulnerable: true}\n", "medium", []string{"vulnerable"}},
	} {
		a := Assess(parse(t, c.doc))
		why := strings.Join(append(a.Reasons, a.ENISA.Reasons...), " | ")
		if a.Level.String() != c.level {
			t.Errorf("%q: level %s, want %s (%s)", c.doc, a.Level, c.level, why)
		}
		for _, b := range c.because {
			if !strings.Contains(why, b) {
				t.Errorf("%q: reasons lack %q: %s", c.doc, b, why)
			}
		}
	}
}
