package law

import (
	"math/rand"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.Intn(len(xs))] }

func maybeBool(r *rand.Rand) *bool {
	switch r.Intn(3) {
	case 0:
		return nil
	case 1:
		return &yes
	}
	f := false
	return &f
}

// randomFacts draws a facts document over the fields the engine reads.
func randomFacts(r *rand.Rand) *facts.Facts {
	f := &facts.Facts{Schema: facts.Schema, Timeline: facts.Timeline{DiscoveredAt: aware.Add(time.Duration(r.Intn(10000)) * time.Hour)}}
	f.Organisation = &facts.Organisation{SubjectTo: []string{"nz_privacy_act", "au_ndb", "vic_pdp", "eu_gdpr", "uk_gdpr"}, GDPRRole: pick(r, "", "controller", "processor")}
	f.Cause = pick(r, "", "human_error", "system_fault", "theft_or_loss", "unknown")
	f.Method = pick(r, "", "misdirected_email", "lost_device", "hacking", "unintended_publication")
	all := []string{"name", "contact", "address", "date_of_birth", "health", "payment_card", "credentials", "family_violence", "location", "tax_file_number"}
	if r.Intn(4) > 0 {
		f.Data = &facts.Data{}
		for _, c := range all {
			if r.Intn(4) == 0 {
				f.Data.Categories = append(f.Data.Categories, c)
			}
		}
	}
	if r.Intn(3) > 0 {
		f.Effects = &facts.Effects{Confidentiality: pick(r, "", "yes", "no", "unknown"), Exfiltrated: pick(r, "", "yes", "no", "unknown"),
			Integrity: pick(r, "", "yes", "no"), Availability: pick(r, "", "none", "temporary", "permanent")}
	}
	if r.Intn(3) > 0 {
		f.Recipient = &facts.Recipient{Kind: pick(r, "", "none", "unknown", "public", "malicious_actor", "trusted_recipient", "employee", "individual"),
			Accessed: pick(r, "", "yes", "no", "unknown"), ConfirmedDeleted: maybeBool(r)}
	}
	f.People = &facts.People{Vulnerable: maybeBool(r)}
	f.Exposure = &facts.Exposure{PubliclyAvailable: maybeBool(r)}
	f.Remediation = &facts.Remediation{Recovered: maybeBool(r), PreventsSeriousHarm: maybeBool(r)}
	f.NotificationConstraints = &facts.NotificationConstraints{LawEnforcementDelay: maybeBool(r), WouldCauseMoreHarm: maybeBool(r), ContactDetailsAvailable: maybeBool(r)}
	if r.Intn(3) == 0 {
		f.Harms = []facts.Harm{{Type: "identity_theft", Likelihood: pick(r, "remote", "possible", "likely"), Impact: pick(r, "minimal", "serious", "severe")}}
	}
	return f
}

func decisionsOf(a Assessment) map[string]string {
	m := map[string]string{}
	for _, o := range a.Obligations {
		m[o.Rule] = o.Decision
	}
	return m
}

// Adding strong encryption with an uncompromised key never raises any
// decision: no obligation becomes more demanding.
func TestPropertyEncryptionNeverRaisesADecision(t *testing.T) {
	rules := mustRules(t)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		f := randomFacts(r)
		f.Protection = nil
		before := decisionsOf(rules.Assess(f, Options{At: aware}))
		g := *f
		g.Protection = &facts.Protection{Encrypted: &yes, KeyCompromised: new(bool)}
		after := decisionsOf(rules.Assess(&g, Options{At: aware}))
		for rule, d := range after {
			if strength[d] > strength[before[rule]] {
				t.Fatalf("case %d: encryption raised %s from %s to %s", i, rule, before[rule], d)
			}
		}
	}
}

// A malicious cause never lowers the harm level.
func TestPropertyMaliceNeverLowersHarm(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 3000; i++ {
		f := randomFacts(r)
		before := harm.Assess(f).Level
		g := *f
		g.Cause = pick(r, "malicious_external", "malicious_internal")
		if after := harm.Assess(&g).Level; after < before {
			t.Fatalf("case %d: malice lowered the level from %s to %s", i, before, after)
		}
	}
}

// No deadline or target precedes the moment of awareness.
func TestPropertyDeadlinesNeverPrecedeAwareness(t *testing.T) {
	rules := mustRules(t)
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 2000; i++ {
		f := randomFacts(r)
		a := rules.Assess(f, Options{At: aware, TargetHours: r.Intn(100)})
		for _, o := range a.Obligations {
			for _, t0 := range []*time.Time{o.Due, o.Target} {
				if t0 != nil && t0.Before(f.Timeline.DiscoveredAt) {
					t.Fatalf("case %d: %s due %v before awareness %v", i, o.Rule, t0, f.Timeline.DiscoveredAt)
				}
			}
		}
	}
}

func BenchmarkAssessOneIncidentAllRegimes(b *testing.B) {
	rules := mustRules(b)
	f := parse(b, "organisation: {subject_to: [nz_privacy_act, au_ndb, vic_pdp, eu_gdpr, uk_gdpr]}\ncause: unknown\ndata: {categories: [name, health]}\nrecipient: {kind: unknown, accessed: unknown}\n")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rules.Assess(f, Options{At: aware})
	}
}

func BenchmarkAssess10000Incidents(b *testing.B) {
	rules := mustRules(b)
	r := rand.New(rand.NewSource(4))
	fs := make([]*facts.Facts, 10000)
	for i := range fs {
		fs[i] = randomFacts(r)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range fs {
			rules.Assess(f, Options{At: aware})
		}
	}
}
