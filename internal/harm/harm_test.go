package harm

import (
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/facts"
)

func parse(t *testing.T, doc string) *facts.Facts {
	t.Helper()
	f, err := facts.Parse([]byte("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z}\n" + doc))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Each principle of the guidance, with the level it leads to and the
// words that must explain it.
func TestEveryLevelSaysWhy(t *testing.T) {
	for _, c := range []struct {
		name, doc, level string
		because          []string
	}{
		{"nothing lost", "effects: {confidentiality: \"no\", integrity: \"no\", availability: none}\n", "none", []string{"No loss"}},
		{"a colleague, deleted", "data: {categories: [contact, health]}\npeople: {vulnerable: true}\nrecipient: {relation: colleague, deletion_assurance: their_word}\n", "low", []string{"colleague"}},
		{"cards to an attacker", "data: {categories: [name, payment_card]}\nrecipient: {kind: malicious_actor}\ncause: malicious_external\n", "very_high", []string{"means harm", "enables fraud"}},
		{"strong encryption", "data: {categories: [name, health]}\nrecipient: {kind: public}\nprotection: {encrypted: true, key_compromised: false}\n", "low", []string{"unintelligible"}},
		{"strong salted hashes only", "method: hacking\ndata: {categories: [credentials]}\nprotection: {passwords_hashed: strong_salted}\n", "low", []string{"strong salted hash"}},
		{"weak hashes", "method: hacking\ndata: {categories: [credentials]}\nprotection: {passwords_hashed: weak}\n", "very_high", []string{"credentials enables fraud"}},
		{"already public", "method: unintended_publication\ndata: {categories: [name, contact], already_public: true}\n", "low", []string{"already public"}},
		{"immediate danger", "data: {categories: [contact]}\nrecipient: {kind: individual}\ndanger: {physical: true}\n", "very_high", []string{"immediate danger"}},
		{"an alleged perpetrator", "data: {categories: [name, address]}\nrecipient: {relation: alleged_perpetrator}\n", "very_high", []string{"where to find them"}},
		{"a mailing list of a thousand", "method: misdirected_email\ndata: {categories: [name, education]}\nrecipient: {count: 1000}\n", "high", []string{"1000 recipients"}},
		{"one stranger", "method: misdirected_email\ndata: {categories: [name, education]}\nrecipient: {count: 1}\n", "medium", []string{"one uninvolved member of the public"}},
		{"outage of minutes", "effects: {confidentiality: \"no\", availability: temporary, availability_hours: 0.2}\n", "low", []string{"less than an hour"}},
		{"hospital records for 30 hours", "effects: {confidentiality: \"no\", availability: temporary, availability_hours: 30, availability_criticality: critical}\n", "high", []string{"care", "30 hours"}},
		{"ransomware restored from backup, exfiltration ruled out", "method: ransomware\neffects: {confidentiality: \"no\", exfiltrated: \"no\", availability: temporary, availability_hours: 4, availability_criticality: low}\nprotection: {backup_available: true, restored: true, restored_from: backup}\n", "low", []string{"within a day"}},
		{"ransomware, exfiltration not ruled out", "method: ransomware\ndata: {categories: [name, contact]}\n", "high", []string{"extortion"}},
		{"volume", "method: stolen_device\ndata: {categories: [name, date_of_birth, employment]}\npeople: {count: 5000}\n", "high", []string{"5000 people"}},
		{"part of the people at higher risk", "method: misdirected_mail\ndata: {categories: [name, address]}\npeople: {at_higher_risk: {count: 3, why: protected addresses}}\n", "high", []string{"3 of the people (protected addresses)", "where people at risk can be found"}},
		{"recovered before anyone looked", "method: lost_paper\ndata: {categories: [name, health]}\nrecipient: {accessed: \"no\"}\nremediation: {recovered: true}\n", "low", []string{"recovered before"}},
	} {
		a := Assess(parse(t, c.doc))
		why := strings.Join(append(a.Reasons, a.ENISA.Reasons...), " | ")
		if a.Level.String() != c.level {
			t.Errorf("%s: level %s, want %s (%s)", c.name, a.Level, c.level, why)
		}
		for _, b := range c.because {
			if !strings.Contains(why, b) {
				t.Errorf("%s: reasons lack %q: %s", c.name, b, why)
			}
		}
	}
}

// Unknown facts take their most likely value, and say so with the other
// values they could have.
func TestUnknownFactsTakeTheirLikelyValue(t *testing.T) {
	for _, c := range []struct {
		name, doc, fact, assumed string
	}{
		{"a misdirected letter is read", "method: misdirected_mail\ndata: {categories: [name, health]}\n", "recipient.accessed", "the recipient read it"},
		{"by one uninvolved member of the public", "method: misdirected_mail\ndata: {categories: [name, health]}\n", "recipient.relation", "an uninvolved member of the public, not malicious"},
		{"a thief may never look", "method: stolen_device\ndata: {categories: [name]}\n", "recipient.accessed", "not known whether anyone looked at it"},
		{"a device is not encrypted unless said", "method: stolen_device\ndata: {categories: [name]}\n", "protection.encrypted", "not encrypted"},
		{"ransomware exfiltration is not ruled out", "method: ransomware\n", "effects.exfiltrated", "exfiltration has not been ruled out"},
		{"data restored from backup after ransomware took days", "method: ransomware\neffects: {exfiltrated: \"no\", availability: temporary}\nprotection: {restored: true, restored_from: backup}\n", "effects.availability_hours", "more than a day"},
		{"hospital data is critical", "method: hacking\ndata: {categories: [health]}\neffects: {confidentiality: \"no\", availability: temporary}\n", "effects.availability_criticality", "critical"},
		{"what information: basic details", "method: misdirected_email\n", "data.categories", "names and contact details only"},
	} {
		_, as := Resolve(parse(t, c.doc))
		found := false
		for _, a := range as {
			if a.Fact == c.fact {
				found = true
				if !strings.Contains(a.Assumed, c.assumed) || a.Why == "" {
					t.Errorf("%s: %s assumed %q (%s), want %q", c.name, c.fact, a.Assumed, a.Why, c.assumed)
				}
			}
		}
		if !found {
			t.Errorf("%s: no assumption about %s in %+v", c.name, c.fact, as)
		}
	}
	if _, as := Resolve(parse(t, "")); len(as) != 0 {
		t.Errorf("with nothing known there is no reasonable default: %+v", as)
	}
	// What is known is not assumed.
	_, as := Resolve(parse(t, "method: misdirected_mail\ndata: {categories: [name]}\nrecipient: {relation: colleague, accessed: \"no\"}\npeople: {vulnerable: false}\n"))
	for _, a := range as {
		if a.Fact == "recipient.accessed" || a.Fact == "recipient.relation" || a.Fact == "people.vulnerable" {
			t.Errorf("a known fact was assumed: %+v", a)
		}
	}
}

// An alternative changes a copy of the facts, never the facts.
func TestAlternativesLeaveTheFactsAlone(t *testing.T) {
	f := parse(t, "method: misdirected_mail\ndata: {categories: [name, health]}\nrecipient: {kind: individual}\n")
	_, as := Resolve(f)
	for _, a := range as {
		for _, alt := range a.Alternatives {
			g := alt.Apply(f)
			if g == f || f.Recipient.Accessed != "" || f.Recipient.Relation != "" || (f.People != nil && f.People.Vulnerable != nil) {
				t.Fatalf("%s: applying %q changed the original", a.Fact, alt.Set)
			}
		}
	}
}

// Version 1 documents name the recipient only in words; the words that
// matter are read.
func TestRelationshipWords(t *testing.T) {
	for text, want := range map[string]holder{
		"alleged perpetrator awaiting trial":          hPerpetrator,
		"the customer's ex-partner":                   hPerpetrator,
		"whoever broke into the storage provider":     hThief,
		"a hacker group":                              hMalicious,
		"the client's neighbour":                      hFamily,
		"the patient's employer":                      hFamily,
		"another GP practice":                         hTrusted,
		"a colleague in a different department":       hColleague,
		"another government department":               hOrganisation,
		"a journalist":                                hPublic,
		"the wrong customer":                          hStranger,
		"everyone on the kindergarten's message list": hUnknown,
		// Former staff are not colleagues: access after leaving, or on
		// purpose, is someone who means harm.
		"former youth worker":                     hMalicious,
		"an ex-employee":                          hMalicious,
		"former contractor of the agency":         hMalicious,
		"a staff member who had left the service": hMalicious,
		"a nurse who looked deliberately":         hMalicious,
		"a former client":                         hStranger,
		"her former partner":                      hPerpetrator,
		// Negations turn the word around.
		"a member of the public, not malicious":   hStranger,
		"not a colleague: a member of the public": hStranger,
		"a non-malicious stranger":                hStranger,
		"alleged fraudster":                       hMalicious,
	} {
		got, _ := readRelationship(text)
		if got != want {
			t.Errorf("%q read as %s, want %s", text, got.words(), want.words())
		}
	}
	if !manyRecipients("everyone on the kindergarten's message list") || !manyRecipients("the other job seekers") || manyRecipients("a staff member") || manyRecipients("a small business") {
		t.Error("many recipients misread")
	}
}

// How long information was public is read from the timeline when
// exposure.hours is not given: years online is not "more than a day",
// and twenty minutes is not either.
func TestPublicForAsLongAsTheTimelineSays(t *testing.T) {
	for _, c := range []struct {
		name, from, until, level, because string
	}{
		{"years", "2016-01-01T00:00:00Z", "2019-01-01T00:00:00Z", "medium", "public for 26304 hours"},
		{"minutes", "2026-03-01T10:00:00Z", "2026-03-01T10:20:00Z", "low", "less than an hour"},
	} {
		doc := "method: unintended_publication\ndata: {categories: [name, address]}\nexposure: {publicly_available: true}\n"
		f, err := facts.Parse([]byte("schema: breachdesk/facts/v1.1\ntimeline: {discovered_at: 2026-03-02T09:00:00Z, occurred_at: " + c.from + ", occurred_until: " + c.until + "}\n" + doc))
		if err != nil {
			t.Fatal(err)
		}
		a := Assess(f)
		if a.Level.String() != c.level {
			t.Errorf("%s: level %s, want %s", c.name, a.Level, c.level)
		}
		var all []string
		for _, ch := range a.Channels {
			all = append(all, ch.Reasons...)
		}
		if !strings.Contains(strings.Join(all, " "), c.because) {
			t.Errorf("%s: reasons do not say %q: %v", c.name, c.because, all)
		}
		found := false
		for _, as := range a.Assumptions {
			found = found || (as.Fact == "exposure.hours" && strings.Contains(as.Why, "timeline"))
		}
		if !found {
			t.Errorf("%s: exposure.hours not read from the timeline: %+v", c.name, a.Assumptions)
		}
	}
}
