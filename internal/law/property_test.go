package law

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
	"github.com/breachdesk/breachdesk/internal/harm"
)

var yes = true

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

// randomFacts draws a facts document over the fields the engine reads,
// version 1.1 fields included.
func randomFacts(r *rand.Rand) *facts.Facts {
	f := &facts.Facts{Schema: facts.Schema, Timeline: facts.Timeline{DiscoveredAt: aware.Add(time.Duration(r.Intn(10000)) * time.Hour)}}
	if r.Intn(3) == 0 {
		t := f.Timeline.DiscoveredAt.Add(-time.Duration(r.Intn(200)) * time.Hour)
		f.Timeline.OughtToHaveKnownAt = &t
	}
	if r.Intn(3) == 0 {
		t := f.Timeline.DiscoveredAt.Add(-time.Duration(r.Intn(300)) * time.Hour)
		f.Timeline.FirstAlertAt = &t
	}
	f.Organisation = &facts.Organisation{SubjectTo: []string{"nz_privacy_act", "au_ndb", "vic_pdp", "eu_gdpr", "uk_gdpr"}, GDPRRole: pick(r, "", "controller", "processor"), VicPublicSector: maybeBool(r)}
	f.Cause = pick(r, "", "human_error", "system_fault", "theft_or_loss", "unknown")
	f.Method = pick(r, "", "misdirected_email", "lost_device", "stolen_device", "hacking", "ransomware", "unintended_publication", "exposed_email_recipients", "failure_to_redact", "system_misconfiguration")
	all := []string{"name", "contact", "address", "date_of_birth", "health", "payment_card", "credentials", "family_violence", "location", "tax_file_number", "income", "education"}
	if r.Intn(4) > 0 {
		f.Data = &facts.Data{AlreadyPublic: maybeBool(r), Sensitive: maybeBool(r)}
		for _, c := range all {
			if r.Intn(4) == 0 {
				f.Data.Categories = append(f.Data.Categories, c)
			}
		}
	}
	if r.Intn(3) > 0 {
		f.Effects = &facts.Effects{Confidentiality: pick(r, "", "yes", "no", "unknown"), Exfiltrated: pick(r, "", "yes", "no", "unknown"),
			Integrity: pick(r, "", "yes", "no"), Availability: pick(r, "", "none", "temporary", "permanent", "unknown"),
			AvailabilityCriticality: pick(r, "", "low", "moderate", "critical")}
		if r.Intn(2) == 0 {
			h := float64(r.Intn(200))
			f.Effects.AvailabilityHours = &h
		}
		if r.Intn(3) == 0 {
			l := 1 + r.Intn(5)
			f.Effects.BusinessImpactLevel = &l
		}
	}
	if r.Intn(3) > 0 {
		f.Recipient = &facts.Recipient{Kind: pick(r, "", "none", "unknown", "public", "malicious_actor", "trusted_recipient", "employee", "individual", "other_organisation"),
			Relation:          pick(r, "", "colleague", "professional_confidence", "family_or_partner", "alleged_perpetrator", "stranger", "malicious_actor", "public"),
			DeletionAssurance: pick(r, "", "assured", "their_word", "refused", "unknown"),
			Accessed:          pick(r, "", "yes", "no", "unknown"), ConfirmedDeleted: maybeBool(r), Repeated: maybeBool(r)}
		if r.Intn(2) == 0 {
			n := int64(r.Intn(2000))
			f.Recipient.Count = &n
		}
	}
	f.People = &facts.People{Vulnerable: maybeBool(r), AlreadyAware: maybeBool(r)}
	if r.Intn(3) == 0 {
		n := int64(r.Intn(20000))
		f.People.Count = &n
	}
	f.Exposure = &facts.Exposure{PubliclyAvailable: maybeBool(r)}
	f.Remediation = &facts.Remediation{Recovered: maybeBool(r), PreventsSeriousHarm: maybeBool(r)}
	f.NotificationConstraints = &facts.NotificationConstraints{LawEnforcementDelay: maybeBool(r), WouldCauseMoreHarm: maybeBool(r), ContactDetailsAvailable: maybeBool(r),
		OtherDelay: pick(r, "", "national_security", "regulator_instruction")}
	if r.Intn(3) == 0 {
		f.Harms = []facts.Harm{{Type: "identity_theft", Likelihood: pick(r, "remote", "possible", "likely"), Impact: pick(r, "minimal", "serious", "severe")}}
	}
	if r.Intn(4) == 0 {
		f.Entities = []facts.Entity{{Name: "Provider", Notifies: maybeBool(r), Notified: maybeBool(r)}}
	}
	if r.Intn(4) == 0 {
		f.Protection = &facts.Protection{PasswordsHashed: pick(r, "", "none", "weak", "strong_salted"), BackupAvailable: maybeBool(r), Restored: maybeBool(r), RestoredFrom: pick(r, "", "backup", "other")}
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

// Adding strong protection (encryption with an uncompromised key, or
// strongly hashed passwords) never raises any decision: no obligation
// becomes more demanding.
func TestPropertyStrongProtectionNeverRaisesADecision(t *testing.T) {
	rules := mustRules(t)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		f := randomFacts(r)
		before := decisionsOf(rules.Assess(f, Options{At: aware}))
		g := *f
		p := facts.Protection{}
		if f.Protection != nil {
			p = *f.Protection
		}
		if i%2 == 0 {
			p.Encrypted, p.KeyCompromised = &yes, new(bool)
		} else {
			p.PasswordsHashed = "strong_salted"
		}
		g.Protection = &p
		after := decisionsOf(rules.Assess(&g, Options{At: aware}))
		for rule, d := range after {
			if strength[d] > strength[before[rule]] {
				t.Fatalf("case %d: protection raised %s from %s to %s", i, rule, before[rule], d)
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

// No deadline or target precedes the moment of awareness: when the
// organisation became aware, or ought to have, or (for an assessment of a
// suspected breach) first had grounds to suspect one.
func TestPropertyDeadlinesNeverPrecedeAwareness(t *testing.T) {
	rules := mustRules(t)
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 2000; i++ {
		f := randomFacts(r)
		earliest := f.Timeline.DiscoveredAt
		for _, t := range []*time.Time{f.Timeline.OughtToHaveKnownAt, f.Timeline.FirstAlertAt} {
			if t != nil && t.Before(earliest) {
				earliest = *t
			}
		}
		a := rules.Assess(f, Options{At: aware, TargetHours: r.Intn(100)})
		for _, o := range a.Obligations {
			start, ok := rules.Clock(o.Rule, f)
			if !ok || start.Before(earliest) {
				t.Fatalf("case %d: %s clock %v before any awareness %v", i, o.Rule, start, earliest)
			}
			for _, t0 := range []*time.Time{o.Due, o.Target} {
				if t0 != nil && t0.Before(start) {
					t.Fatalf("case %d: %s due %v before awareness %v", i, o.Rule, t0, start)
				}
			}
		}
	}
}

// Every obligation is decided (required, not required or recommended)
// once anything is known about the breach, with a citation and reasons.
func TestPropertyEveryAudienceIsDecided(t *testing.T) {
	rules := mustRules(t)
	r := rand.New(rand.NewSource(6))
	for i := 0; i < 2000; i++ {
		f := randomFacts(r)
		for _, o := range rules.Assess(f, Options{At: aware}).Obligations {
			if o.Decision == "undetermined" {
				t.Fatalf("case %d: %s undetermined: %v", i, o.Rule, o.Reasons)
			}
			if o.Citation == "" || len(o.Reasons) == 0 || o.Label == "" {
				t.Fatalf("case %d: %s lacks a citation, reasons or a label", i, o.Rule)
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

// The probes for flips re-decide only the rules that read a field the
// other value changed; they find exactly the flips deciding every rule
// finds (so a rule's declared reads, stateReads included, are complete).
func TestPropertyPrunedProbesFindEveryFlip(t *testing.T) {
	rules := mustRules(t)
	r := rand.New(rand.NewSource(11))
	for i := 0; i < 1500; i++ {
		f := randomFacts(r)
		pruneProbes = true
		pruned := rules.Assess(f, Options{At: aware})
		pruneProbes = false
		full := rules.Assess(f, Options{At: aware})
		pruneProbes = true
		for k := range full.Obligations {
			a, b := pruned.Obligations[k], full.Obligations[k]
			if !reflect.DeepEqual(a.Flips, b.Flips) || a.Decision != b.Decision {
				t.Fatalf("case %d: %s: pruned flips %+v, full %+v", i, a.Rule, a.Flips, b.Flips)
			}
		}
	}
}

// Every built-in rule says what it reads, so no probe decides it in vain.
func TestEveryRuleKnowsWhatItReads(t *testing.T) {
	for _, p := range mustRules(t).Packs {
		for _, rl := range p.Rules {
			if rl.reads == allFields || rl.reads&entityReads != entityReads {
				t.Errorf("%s reads %b", rl.ID, rl.reads)
			}
		}
	}
}
