package law

import (
	"strings"
	"testing"
	"time"
)

func parse11(t *testing.T, doc string) Assessment {
	t.Helper()
	if !strings.Contains(doc, "organisation:") {
		doc = "organisation: {subject_to: [nz_privacy_act, au_ndb, vic_pdp, eu_gdpr, uk_gdpr]}\n" + doc
	}
	f, err := factsParse("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\n" + doc)
	if err != nil {
		t.Fatal(err)
	}
	return mustRules(t).Assess(f, Options{At: aware.Add(time.Hour)})
}

// expectDecisions checks rule id -> decision.
func expectDecisions(t *testing.T, name string, a Assessment, want map[string]string) {
	t.Helper()
	for rule, d := range want {
		ob := find(a, rule)
		if ob == nil {
			t.Errorf("%s: no %s", name, rule)
			continue
		}
		if ob.Decision != d {
			t.Errorf("%s: %s is %s, want %s: %s", name, rule, ob.Decision, d, strings.Join(ob.Reasons, " | "))
		}
	}
}

// The principles of issue 13, each as the regulators state it.
// principle is a statement of a regulator, as facts and the decisions
// that follow from them.
type principle struct {
	name string
	doc  string
	want map[string]string
}

func checkPrinciples(t *testing.T, ps []principle) {
	t.Helper()
	for _, c := range ps {
		expectDecisions(t, c.name, parse11(t, c.doc), c.want)
	}
}

func TestPrinciples(t *testing.T) {
	checkPrinciples(t, []principle{
		{"availability: a call centre down for minutes is no risk (WP250)",
			"cause: system_fault\nmethod: other\neffects: {confidentiality: \"no\", availability: temporary, availability_hours: 0.1}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required", "eu.record": "required", "nz.commissioner": "not_required"}},
		{"availability: hospital records unavailable for 30 hours are a high risk (WP250)",
			"method: hacking\ndata: {categories: [health]}\neffects: {confidentiality: \"no\", availability: temporary, availability_hours: 30, availability_criticality: critical}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required", "nz.commissioner": "required", "au.commissioner": "not_required"}},
		{"availability: ransomware restored from backup in hours, exfiltration ruled out (EDPB 01/2021 case 1)",
			"method: ransomware\ncause: malicious_external\neffects: {confidentiality: \"no\", exfiltrated: \"no\", availability: temporary, availability_hours: 4, availability_criticality: low}\nprotection: {backup_available: true, restored: true, restored_from: backup}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required", "au.commissioner": "not_required"}},
		{"unintelligible: strongly hashed and salted passwords only",
			"method: hacking\ncause: malicious_external\ndata: {categories: [credentials]}\nprotection: {passwords_hashed: strong_salted}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required", "au.commissioner": "not_required"}},
		{"unintelligible: weak hashes give no relief",
			"method: hacking\ncause: malicious_external\ndata: {categories: [credentials]}\nprotection: {passwords_hashed: weak}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required", "au.commissioner": "required", "nz.individuals": "required"}},
		{"unintelligible: a compromised key gives no relief",
			"method: stolen_device\ndata: {categories: [name, health]}\nprotection: {encrypted: true, key_compromised: true}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"recipient: a colleague who deleted it (ICO)",
			"method: misdirected_email\ndata: {categories: [contact, health]}\npeople: {vulnerable: true}\nrecipient: {relation: colleague, deletion_assurance: their_word}\n",
			map[string]string{"eu.authority": "not_required", "nz.commissioner": "not_required", "vic.individuals": "not_required"}},
		{"recipient: a mailing list of a thousand is not one colleague (WP250)",
			"method: misdirected_email\ndata: {categories: [name, education]}\nrecipient: {count: 1000}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"recipient: an alleged perpetrator (seed 001)",
			"method: misdirected_mail\ndata: {categories: [name, address]}\nrecipient: {relation: alleged_perpetrator}\n",
			map[string]string{"nz.commissioner": "required", "au.individuals": "required", "eu.data_subjects": "required", "vic.individuals": "recommended"}},
		{"already public: unlikely to result in a risk",
			"method: unintended_publication\ndata: {categories: [name, contact], already_public: true}\n",
			map[string]string{"eu.authority": "not_required", "vic.individuals": "not_required"}},
		{"fraud-enabling: usernames and passwords published (WP250)",
			"method: hacking\ncause: malicious_external\ndata: {categories: [name, credentials]}\nrecipient: {relation: public}\n",
			map[string]string{"eu.data_subjects": "required", "nz.individuals": "required", "au.individuals": "required"}},
		{"NZ: ransomware that only made information inaccessible (OPC)",
			"method: ransomware\ncause: malicious_external\neffects: {availability: unknown}\n",
			map[string]string{"nz.commissioner": "required"}},
		{"volume: 5,000 people's identity details on a stolen laptop",
			"method: stolen_device\ndata: {categories: [name, date_of_birth, employment]}\npeople: {count: 5000}\n",
			map[string]string{"au.commissioner": "required", "eu.data_subjects": "required"}},
		{"a misdirected letter to one member of the public, with nothing sensitive: a low risk, still a risk under art 33",
			"method: misdirected_mail\ndata: {categories: [name, address]}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "not_required", "nz.commissioner": "not_required", "au.commissioner": "not_required"}},
	})
}

// The principles of issue 13's second round: the engine was saying "not
// required" where authorities held notification required.
func TestPrinciplesRound2(t *testing.T) {
	checkPrinciples(t, []principle{
		// GDPR art 33: "unless unlikely to result in a risk".
		{"art 33: a lost unencrypted storage device is a risk, though a low one",
			"cause: theft_or_loss\nmethod: lost_device\ndata: {categories: [name, contact]}\n",
			map[string]string{"eu.authority": "required", "uk.authority": "required"}},
		{"art 33: lost paper files with case information",
			"cause: human_error\nmethod: lost_paper\ndata: {categories: [name, other]}\n",
			map[string]string{"eu.authority": "required", "vic.individuals": "recommended"}},
		{"art 33: two customers' details shown to an unrelated person",
			"cause: human_error\nmethod: other\neffects: {confidentiality: \"yes\"}\ndata: {categories: [name, contact, address]}\npeople: {count: 2}\nrecipient: {relation: stranger, count: 1, accessed: \"yes\"}\n",
			map[string]string{"eu.authority": "required"}},
		{"art 33: remote, a trusted recipient returned it unread with assurance",
			"cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, contact, address]}\nrecipient: {relation: contractor_under_agreement, accessed: \"no\", deletion_assurance: assured}\n",
			map[string]string{"eu.authority": "not_required", "vic.individuals": "not_required"}},
		{"art 33: remote, nobody could reach it",
			"cause: system_fault\nmethod: system_misconfiguration\ndata: {categories: [name, contact]}\nrecipient: {accessed: \"no\"}\neffects: {confidentiality: \"no\"}\n",
			map[string]string{"eu.authority": "not_required"}},
		{"art 33: a trivial impact, two customers' names and addresses judged not sensitive, recovered",
			"cause: human_error\nmethod: misdirected_mail\ndata: {categories: [name, address], sensitive: false}\npeople: {count: 2}\nrecipient: {relation: stranger, count: 1}\nremediation: {recovered: true}\n",
			map[string]string{"eu.authority": "not_required", "eu.record": "required"}},
		// Knowledge cannot be recovered.
		{"a letter with an identity number and account read by another customer, then returned",
			"cause: human_error\nmethod: misdirected_mail\ndata: {categories: [name, government_id, financial_account]}\npeople: {count: 1}\nrecipient: {relation: stranger, accessed: \"yes\", deletion_assurance: assured}\nremediation: {recovered: true}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required", "nz.commissioner": "required", "vic.individuals": "recommended"}},
		{"a colleague who read it and deleted it with assurance can be trusted",
			"cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, government_id]}\nrecipient: {relation: colleague, accessed: \"yes\", deletion_assurance: assured}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required"}},
		// Unknown is not no.
		{"plain-text passwords where staff without a need to know could read them, confidentiality unknown",
			"cause: system_fault\nmethod: system_misconfiguration\neffects: {confidentiality: unknown}\ndata: {categories: [credentials]}\nprotection: {passwords_hashed: none}\nrecipient: {kind: employee}\n",
			map[string]string{"eu.authority": "required", "vic.individuals": "recommended"}},
		{"personal data in plain text, nobody known to have read it, confidentiality unknown",
			"cause: system_fault\nmethod: other\neffects: {confidentiality: unknown}\ndata: {categories: [name, credentials]}\nprotection: {passwords_hashed: none}\nrecipient: {kind: none}\n",
			map[string]string{"eu.authority": "required"}},
		// Unknown or other categories are read with caution.
		{"art 33 and OVIC: what the information was is not known",
			"cause: human_error\nmethod: misdirected_email\nrecipient: {relation: stranger}\n",
			map[string]string{"eu.authority": "required", "vic.individuals": "recommended"}},
		// Art 34 high risk, as the EDPB's examples decide it.
		{"art 34: identity and financial data disclosed to an unauthorised person",
			"cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, passport, financial_account]}\nrecipient: {relation: stranger}\n",
			map[string]string{"eu.data_subjects": "required", "uk.data_subjects": "required"}},
		{"art 34: large-scale exfiltration by attackers",
			"cause: malicious_external\nmethod: hacking\neffects: {confidentiality: \"yes\", exfiltrated: \"yes\"}\ndata: {categories: [name, contact, address]}\npeople: {count: 50000}\n",
			map[string]string{"eu.data_subjects": "required"}},
		{"art 34: health data exposed to a stranger",
			"cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, health]}\n",
			map[string]string{"eu.data_subjects": "required"}},
		{"art 34: credentials exposed without strong hashing",
			"cause: malicious_external\nmethod: hacking\ndata: {categories: [contact, credentials]}\nprotection: {passwords_hashed: none}\n",
			map[string]string{"eu.data_subjects": "required"}},
		{"art 34: the address on a motor insurance letter read by another policyholder is a risk, not a high one",
			"cause: system_fault\nmethod: misdirected_mail\ndata: {categories: [name, address, date_of_birth, other]}\npeople: {count: 1}\nrecipient: {relation: stranger, count: 1, accessed: \"yes\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "not_required"}},
		// Victoria: a low risk is still foreseeable.
		{"OVIC: a name and address disclosed to a third party, a low risk",
			"cause: human_error\nmethod: misdirected_mail\ndata: {categories: [name, address]}\n",
			map[string]string{"vic.individuals": "recommended", "vic.ovic": "recommended"}},
		// Trivial details.
		{"a child's dietary need shown to the other parents is not serious harm, but art 33 still counts it",
			"cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, health, children], sensitive: false}\npeople: {count: 1}\nrecipient: {relationship: all the other parents at the kindergarten}\n",
			map[string]string{"nz.commissioner": "not_required", "au.commissioner": "not_required", "eu.authority": "required", "eu.data_subjects": "not_required"}},
	})
	// Whether a health detail is trivial can decide New Zealand's answer,
	// so it is listed as a fact that would flip it.
	a := parse11(t, "cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, health, children]}\npeople: {count: 1}\nrecipient: {relationship: all the other parents at the kindergarten}\n")
	if nz := find(a, "nz.commissioner"); nz.Decision != "required" || !hasFlip(nz, "data.sensitive", "not_required") {
		t.Errorf("NZ: health information is taken as sensitive unless said otherwise, and saying so would flip it: %s %+v", nz.Decision, nz.Flips)
	}
}

func TestVictoriasIncidentNotificationScheme(t *testing.T) {
	a := parse11(t, "organisation: {subject_to: [vic_pdp], vic_public_sector: true}\neffects: {confidentiality: \"yes\", business_impact_level: 2}\n")
	expectDecisions(t, "BIL 2", a, map[string]string{"vic.vpdss": "required"})
	ob := find(a, "vic.vpdss")
	if ob.Label == "" || !strings.Contains(ob.Citation, "Part 4") || len(ob.Content) < 4 {
		t.Fatalf("the VPDSS obligation names itself, its law and the form's contents: %+v", ob)
	}
	expectDecisions(t, "BIL 1", parse11(t, "organisation: {subject_to: [vic_pdp], vic_public_sector: true}\neffects: {integrity: \"yes\", business_impact_level: 1}\n"),
		map[string]string{"vic.vpdss": "not_required"})
	// A Part 4 body's privacy incident with no level given is rated 2.
	a = parse11(t, "organisation: {subject_to: [vic_pdp], vic_public_sector: true}\nmethod: misdirected_email\ndata: {categories: [name, health]}\n")
	expectDecisions(t, "no level", a, map[string]string{"vic.vpdss": "required"})
	if !hasFlip(find(a, "vic.vpdss"), "effects.business_impact_level", "not_required") {
		t.Errorf("a level of 1 would flip it: %+v", find(a, "vic.vpdss").Flips)
	}
	// Not known to be under Part 4: not required, and saying so would flip it.
	a = parse11(t, "organisation: {subject_to: [vic_pdp]}\nmethod: misdirected_email\ndata: {categories: [name, health]}\n")
	expectDecisions(t, "Part 4 unknown", a, map[string]string{"vic.vpdss": "not_required", "vic.ovic": "recommended"})
	if !hasFlip(find(a, "vic.vpdss"), "organisation.vic_public_sector", "required") {
		t.Errorf("being under Part 4 would flip it: %+v", find(a, "vic.vpdss").Flips)
	}
	old := parse11(t, "organisation: {subject_to: [vic_pdp], vic_public_sector: true}\neffects: {confidentiality: \"yes\", business_impact_level: 3}\n")
	if find(old, "vic.vpdss") == nil {
		t.Fatal("the scheme applies")
	}
}

func hasFlip(ob *Obligation, fact, decision string) bool {
	for _, f := range ob.Flips {
		if f.Fact == fact && f.Decision == decision {
			return true
		}
	}
	return false
}

// Another entity's agreement to notify keeps the obligation open until
// its notification is confirmed, in every regime.
func TestAnotherEntityNotifying(t *testing.T) {
	base := "method: stolen_paper\ndata: {categories: [name, health]}\n"
	agreed := parse11(t, base+"entities: [{name: Clinic, notifies: true}]\n")
	confirmed := parse11(t, base+"entities: [{name: Clinic, notifies: true, notified: true, reference: OAIC-123}]\n")
	for _, rule := range []string{"nz.commissioner", "nz.individuals", "au.commissioner", "au.individuals", "eu.authority", "eu.data_subjects", "uk.authority", "uk.data_subjects"} {
		o := find(agreed, rule)
		if o.Decision != "required" || !strings.Contains(o.WaitingFor, "Clinic") || !hasFlip(o, "entities[].notified", "not_required") {
			t.Errorf("%s: agreed only: %s, waiting for %q, flips %+v", rule, o.Decision, o.WaitingFor, o.Flips)
		}
		if o := find(confirmed, rule); o.Decision != "not_required" || o.WaitingFor != "" {
			t.Errorf("%s: confirmed: %s %q", rule, o.Decision, o.WaitingFor)
		}
	}
	if o := find(agreed, "vic.individuals"); o.Decision != "recommended" || o.WaitingFor == "" {
		t.Errorf("vic.individuals: agreed only: %s %q", o.Decision, o.WaitingFor)
	}
	if o := find(confirmed, "vic.individuals"); o.Decision != "not_required" {
		t.Errorf("vic.individuals: confirmed: %s", o.Decision)
	}
}

// The s 26WH assessment is labelled as what it is, met once recorded, and
// its 30 days run from the first grounds to suspect a breach.
func TestSuspectedBreachAssessment(t *testing.T) {
	a := parse11(t, "method: misdirected_email\ndata: {categories: [name]}\n")
	ob := find(a, "au.assess")
	if ob.Label != "Assess the suspected breach within 30 days" || !ob.MetWhenRecorded || ob.Due == nil || !ob.Due.Equal(aware.Add(720*time.Hour)) {
		t.Fatalf("s 26WH: %+v", ob)
	}
	f, err := factsParse("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z, first_alert_at: 2026-02-28T09:00:00Z}\norganisation: {subject_to: [au_ndb]}\n")
	if err != nil {
		t.Fatal(err)
	}
	if ob := find(mustRules(t).Assess(f, Options{At: aware}), "au.assess"); !ob.Due.Equal(aware.Add(-48*time.Hour + 720*time.Hour)) {
		t.Fatalf("30 days from the first alert: %v", ob.Due)
	}
}

// Awareness the organisation should have had moves the clock back.
func TestOughtToHaveKnown(t *testing.T) {
	f, err := factsParse("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z, ought_to_have_known_at: 2026-03-01T09:00:00Z}\norganisation: {subject_to: [eu_gdpr]}\nmethod: hacking\ndata: {categories: [name, health]}\n")
	if err != nil {
		t.Fatal(err)
	}
	ob := find(mustRules(t).Assess(f, Options{At: aware}), "eu.authority")
	if !ob.Due.Equal(aware.Add(-24*time.Hour+72*time.Hour)) || !strings.Contains(ob.DueRule, "ought reasonably to have become aware") {
		t.Fatalf("72 hours from when it ought to have known: %v %s", ob.Due, ob.DueRule)
	}
}

// Unknown facts are assumed and said; each that would flip a decision is
// listed with the decision it would become; GDPR art 33 and OVIC read
// them cautiously.
func TestAssumptionsAndFlips(t *testing.T) {
	a := parse11(t, "method: stolen_device\ndata: {categories: [name, date_of_birth]}\n")
	if len(a.Assumptions) == 0 {
		t.Fatal("nothing assumed")
	}
	seen := map[string]bool{}
	for _, as := range a.Assumptions {
		seen[as.Fact] = true
		if as.Assumed == "" || as.Why == "" {
			t.Errorf("assumption without its value or reason: %+v", as)
		}
	}
	for _, f := range []string{"recipient.accessed", "protection.encrypted", "recipient.relation"} {
		if !seen[f] {
			t.Errorf("%s not assumed: %+v", f, a.Assumptions)
		}
	}
	eu := find(a, "eu.authority")
	if eu.Basis != "cautious" || eu.Decision != "required" {
		t.Errorf("GDPR art 33 reads unknowns with caution: %+v", eu)
	}
	if !hasFlip(eu, "protection.encrypted", "not_required") {
		t.Errorf("encryption would flip art 33: %+v", eu.Flips)
	}
	if nz := find(a, "nz.commissioner"); nz.Basis != "likely" {
		t.Errorf("NZ reads unknowns at their likely value: %+v", nz)
	}
}

// No decision shows an unverified section.
func TestNoSectionIsShownUnverified(t *testing.T) {
	r := mustRules(t)
	for _, p := range r.Packs {
		for _, rl := range p.Rules {
			texts := []string{rl.Citation, rl.Quote, rl.Label, rl.Deadline.Rule, rl.Cautious}
			for _, c := range rl.When {
				texts = append(texts, c.Reason)
			}
			for _, c := range rl.Except {
				texts = append(texts, c.Text)
			}
			texts = append(texts, rl.Content...)
			for _, s := range texts {
				if strings.Contains(strings.ToUpper(s), "UNVERIFIED") {
					t.Errorf("%s shows %q", rl.ID, s)
				}
			}
		}
	}
}

// Round 3: the principles behind the disagreements with decided cases,
// each stated generally, as the guidance states it.
func TestPrinciplesRound3(t *testing.T) {
	eu := "organisation: {subject_to: [eu_gdpr]}\n"
	checkPrinciples(t, []principle{
		// 1. Art 34: identity data on an unprotected carrier that left
		// the organisation's control (WP250: lost or stolen devices with
		// unencrypted data).
		{"lost papers with national identification numbers, nobody knows whether read",
			eu + "cause: theft_or_loss\nmethod: lost_paper\ndata: {categories: [name, address, government_id]}\npeople: {count: 150}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"a lost unencrypted device with passport copies",
			eu + "cause: theft_or_loss\nmethod: lost_device\ndata: {categories: [name, passport]}\npeople: {count: 30}\nprotection: {encrypted: false}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"the same device strongly encrypted with the key safe",
			eu + "cause: theft_or_loss\nmethod: lost_device\ndata: {categories: [name, passport]}\npeople: {count: 30}\nprotection: {encrypted: true, key_compromised: false}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required"}},
		// Health data sent to an external recipient not bound by
		// confidentiality.
		{"health data sent to an outside consultant not bound by confidentiality",
			eu + "cause: human_error\nmethod: other\ndata: {categories: [name, health]}\npeople: {count: 200}\nrecipient: {kind: trusted_recipient, relationship: \"an external consultant, not bound by confidentiality\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		// Large-scale exposure to anyone, even of names and addresses.
		{"names and addresses of thousands reachable by changing an ID in a URL",
			eu + "cause: system_fault\nmethod: system_misconfiguration\ndata: {categories: [name, address]}\npeople: {count: 5000}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"the same for twenty people is a risk, not a high one",
			eu + "cause: system_fault\nmethod: system_misconfiguration\ndata: {categories: [name, address]}\npeople: {count: 20}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "not_required"}},
		// A malicious attack: likelihood at the top, severity from the
		// data, whatever version 1's kind calls the attacker.
		{"an intruder took income data; the v1 kind says an individual",
			eu + "cause: malicious_external\nmethod: other\ndata: {categories: [name, contact, income]}\npeople: {count: 80}\neffects: {confidentiality: \"yes\"}\nrecipient: {kind: individual, accessed: \"yes\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"malware exposed account data; recipient kind none cannot undo a loss of confidentiality",
			eu + "cause: malicious_external\nmethod: malware\ndata: {categories: [name, contact, financial_account]}\npeople: {count: 800}\neffects: {confidentiality: \"yes\"}\nrecipient: {kind: none}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		// Integrity: wrong financial information reported to others who
		// act on it.
		{"wrong credit information reported to a credit register",
			eu + "cause: human_error\nmethod: other\ndata: {categories: [name, financial_account]}\npeople: {count: 12}\neffects: {integrity: \"yes\", confidentiality: \"no\"}\nrecipient: {kind: other_organisation, relationship: \"the national credit register\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"an altered record corrected before anyone outside saw it",
			eu + "cause: human_error\nmethod: other\ndata: {categories: [name, financial_account]}\npeople: {count: 12}\neffects: {integrity: \"yes\", confidentiality: \"no\"}\nprotection: {restored: true}\n",
			map[string]string{"eu.data_subjects": "not_required"}},
		// 3. Former staff are not colleagues (OVIC: at least likely).
		{"a former youth worker looked at clients' files",
			"organisation: {subject_to: [vic_pdp, nz_privacy_act, eu_gdpr]}\nmethod: other\ndata: {categories: [name, address, other]}\npeople: {count: 12}\nrecipient: {kind: employee, relationship: \"former youth worker\", accessed: \"yes\"}\n",
			map[string]string{"vic.individuals": "recommended", "nz.commissioner": "required", "eu.authority": "required"}},
		// 5. Art 33: unlikely to result in a risk.
		{"a small group's email addresses revealed to one another (CC, not BCC)",
			eu + "cause: human_error\nmethod: exposed_email_recipients\ndata: {categories: [name, contact]}\npeople: {count: 40, groups: [members]}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required", "eu.record": "required"}},
		{"the same in a version 1 document, said in words",
			eu + "summary: The newsletter went to 25 members with every address in CC instead of BCC.\ncause: human_error\nmethod: misdirected_email\ndata: {categories: [contact]}\npeople: {count: 25}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.authority": "not_required"}},
		{"patients' addresses revealed to one another reveal they are patients",
			eu + "cause: human_error\nmethod: exposed_email_recipients\ndata: {categories: [name, contact]}\npeople: {count: 40, groups: [patients]}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.authority": "required"}},
		{"health data seen only by a doctor under a duty of confidence",
			eu + "cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, health]}\npeople: {count: 1}\nrecipient: {relation: professional_confidence, accessed: \"yes\"}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required"}},
		{"a record opened in error by a colleague, promptly closed",
			eu + "cause: human_error\nmethod: unauthorised_staff_access\ndata: {categories: [name, address, financial_account]}\npeople: {count: 3}\nrecipient: {kind: employee, accessed: \"yes\"}\n",
			map[string]string{"eu.authority": "not_required", "eu.data_subjects": "not_required"}},
	})
}

// Round 4: the principles behind the remaining disagreements with
// decided cases, each stated generally and tested with a neighbour that
// must come out the other way.
func TestPrinciplesRound4(t *testing.T) {
	eu := "organisation: {subject_to: [eu_gdpr]}\n"
	checkPrinciples(t, []principle{
		// 1. A public communication is the form the duty to tell the
		// people takes when contacting each is not practicable; the
		// duty stands (GDPR art 34(3)(c), NZ s 115(2), AU s 26WL(2)(c)).
		{"high risk, people cannot be contacted: told by public communication",
			"organisation: {subject_to: [eu_gdpr, nz_privacy_act, au_ndb]}\ncause: malicious_external\nmethod: hacking\ndata: {categories: [name, health]}\npeople: {count: 3000}\neffects: {confidentiality: \"yes\"}\nnotification_constraints: {contact_details_available: false}\n",
			map[string]string{"eu.data_subjects": "required", "eu.public": "required", "nz.individuals": "required", "nz.public": "required", "au.individuals": "required", "au.public": "required"}},
		{"the same with contact details: told directly, no public communication",
			"organisation: {subject_to: [eu_gdpr, nz_privacy_act, au_ndb]}\ncause: malicious_external\nmethod: hacking\ndata: {categories: [name, health]}\npeople: {count: 3000}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.data_subjects": "required", "eu.public": "not_required", "nz.individuals": "required", "nz.public": "not_required", "au.individuals": "required", "au.public": "not_required"}},
		// 2. An individual is not "another organisation" because the
		// words name one ("a neighbour, who told the council"): identity
		// numbers and bank details in a stranger's hands enable fraud.
		{"a letter with a national ID number and bank details reached a stranger who told the agency",
			eu + "cause: human_error\nmethod: misdirected_mail\ndata: {categories: [name, government_id, financial_account]}\npeople: {count: 1}\neffects: {confidentiality: \"yes\"}\nrecipient: {kind: individual, relationship: \"the wrong addressee, who returned it to the agency\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"the same letter with a name and a postal address only",
			eu + "cause: human_error\nmethod: misdirected_mail\ndata: {categories: [name, address]}\npeople: {count: 1}\neffects: {confidentiality: \"yes\"}\nrecipient: {kind: individual, relationship: \"the wrong addressee, who returned it to the agency\"}\n",
			map[string]string{"eu.data_subjects": "not_required"}},
		// 3. A recipient bound by a duty of confidence lowers the
		// likelihood only while the information stays with them: passed
		// on, it is with people nobody knows.
		{"health records sent to doctors who forwarded them on",
			eu + "cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, health]}\npeople: {count: 400}\neffects: {confidentiality: \"yes\"}\nrecipient: {kind: trusted_recipient, relationship: \"doctors under professional secrecy, one of whom forwarded it to others\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"the same doctors, who deleted it unopened and did not pass it on",
			eu + "cause: human_error\nmethod: misdirected_email\ndata: {categories: [name, health]}\npeople: {count: 400}\neffects: {confidentiality: \"yes\"}\nrecipient: {kind: trusted_recipient, relationship: \"doctors under professional secrecy\", accessed: \"no\", confirmed_deleted: true}\n",
			map[string]string{"eu.data_subjects": "not_required"}},
		// 4. A thief had what was stolen, whoever found or returned it
		// later; recovery proves nothing about what was read meanwhile.
		{"stolen files with identity numbers, later found and handed in by a passer-by",
			eu + "cause: theft_or_loss\nmethod: stolen_paper\ndata: {categories: [name, government_id, financial_account]}\npeople: {count: 90}\nrecipient: {kind: individual, relationship: \"a passer-by who found them and handed them in to the police\"}\nremediation: {recovered: true}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"stolen files with identity numbers recovered from wherever the thief left them",
			eu + "cause: theft_or_loss\nmethod: stolen_paper\ndata: {categories: [name, government_id, financial_account]}\npeople: {count: 90}\nremediation: {recovered: true}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"the same files recovered with evidence that nobody opened them",
			eu + "cause: theft_or_loss\nmethod: stolen_paper\ndata: {categories: [name, government_id, financial_account]}\npeople: {count: 90}\nrecipient: {kind: individual, relationship: \"a passer-by who found them and handed them in to the police\", accessed: \"no\"}\nremediation: {recovered: true}\n",
			map[string]string{"eu.data_subjects": "not_required"}},
		// 5. Information of a kind no category names is not taken to be
		// harmless: in an attacker's hands it is a high risk, unless the
		// organisation, which knows what it is, says it is ordinary.
		{"an attacker's spyware took information of an unnamed kind",
			eu + "cause: malicious_external\nmethod: malware\ndata: {categories: [other]}\npeople: {groups: [employees]}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "required"}},
		{"the same, the organisation judging it ordinary",
			eu + "cause: malicious_external\nmethod: malware\ndata: {categories: [other], sensitive: false}\npeople: {groups: [employees]}\neffects: {confidentiality: \"yes\"}\n",
			map[string]string{"eu.authority": "required", "eu.data_subjects": "not_required"}},
	})
}
