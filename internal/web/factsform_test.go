package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/fault"
)

func TestFactsFormRoundTrip(t *testing.T) {
	form := url.Values{"organisation.subject_to": {"nz_privacy_act"}, "timeline.discovered_at": {"2026-03-02T09:00"}, "timeline.ongoing": {"no"},
		"data.categories": {"name", "health"}, "people.count": {"1,200"}, "people.by_jurisdiction": {"nz=1000, AU-VIC=200"},
		"harms": {"fraud"}, "harms.fraud.impact": {"serious"}, "remediation.steps": {"Changed passwords\n\nRecalled email"},
		"entities.name": {"Mailing house"}, "entities.notifies": {"yes"}, "exposure.hours": {"1.5"}}
	loc, _ := time.LoadLocation("Pacific/Auckland")
	f, raw, err := factsFromForm(form, loc)
	if err != nil {
		t.Fatal(err)
	}
	if *f.People.Count != 1200 || f.People.ByJurisdiction["NZ"] != 1000 || f.Timeline.DiscoveredAt.UTC().Hour() != 20 || len(f.Remediation.Steps) != 2 || !*f.Entities[0].Notifies {
		t.Fatalf("parsed %+v", f)
	}
	back := formOfFacts(raw, loc)
	for _, k := range []string{"timeline.discovered_at", "people.count", "harms.fraud.impact", "entities.name", "people.by_jurisdiction"} {
		if back.Get(k) == "" {
			t.Errorf("%s lost in the round trip: %v", k, back)
		}
	}
	if back.Get("timeline.discovered_at") != "2026-03-02T09:00" {
		t.Errorf("time zone lost: %s", back.Get("timeline.discovered_at"))
	}
}

func FuzzFactsForm(f *testing.F) {
	f.Add("timeline.discovered_at=2026-03-02T09:00&data.categories=health&people.by_jurisdiction=NZ%3D3")
	f.Add("timeline.discovered_at=x&people.count=-1&harms=spam&harms.spam.impact=huge&exposure.hours=NaN")
	f.Add("people.by_jurisdiction=%3D%3D%2C%3B&entities.name=a&organisation.subject_to=mars")
	f.Fuzz(func(t *testing.T, q string) {
		form, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		if _, _, err := factsFromForm(form, time.UTC); err != nil && fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("%q: %v", q, err)
		}
	})
}

// The form asks for the version 1.1 facts and keeps them through a round
// trip.
func TestFactsFormVersionOneOne(t *testing.T) {
	form := url.Values{"timeline.discovered_at": {"2026-03-02T09:00"}, "timeline.first_alert_at": {"2026-03-01T09:00"},
		"organisation.vic_public_sector": {"yes"}, "method": {"exposed_email_recipients"}, "data.already_public": {"no"}, "data.sensitive": {"yes"},
		"recipient.relation": {"stranger"}, "recipient.count": {"1,000"}, "recipient.deletion_assurance": {"their_word"}, "recipient.repeated": {"no"},
		"effects.availability": {"temporary"}, "effects.availability_hours": {"36"}, "effects.availability_criticality": {"critical"},
		"effects.business_impact_level": {"3"}, "protection.restored_from": {"backup"}, "protection.restored_at": {"2026-03-03T10:00"},
		"people.at_higher_risk.count": {"4"}, "people.at_higher_risk.why": {"protected addresses"}, "people.already_aware": {"yes"},
		"notification_constraints.other_delay": {"national_security"}, "entities.name": {"Portal provider"}, "entities.notifies": {"yes"},
		"entities.notified": {"yes"}, "entities.reference": {"OPC-2026-114"}}
	f, raw, err := factsFromForm(form, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if *f.Recipient.Count != 1000 || f.Recipient.Relation != "stranger" || *f.Effects.BusinessImpactLevel != 3 || *f.People.AtHigherRisk.Count != 4 ||
		!*f.Organisation.VicPublicSector || f.Entities[0].Reference != "OPC-2026-114" || f.Timeline.FirstAlertAt == nil || f.Protection.RestoredAt == nil {
		t.Fatalf("parsed %+v", f)
	}
	back := formOfFacts(raw, time.UTC)
	for _, k := range []string{"recipient.relation", "recipient.count", "people.at_higher_risk.why", "entities.reference", "effects.business_impact_level", "timeline.first_alert_at", "protection.restored_at"} {
		if back.Get(k) != form.Get(k) && !(k == "recipient.count" && back.Get(k) == "1000") {
			t.Errorf("%s: %q came back as %q", k, form.Get(k), back.Get(k))
		}
	}
	if _, _, err := factsFromForm(url.Values{"timeline.discovered_at": {"2026-03-02T09:00"}, "effects.business_impact_level": {"7"}}, time.UTC); fault.FieldsOf(err)["effects.business_impact_level"] == "" {
		t.Fatalf("a level outside 1-5 is refused on its field: %v", err)
	}
}
