package notice

import (
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/law"
)

// Bug: every notice named every regulator the assessment mentioned, even
// for people in one country and laws decided "not required".
func TestEachPersonsNoticeNamesOnlyTheLawsThatApplyToThem(t *testing.T) {
	d := example(t, "../../examples/university-spreadsheet.yaml", Individual) // VIC PDP and NZ Privacy Act
	rules := loadRules(t)
	if len(d.Regulators) < 2 {
		t.Fatalf("the example should involve two laws: %+v", d.Regulators)
	}
	applying := Applying([]incident.Obligation{
		{Regime: "nz_privacy_act", Audience: "individuals", Status: incident.ObligationPending},
		{Regime: "vic_pdp", Audience: "individuals", Status: incident.ObligationDone},
		{Regime: "eu_gdpr", Audience: "individuals", Status: incident.ObligationNotRequired},
	})
	names := func(d Data) string {
		var out []string
		for _, r := range d.Regulators {
			out = append(out, r.Regime)
		}
		return strings.Join(out, ",")
	}
	nz := d
	nz.Person = &Person{Name: "Aroha", Elements: []string{"name", "health"}}
	nz.Narrow(rules, applying, "NZ")
	if names(nz) != "nz_privacy_act" || !strings.Contains(strings.Join(nz.Support, " "), "Netsafe") {
		t.Fatalf("a person in New Zealand: regulators %s, support %v", names(nz), nz.Support)
	}
	vic := d
	vic.Person = &Person{Name: "Ben", Elements: []string{"name"}}
	vic.Narrow(rules, applying, "AU-VIC")
	if names(vic) != "vic_pdp" || strings.Contains(strings.Join(vic.Support, " "), "Netsafe") {
		t.Fatalf("a person in Victoria: regulators %s, support %v", names(vic), vic.Support)
	}
	unknown := d
	unknown.Person = &Person{Name: "Cai"}
	unknown.Narrow(rules, applying, "")
	if !strings.Contains(names(unknown), "nz_privacy_act") || !strings.Contains(names(unknown), "vic_pdp") {
		t.Fatalf("where a person lives is not known: every law in play is named: %s", names(unknown))
	}
	onlyNZ := d
	onlyNZ.Narrow(rules, Applying([]incident.Obligation{{Regime: "nz_privacy_act", Status: incident.ObligationPending}, {Regime: "vic_pdp", Status: incident.ObligationOverridden}}), "")
	if names(onlyNZ) != "nz_privacy_act" {
		t.Fatalf("a law decided against is still named: %s", names(onlyNZ))
	}
}

// Bug: beyond the five first laws, a person's notice named no regulator
// (a Californian, an Ontarian), and the places each law protects came
// from a list of those five, so the others' regulators were dropped.
func TestAPersonsNoticeNamesTheRegulatorOfEveryLawWhereTheyLive(t *testing.T) {
	d := example(t, "../../examples/us-multistate-retailer.yaml", Individual)
	rules := loadRules(t)
	var obs []incident.Obligation
	for _, g := range d.Assessment.Regimes {
		obs = append(obs, incident.Obligation{Regime: g.Regime, Audience: "individuals", Status: incident.ObligationPending})
	}
	names := func(jurisdiction string) string {
		p := d
		p.Person = &Person{Name: "Sam", Elements: []string{"name", "government_id"}}
		p.Narrow(rules, Applying(obs), jurisdiction)
		var out []string
		for _, r := range p.Regulators {
			out = append(out, r.Name)
		}
		return strings.Join(out, " | ")
	}
	for _, c := range []struct{ where, want, not string }{
		{"US-CA", "the California Attorney General", "Texas"},
		{"US-TX", "the Texas Attorney General", "California"},
		{"US-NY", "the New York State Attorney General", "Division of State Police"},
		{"CA-ON", "the Office of the Privacy Commissioner of Canada", "Attorney General"},
		{"CA-QC", "Commission d'accès à l'information du Québec", "Attorney General"},
		{"FR", "data protection authority", "Information Commissioner's Office"},
		{"GB", "Information Commissioner's Office", "Attorney General"},
		{"SG", "Personal Data Protection Commission", "Attorney General"},
	} {
		got := names(c.where)
		if !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("a person in %s: regulators %q, want %q and not %q", c.where, got, c.want, c.not)
		}
	}
	if got := names("US"); !strings.Contains(got, "California Attorney General") || !strings.Contains(got, "Texas Attorney General") {
		t.Errorf("a person in the US whose state is not known is told of each state's regulator: %q", got)
	}
	support := func(jurisdiction string) string {
		p := d
		p.Person = &Person{Name: "Sam", Elements: []string{"name", "government_id"}}
		p.Narrow(rules, Applying(obs), jurisdiction)
		return strings.Join(p.Support, "\n")
	}
	if s := support("US-NY"); !strings.Contains(s, "The Federal Trade Commission helps you report identity theft") || !strings.Contains(s, "www.identitytheft.gov") || !strings.Contains(s, "ag.ny.gov") {
		t.Errorf("a New Yorker's notice lacks the contacts New York's law puts in the letter: %s", s)
	}
	ny := d
	ny.Person = &Person{Name: "Sam", Elements: []string{"name", "government_id"}}
	ny.Narrow(rules, Applying(obs), "US-NY")
	tm, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := tm.Render(ny)
	if err != nil {
		t.Fatal(err)
	}
	confirmed := false
	for _, f := range Check(doc, ny, DefaultGrade) {
		confirmed = confirmed || f.Check == "confirm" && strings.Contains(f.Message, "New York State Attorney General") && f.Severity == ShouldFix
	}
	if !confirmed {
		t.Error("the New York attorney general's details, not yet checked against its own page, are not flagged to confirm")
	}
	if s := support("CA-ON"); strings.Contains(s, "Federal Trade Commission") || strings.Contains(s, "Attorney General") {
		t.Errorf("an Ontarian is given US contacts: %s", s)
	}
	if Covers(rules, "us_ca", "US-TX") || !Covers(rules, "us_ca", "US-CA") || !Covers(rules, "ca_pipeda", "CA-ON") || !Covers(rules, "eu_gdpr", "FR") || Covers(rules, "eu_gdpr", "GB") {
		t.Error("Covers does not follow the rule packs' places")
	}
}

func loadRules(t testing.TB) *law.Rules {
	t.Helper()
	rules, err := law.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func TestTheTeamsTextReplacesTheFacts(t *testing.T) {
	d := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	txt := Text{WhatHappened: "  Someone changed our checkout page so it copied card numbers. ", Steps: []string{"- We removed the code", "", "• We told the card schemes"},
		Advice: []string{"Ask your bank for a new card."}}
	if err := txt.Validate(); err != nil {
		t.Fatal(err)
	}
	d.WithText(txt)
	d.Narrow(nil, nil, "")
	if d.Breach.WhatHappened != "Someone changed our checkout page so it copied card numbers." || len(d.Breach.Steps) != 2 || d.Breach.Steps[1] != "We told the card schemes" {
		t.Fatalf("text not applied: %+v", d.Breach)
	}
	if len(d.Advice) != 1 || d.Advice[0] != "Ask your bank for a new card." {
		t.Fatalf("the team's advice was replaced: %v", d.Advice)
	}
	long := Text{WhatHappened: strings.Repeat("a", 5001)}
	if err := long.Validate(); err == nil {
		t.Fatal("an over-long text was accepted")
	}
}
