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
