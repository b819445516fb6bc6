package law

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/facts"
)

var aware = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func mustRules(t testing.TB) *Rules {
	t.Helper()
	r, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func parse(t testing.TB, doc string) *facts.Facts {
	t.Helper()
	f, err := facts.Parse([]byte("schema: breachdesk/facts/v1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\n" + doc))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func find(a Assessment, rule string) *Obligation {
	for i := range a.Obligations {
		if a.Obligations[i].Rule == rule {
			return &a.Obligations[i]
		}
	}
	return nil
}

// The worked examples of the seed documents and the regulators' examples
// in shared/legal, each with the decisions the source reaches.
var cases = []struct {
	source string
	facts  string
	want   map[string]string // rule id -> decision
	level  string
}{
	{"seed 001: university emails a spreadsheet of other students' sensitive information to a group of students",
		`organisation: {subject_to: [vic_pdp]}
cause: human_error
method: misdirected_email
data: {categories: [name, date_of_birth, education, health]}
people: {count: 312, groups: [students]}
recipient: {kind: individual, relationship: a group of other students, accessed: unknown}`,
		map[string]string{"vic.individuals": "recommended", "vic.ovic": "recommended"}, "very_high"},
	{"seed 001: family-violence client database publicly accessible for two weeks, access unknown",
		`organisation: {subject_to: [vic_pdp, nz_privacy_act]}
cause: system_fault
method: system_misconfiguration
data: {categories: [name, address, family_violence]}
people: {vulnerable: true, groups: [clients]}
exposure: {publicly_available: true, hours: 336}
recipient: {kind: public, accessed: unknown}`,
		map[string]string{"vic.individuals": "recommended", "nz.commissioner": "required", "nz.individuals": "required"}, "very_high"},
	{"seed 001: council bag lost on premises, recovered an hour later with no unauthorised access",
		`organisation: {subject_to: [vic_pdp, nz_privacy_act]}
cause: theft_or_loss
method: lost_paper
data: {categories: [name, address]}
people: {count: 1, vulnerable: false}
recipient: {kind: employee, accessed: "no"}
remediation: {recovered: true}`,
		map[string]string{"vic.individuals": "not_required", "vic.ovic": "not_required", "nz.commissioner": "not_required"}, "low"},
	{"seed 003: retailer's website skimmed card details (option 2: notify those at risk)",
		`organisation: {subject_to: [au_ndb]}
cause: malicious_external
method: malware
data: {categories: [name, contact, payment_card]}
people: {vulnerable: false}
recipient: {kind: malicious_actor, accessed: "yes"}
notification_constraints: {contact_details_available: true}`,
		map[string]string{"au.assess": "required", "au.commissioner": "required", "au.individuals": "required", "au.public": "not_required"}, "very_high"},
	{"seed 003: storage provider burgled; the medical practice has agreed to notify, not yet confirmed (s 26WM)",
		`organisation: {subject_to: [au_ndb]}
cause: malicious_external
method: stolen_paper
data: {categories: [name, health]}
people: {vulnerable: false}
recipient: {kind: malicious_actor}
entities: [{name: Medical practice, relationship: client of the storage provider, notifies: true}]
notification_constraints: {contact_details_available: true}`,
		map[string]string{"au.commissioner": "required", "au.individuals": "required"}, "very_high"},
	{"legal s 13 (OAIC via Dundas): laptop left in a taxi, access disabled at once",
		`organisation: {subject_to: [au_ndb]}
cause: theft_or_loss
method: lost_device
data: {categories: [name, employment, financial_account]}
people: {vulnerable: false}
recipient: {kind: unknown}
remediation: {prevents_serious_harm: true}`,
		map[string]string{"au.commissioner": "not_required", "au.individuals": "not_required", "au.assess": "required"}, ""},
	{"legal s 12 (practitioner): encrypted laptop lost and wiped within minutes",
		`organisation: {subject_to: [nz_privacy_act, eu_gdpr]}
cause: theft_or_loss
method: lost_device
data: {categories: [name, contact, health]}
people: {vulnerable: false}
protection: {encrypted: true, key_compromised: false}
recipient: {kind: unknown, accessed: unknown}`,
		map[string]string{"nz.commissioner": "not_required", "eu.data_subjects": "not_required", "eu.authority": "not_required", "eu.record": "required"}, "low"},
	{"legal s 12 (practitioner): spreadsheet of beneficiaries' contact details and benefit amounts emailed to the wrong external party",
		`organisation: {subject_to: [nz_privacy_act]}
cause: human_error
method: misdirected_email
data: {categories: [name, contact, income, financial_account]}
people: {count: 900, vulnerable: true}
recipient: {kind: other_organisation, accessed: "yes"}`,
		map[string]string{"nz.commissioner": "required", "nz.individuals": "required"}, "medium"},
	{"GDPR art 33(2): a processor tells the controller, not the authority",
		`organisation: {subject_to: [eu_gdpr], gdpr_role: processor}
cause: malicious_external
data: {categories: [name, contact]}
recipient: {kind: malicious_actor}`,
		map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required", "eu.record": "required"}, ""},
	{"GDPR art 34(3)(c): high risk but no contact details, so a public communication",
		`organisation: {subject_to: [uk_gdpr]}
cause: malicious_external
data: {categories: [name, health]}
people: {vulnerable: false}
recipient: {kind: malicious_actor}
notification_constraints: {contact_details_available: false}`,
		map[string]string{"uk.authority": "required", "uk.data_subjects": "required", "uk.public": "required"}, "very_high"},
}

func TestWorkedExamples(t *testing.T) {
	r := mustRules(t)
	for _, c := range cases {
		t.Run(c.source, func(t *testing.T) {
			a := r.Assess(parse(t, c.facts), Options{At: aware.Add(time.Hour)})
			if c.level != "" && a.Harm.Level != c.level {
				t.Errorf("harm level %s, want %s; reasons: %s", a.Harm.Level, c.level, strings.Join(a.Harm.Reasons, " | "))
			}
			for rule, want := range c.want {
				ob := find(a, rule)
				if ob == nil {
					t.Errorf("%s: no obligation", rule)
					continue
				}
				if ob.Decision != want {
					t.Errorf("%s: %s, want %s; reasons: %s; missing: %v", rule, ob.Decision, want, strings.Join(ob.Reasons, " | "), ob.MissingFacts)
				}
				if ob.Citation == "" || len(ob.Reasons) == 0 {
					t.Errorf("%s: no citation or reasons", rule)
				}
			}
		})
	}
}

func TestMissingFactsAndCaution(t *testing.T) {
	r := mustRules(t)
	a := r.Assess(parse(t, "organisation: {subject_to: [nz_privacy_act, eu_gdpr]}\n"), Options{At: aware})
	nz := find(a, "nz.commissioner")
	if nz.Decision != "undetermined" || !contains(nz.MissingFacts, "data.categories") {
		t.Fatalf("NZ with nothing known: %s %v", nz.Decision, nz.MissingFacts)
	}
	eu := find(a, "eu.authority")
	if eu.Decision != "required" || len(eu.MissingFacts) == 0 || !strings.Contains(strings.Join(eu.Reasons, " "), "notify") {
		t.Fatalf("GDPR art 33 is cautious when in doubt: %s %v", eu.Decision, eu.Reasons)
	}
	if rec := find(a, "eu.record"); rec.Decision != "required" || len(rec.MissingFacts) != 0 {
		t.Fatalf("art 33(5) is always required: %+v", rec)
	}
}

func TestDeadlines(t *testing.T) {
	r := mustRules(t)
	f := parse(t, "organisation: {subject_to: [eu_gdpr, au_ndb, nz_privacy_act]}\ncause: malicious_external\ndata: {categories: [name, health]}\npeople: {vulnerable: false}\nrecipient: {kind: malicious_actor}\nnotification_constraints: {contact_details_available: true}\n")
	a := r.Assess(f, Options{At: aware.Add(73 * time.Hour), TargetHours: 48})
	eu := find(a, "eu.authority")
	if eu.Due == nil || !eu.Due.Equal(aware.Add(72*time.Hour)) || !eu.Overdue {
		t.Fatalf("GDPR due 72 h after awareness and overdue at 73 h: %+v", eu)
	}
	nz := find(a, "nz.commissioner")
	if nz.Due != nil || nz.Target == nil || !nz.Target.Equal(aware.Add(48*time.Hour)) || !strings.Contains(nz.DueRule, "Internal target") {
		t.Fatalf("'as soon as practicable' has no due time but the organisation's target: %+v", nz)
	}
	if as := find(a, "au.assess"); as.Due == nil || !as.Due.Equal(aware.Add(30*24*time.Hour)) || as.Overdue {
		t.Fatalf("AU 30-day assessment: %+v", as)
	}
	if notReq := find(a, "au.public"); notReq.Due != nil || notReq.Target != nil {
		t.Fatal("an obligation that is not required has no deadline")
	}
}

func TestApplicability(t *testing.T) {
	r := mustRules(t)
	a := r.Assess(parse(t, "people: {by_jurisdiction: {NZ: 10, FR: 3, AU-VIC: 2, US-CA: 4}}\n"), Options{At: aware})
	var got []string
	for _, g := range a.Regimes {
		got = append(got, g.Regime)
		if !strings.Contains(g.Reason, "Inferred") {
			t.Errorf("%s: reason should say it was inferred: %s", g.Regime, g.Reason)
		}
	}
	if strings.Join(got, ",") != "au_ndb,eu_gdpr,nz_privacy_act,us_ca" {
		t.Fatalf("inferred regimes %v", got)
	}
	a = r.Assess(parse(t, "organisation: {subject_to: [vic_pdp], is_tfn_recipient: true}\ndata: {categories: [name, tax_file_number]}\n"), Options{At: aware})
	if len(a.Regimes) != 2 || a.Regimes[1].Regime != "au_ndb" || !strings.Contains(a.Regimes[1].Reason, "tax file number") {
		t.Fatalf("Victorian TFN recipient: %+v", a.Regimes)
	}
	a = r.Assess(parse(t, "data: {categories: [name]}\n"), Options{At: aware})
	shown := 0 // every regime that turns neither on residence nor on a sector
	for _, p := range r.Packs {
		if !p.ResidentsOnly && p.Sectoral == "" && !p.Always {
			shown++
		}
	}
	if len(a.Regimes) != shown || shown < 5 || !contains(a.Obligations[0].MissingFacts, "organisation.subject_to") {
		t.Fatalf("nothing known about the laws: %+v", a.Regimes)
	}
}

// A law that commenced after a breach was over imposes nothing on it, and
// says so for every audience; one that commenced while the breach went on
// applies from its commencement, with its clock starting then.
func TestCommencementDuringABreach(t *testing.T) {
	r := mustRules(t)
	doc := "organisation: {subject_to: [eu_gdpr]}\ncause: theft_or_loss\nmethod: lost_paper\ndata: {categories: [name, government_id]}\npeople: {count: 400}\n"
	start := time.Date(2018, 5, 25, 0, 0, 0, 0, time.UTC)
	yes := true
	before, after := time.Date(2016, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2018, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		timeline facts.Timeline
		want     string // the decision for the authority
		flip     bool
	}{
		{"over before", facts.Timeline{ContainedAt: &before}, "not_required", false},
		{"not known whether it went on", facts.Timeline{}, "not_required", true},
		{"ongoing", facts.Timeline{Ongoing: &yes}, "required", false},
		{"contained after", facts.Timeline{ContainedAt: &after}, "required", false},
	} {
		f := parse(t, doc)
		f.Timeline = tc.timeline
		f.Timeline.DiscoveredAt = time.Date(2016, 2, 1, 0, 0, 0, 0, time.UTC)
		a := r.Assess(f, Options{At: aware})
		if len(a.Obligations) != len(r.Pack("eu_gdpr").Rules) {
			t.Fatalf("%s: %d obligations, want one per audience of the regime", tc.name, len(a.Obligations))
		}
		for _, o := range a.Obligations {
			if o.Decision == "undetermined" || len(o.Reasons) == 0 {
				t.Fatalf("%s: %s: %s %v", tc.name, o.Rule, o.Decision, o.Reasons)
			}
			if o.Rule != "eu.authority" {
				continue
			}
			if o.Decision != tc.want {
				t.Errorf("%s: authority %s, want %s: %v", tc.name, o.Decision, tc.want, o.Reasons)
			}
			if hasFlip := len(o.Flips) > 0 && o.Flips[0].Fact == "timeline.ongoing"; hasFlip != tc.flip {
				t.Errorf("%s: flips %+v", tc.name, o.Flips)
			}
			if tc.want == "required" && (o.Due == nil || !o.Due.Equal(start.Add(72*time.Hour)) || !strings.Contains(o.DueRule, "commenced")) {
				t.Errorf("%s: due %v (%s), want 72 hours from commencement", tc.name, o.Due, o.DueRule)
			}
		}
	}
}

// Whatever the dates, every applicable regime answers for every audience
// it has.
func TestPropertyEveryRegimeAnswersWhateverTheDates(t *testing.T) {
	rules := mustRules(t)
	r := rand.New(rand.NewSource(9))
	for i := 0; i < 500; i++ {
		f := randomFacts(r)
		f.Timeline.DiscoveredAt = time.Date(2012+r.Intn(15), time.Month(1+r.Intn(12)), 1+r.Intn(28), 0, 0, 0, 0, time.UTC)
		f.Timeline.OughtToHaveKnownAt, f.Timeline.FirstAlertAt = nil, nil
		switch r.Intn(3) {
		case 0:
			yes := true
			f.Timeline.Ongoing = &yes
		case 1:
			c := f.Timeline.DiscoveredAt.AddDate(0, r.Intn(30), 0)
			f.Timeline.ContainedAt = &c
		}
		a := rules.Assess(f, Options{At: aware})
		want := 0
		for _, ap := range a.Regimes {
			want += len(rules.Pack(ap.Regime).Rules)
		}
		if len(a.Obligations) != want {
			t.Fatalf("case %d (found %s): %d obligations for %d audiences of %d regimes", i, f.Timeline.DiscoveredAt.Format("2006-01-02"), len(a.Obligations), want, len(a.Regimes))
		}
		for _, o := range a.Obligations {
			if o.Decision == "undetermined" || len(o.Reasons) == 0 {
				t.Fatalf("case %d: %s %s: %v", i, o.Rule, o.Decision, o.Reasons)
			}
		}
	}
}

func TestENISAArithmeticIsExact(t *testing.T) {
	r := mustRules(t)
	// Health data (DPC 4) naming people (EI 1), sent to known recipients
	// (confidentiality 0.25) by a malicious insider (0.5): 4 x 1 + 0.75 = 4.75.
	a := r.Assess(parse(t, "cause: malicious_internal\ndata: {categories: [name, health]}\nrecipient: {kind: individual}\n"), Options{At: aware})
	if e := a.Harm.ENISA; e.DPC != 4 || e.EI != "1" || e.CB != "0.75" || e.Score != "4.75" || e.Band != "very_high" {
		t.Fatalf("ENISA %+v", e)
	}
	// Contact details (DPC 1), encrypted (EI 0.25), exposed widely (0.5): 1 x 0.25 + 0.5 = 0.75.
	a = r.Assess(parse(t, "data: {categories: [contact]}\nprotection: {encrypted: true, key_compromised: false}\n"), Options{At: aware})
	if e := a.Harm.ENISA; e.Score != "0.75" || e.Band != "low" {
		t.Fatalf("ENISA %+v", e)
	}
}

func TestOrganisationPackWithoutRecompiling(t *testing.T) {
	dir := t.TempDir()
	pack := `regime: org_policy
title: Our incident policy
always: true
rules:
  - id: org.insurer
    audience: record
    recipient: our cyber insurer
    citation: "Policy 4.2"
    quote: "Tell the insurer within 24 hours of any suspected breach."
    effective: 2024-01-01
    when:
      - decision: required
        reason: "Our policy: the insurer hears of every suspected breach within a day."
    deadline: {rule: "Within 24 hours of becoming aware (policy 4.2).", hours: 24}
`
	if err := writeFile(dir+"/insurer.yaml", pack); err != nil {
		t.Fatal(err)
	}
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Version, "+org.") {
		t.Fatalf("rules_version should show the organisation's packs: %s", r.Version)
	}
	a := r.Assess(parse(t, "organisation: {subject_to: [nz_privacy_act]}\ndata: {categories: [name]}\n"), Options{At: aware})
	ob := find(a, "org.insurer")
	if ob == nil || ob.Decision != "required" || ob.Recipient != "our cyber insurer" || !ob.Due.Equal(aware.Add(24*time.Hour)) {
		t.Fatalf("insurer obligation: %+v", ob)
	}
	if err := writeFile(dir+"/bad.yaml", "regime: x\ntitle: x\nrules:\n  - {id: x.1, audience: record, citation: c, quote: q, effective: 2024-01-01, when: [{if: 'Levle == 1', decision: required}, {decision: not_required}]}\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "Levle") {
		t.Fatalf("a misspelt name must fail at load: %v", err)
	}
}

// envKey must hold every field of Env, or decisions would be reused for
// an Env that differs.
func TestEnvKeyCoversEnv(t *testing.T) {
	if a, b := reflect.TypeOf(Env{}).NumField(), reflect.TypeOf(envKey{}).NumField(); a != b {
		t.Fatalf("Env has %d fields, envKey %d", a, b)
	}
}

// Another entity that has notified satisfies every regime's duty to tell
// the regulator and the people; one that has only agreed to leaves it
// open, waiting for its confirmation. Version 1 documents say "has
// notified" in words.
func TestAnotherEntityNotifiesInEveryRegime(t *testing.T) {
	r := mustRules(t)
	doc := "organisation: {subject_to: [nz_privacy_act, au_ndb, eu_gdpr, us_ca, sg_pdpa]}\ncause: malicious_external\nmethod: hacking\n" +
		"data: {categories: [name, health, government_id]}\npeople: {count: 3000, by_jurisdiction: {NZ: 2000, AU: 500, FR: 400, US-CA: 100}}\n"
	for _, tc := range []struct {
		name, entity string
		want         string
		waiting      bool
	}{
		{"confirmed", `{name: PortalCo, notified: true, reference: "OPC-123"}`, "not_required", false},
		{"confirmed without its reference", `{name: PortalCo, notified: true}`, "not_required", true},
		{"said in words (version 1)", `{name: PortalCo, notifies: true, relationship: "the portal provider, which notified the Commissioner for its client practices"}`, "not_required", true},
		{"agreed only", `{name: PortalCo, notifies: true}`, "required", true},
		{"agreed, in words", `{name: PortalCo, notifies: true, relationship: "the provider will notify the Commissioner; it has not yet notified"}`, "required", true},
	} {
		f, err := factsParse("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\n" + doc + "entities: [" + tc.entity + "]\n")
		if err != nil {
			t.Fatal(err)
		}
		a := r.Assess(f, Options{At: aware})
		seen := map[string]bool{}
		for _, o := range a.Obligations {
			if o.Audience != "regulator" && o.Audience != "individuals" {
				continue
			}
			if o.Decision == "not_required" && tc.want == "required" {
				continue // a rule that does not apply to these facts at all
			}
			seen[o.Regime] = true
			if o.Decision != tc.want || (o.WaitingFor != "") != tc.waiting || !strings.Contains(strings.Join(o.Reasons, " "), "PortalCo") {
				t.Errorf("%s: %s %s, waiting for %q: %v", tc.name, o.Rule, o.Decision, o.WaitingFor, o.Reasons)
			}
		}
		if len(seen) < 5 {
			t.Errorf("%s: only %v answered", tc.name, seen)
		}
	}
}
