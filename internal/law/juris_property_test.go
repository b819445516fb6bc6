package law

import (
	"math/rand"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// placesOf lists every place some pack protects, for random facts.
func placesOf(rules *Rules) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range rules.Packs {
		for _, pl := range p.Places {
			if !seen[pl] {
				seen[pl] = true
				out = append(out, pl)
			}
		}
	}
	return append(out, "US", "CA", "EU", "ZA")
}

// randomWorld draws facts as randomFacts does, with people spread over
// random places and the laws either all named or inferred.
func randomWorld(r *rand.Rand, rules *Rules, places []string) *facts.Facts {
	f := randomFacts(r)
	var all []string
	for _, p := range rules.Packs {
		all = append(all, p.Regime)
	}
	switch r.Intn(3) {
	case 0:
		f.Organisation.SubjectTo = nil
	case 1:
		f.Organisation.SubjectTo = all
	}
	cats := []string{"name", "government_id", "driver_licence", "financial_account", "payment_card", "security_code", "credentials", "health", "health_insurance", "biometric", "date_of_birth", "passport"}
	if f.Data != nil && r.Intn(2) == 0 {
		for _, c := range cats {
			if r.Intn(3) == 0 {
				f.Data.Categories = append(f.Data.Categories, c)
			}
		}
	}
	if r.Intn(4) > 0 {
		f.People.ByJurisdiction = map[string]int64{}
		var total int64
		for i := r.Intn(12); i >= 0; i-- {
			n := int64(r.Intn(3000))
			f.People.ByJurisdiction[places[r.Intn(len(places))]] += n
			total += n
		}
		if r.Intn(2) == 0 {
			total += int64(r.Intn(100))
			f.People.Count = &total
		}
	}
	f.Method = pick(r, f.Method, "stolen_paper", "stolen_device", "ransomware", "misdirected_email")
	return f
}

// Across every pack: data encrypted with a key that was not compromised
// never creates a duty where the law gives an encryption safe harbour.
func TestPropertyEncryptionSafeHarbourEveryPack(t *testing.T) {
	rules := mustRules(t)
	harbours := map[string]bool{}
	for _, p := range rules.Packs {
		for _, rl := range p.Rules {
			if rl.SafeHarbour == "encryption" {
				harbours[rl.ID] = true
			}
		}
	}
	if len(harbours) == 0 {
		t.Fatal("no rule declares an encryption safe harbour")
	}
	places := placesOf(rules)
	r := rand.New(rand.NewSource(11))
	for i := 0; i < 1500; i++ {
		f := randomWorld(r, rules, places)
		f.Protection = &facts.Protection{Encrypted: &yes, KeyCompromised: new(bool)}
		for _, o := range rules.Assess(f, Options{At: aware}).Obligations {
			if harbours[o.Rule] && o.Decision != "not_required" {
				t.Fatalf("case %d: %s is %s for encrypted data with an uncompromised key: %v", i, o.Rule, o.Decision, o.Reasons)
			}
		}
	}
}

// Across every pack: no deadline precedes awareness, every obligation has
// a citation and reasons, and every pack of a law says when it was last
// checked.
func TestPropertyEveryObligationCitedAndAfterAwareness(t *testing.T) {
	rules := mustRules(t)
	places := placesOf(rules)
	r := rand.New(rand.NewSource(12))
	for i := 0; i < 1500; i++ {
		f := randomWorld(r, rules, places)
		a := rules.Assess(f, Options{At: aware, TargetHours: r.Intn(100)})
		for _, o := range a.Obligations {
			start, _ := rules.Clock(o.Rule, f) // awareness, or when it ought to have been
			for _, t0 := range []*time.Time{o.Due, o.Target} {
				if t0 != nil && t0.Before(start) {
					t.Fatalf("case %d: %s due %v before awareness %v", i, o.Rule, t0, start)
				}
			}
			if o.Citation == "" || len(o.Reasons) == 0 {
				t.Fatalf("case %d: %s has no citation or reasons", i, o.Rule)
			}
		}
	}
	for _, p := range rules.Packs {
		if p.Family == "" || p.LastChecked == "" || p.Quality == "" {
			t.Errorf("%s: every built-in pack says its family, when it was last checked and its sources' quality", p.Regime)
		}
	}
}
