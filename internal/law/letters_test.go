package law

import (
	"strings"
	"testing"
)

func TestLetterForEachState(t *testing.T) {
	r := mustRules(t)
	for _, p := range r.Packs {
		_, ok := r.LetterFor(p.Regime, nil)
		if isState := p.Family == "us_state"; ok != isState {
			t.Errorf("%s: letter %v, state %v", p.Regime, ok, isState)
		}
	}
	ca, _ := r.LetterFor("us_ca", []string{"name", "payment_card"})
	if ca.Title != "Notice of Data Breach" || len(ca.Headings) != 5 || ca.MinPoints != 10 || len(ca.Contacts) != 0 || len(ca.Content) == 0 {
		t.Fatalf("California without a Social Security or licence number: %+v", ca)
	}
	ca, _ = r.LetterFor("us_ca", []string{"name", "government_id"})
	if len(ca.Contacts) != 3 || ca.Contacts[0].Kind != "cra" {
		t.Fatalf("California with a Social Security number gives the agencies: %+v", ca.Contacts)
	}
	md, _ := r.LetterFor("us_md", []string{"name", "government_id"})
	var kinds []string
	for _, c := range md.Contacts {
		kinds = append(kinds, c.Kind)
	}
	if strings.Join(kinds, ",") != "cra,cra,cra,ftc,attorney_general" || md.Contacts[4].TollFree != "1-888-743-0023" || len(md.Confirm) != 0 {
		t.Fatalf("Maryland: %v %+v", kinds, md)
	}
	for _, st := range []string{"us_dc", "us_ri", "us_ny"} {
		l, _ := r.LetterFor(st, []string{"name", "government_id"})
		if len(l.Confirm) != 1 || !strings.Contains(l.Confirm[0], "Attorney General") {
			t.Errorf("%s: the attorney general's details were not confirmed, and the letter says so: %v", st, l.Confirm)
		}
	}
	for _, c := range append(consumerReportingAgencies, federalTradeCommission) {
		if c.Checked == "" || c.TollFree == "" || c.Address == "" || c.Website == "" {
			t.Errorf("%s lacks a detail or where it was checked", c.Name)
		}
	}
	if _, ok := r.LetterFor("eu_gdpr", nil); ok {
		t.Fatal("the GDPR has no state letter")
	}
}
