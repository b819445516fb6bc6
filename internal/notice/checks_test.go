package notice

import (
	"fmt"
	"strings"
	"testing"
)

func TestRequiredContentIsCheckedOnWhatWasRendered(t *testing.T) {
	tpl, _ := LoadTemplates("en")
	d := example(t, "../../examples/university-spreadsheet.yaml", OAIC)
	doc, _ := tpl.Render(d)
	if fs := Check(doc, d, DefaultGrade); Blocking(fs) {
		t.Fatalf("complete OAIC statement blocked: %v", fs)
	}
	// An organisation edits the template and drops the recommendations.
	src := strings.Replace(readTemplate(t, OAIC), "## Recommended steps for individuals", "## Other notes", 1)
	if err := tpl.Set(OAIC, src); err != nil {
		t.Fatal(err)
	}
	doc, _ = tpl.Render(d)
	fs := Check(doc, d, DefaultGrade)
	if !Blocking(fs) || !strings.Contains(fmt.Sprint(fs), "s 26WK(3)(d)") {
		t.Fatalf("a statement without recommendations must be blocked citing s 26WK(3)(d): %v", fs)
	}
}

func readTemplate(t *testing.T, k Kind) string {
	b, err := builtinTemplates.ReadFile("templates/en/" + string(k) + ".tmpl")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGDPRLateNotificationNeedsReasons(t *testing.T) {
	tpl, _ := LoadTemplates("en")
	d := example(t, "../../examples/university-spreadsheet.yaml", GDPR)
	d.Late = true
	doc, _ := tpl.Render(d)
	if fs := Check(doc, d, DefaultGrade); !strings.Contains(fmt.Sprint(fs), "art 33(1)") {
		t.Fatalf("late without reasons: %v", fs)
	}
	d.DelayReason = "The scale of the breach was only known after the forensic review on day 4."
	doc, _ = tpl.Render(d)
	if fs := Check(doc, d, DefaultGrade); strings.Contains(fmt.Sprint(fs), "delay_reasons") || strings.Contains(fmt.Sprint(fs), "art 33(1)") {
		t.Fatalf("reasons given: %v", fs)
	}
}

func TestPlainEnglish(t *testing.T) {
	mk := func(text string) Document {
		return Document{Title: "t", Sections: []Section{{Heading: "What happened", Blocks: []Block{{Kind: Paragraph, Text: text}}}}}
	}
	plain := mk("We sent your letter to the wrong address. We are sorry. We have asked the person to send it back to us.")
	if fs := PlainEnglish(plain, DefaultGrade); len(fs) != 0 {
		t.Fatalf("plain text flagged: %v", fs)
	}
	for name, c := range map[string]struct{ text, element string }{
		"jargon": {"A threat actor achieved exfiltration of PII.", "jargon"},
		"grade":  {"Notwithstanding comprehensive organisational investigations, unauthorised infrastructural misconfiguration facilitated considerable informational exposure.", "reading_grade"},
		"long":   {strings.Repeat("we did this and then ", 8) + "we stopped.", "long_sentence"},
		"vague":  {"Your personal information has been leaked.", "vague"},
	} {
		fs := PlainEnglish(mk(c.text), DefaultGrade)
		found := false
		for _, f := range fs {
			found = found || f.Element == c.element
		}
		if !found {
			t.Errorf("%s: no %s finding in %v", name, c.element, fs)
		}
	}
	if g := Grade("The cat sat on the mat."); g > 2 {
		t.Errorf("grade of a simple sentence: %.1f", g)
	}
}

// TestNoOverSharingInA1000PersonMerge renders a notice for each of 1,000
// people and checks none carries anyone else's details; then plants one
// person's email in another's notice and expects it caught.
func TestNoOverSharingInA1000PersonMerge(t *testing.T) {
	tpl, _ := LoadTemplates("en")
	base := example(t, "../../examples/university-spreadsheet.yaml", Individual)
	people := syntheticPeople(1000)
	ix := IndexPeople(people)
	for i := range people {
		d := base
		d.Person = &people[i]
		doc, err := tpl.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		text := doc.PlainText()
		if !strings.Contains(text, people[i].Name) {
			t.Fatalf("notice %d is not addressed to its person", i)
		}
		if fs := ix.OverSharing(text, i); len(fs) != 0 {
			t.Fatalf("notice %d over-shares: %v", i, fs)
		}
	}
	d := base
	d.Person = &people[10]
	d.Breach.WhatHappened = "The spreadsheet listed " + people[500].Email + " and " + people[501].Name + " among others."
	doc, _ := tpl.Render(d)
	fs := ix.OverSharing(doc.PlainText(), 10)
	if len(fs) != 2 {
		t.Fatalf("planted details of two other people, found %d: %v", len(fs), fs)
	}
}

var given = []string{"Aroha", "Ben", "Chloe", "Dev", "Eru", "Fatima", "Grace", "Hemi", "Isla", "Jack", "Kiri", "Liam", "Mei", "Noah", "Olivia", "Priya", "Quinn", "Rawiri", "Sofia", "Tane"}
var family = []string{"Smith", "Ngata", "Wilson", "Patel", "Brown", "Te Whare", "Chen", "Taylor", "Singh", "Williams", "Walker", "Nguyen", "Kaur", "Moana", "Jones"}

func syntheticPeople(n int) []Person {
	ps := make([]Person, n)
	for i := range ps {
		g, f := given[i%len(given)], family[(i/len(given))%len(family)]
		ps[i] = Person{Name: fmt.Sprintf("%s %s-%d", g, f, i), Email: fmt.Sprintf("person%d@example.org", i), Phone: fmt.Sprintf("+64 21 %03d %04d", i%1000, 1000+i),
			Address: []string{fmt.Sprintf("%d Example Street", i+1), "Wellington 6011"}}
	}
	return ps
}

func TestParsePeopleCSV(t *testing.T) {
	ps, err := ParsePeopleCSV(strings.NewReader("\ufeffFirst name,Surname,E-mail,Mobile,Address line 1,City,Postcode,Country,At risk\n" +
		"Aroha,Ngata,aroha@example.nz,021 234 5678,12 Kauri Road,Auckland,1010,New Zealand,yes\n\n" +
		"Ben,Smith,,,4 George St,Sydney NSW,2000,Australia,no\n"))
	if err != nil || len(ps) != 2 {
		t.Fatalf("%v %+v", err, ps)
	}
	if ps[0].Name != "Aroha Ngata" || !ps[0].AtRisk || ps[0].Email != "aroha@example.nz" || len(ps[0].Address) != 3 || ps[1].AtRisk {
		t.Fatalf("%+v", ps)
	}
	for _, bad := range []string{"", "colour,size\nred,9\n", "name,email\nAroha,not-an-email\n", "name,email\nNobody,\n"} {
		if _, err := ParsePeopleCSV(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	if _, err := ParsePeopleCSV(strings.NewReader("name,email\nA,a@example.org\nB,bad\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("the bad row is not named: %v", err)
	}
	all := []Affected{{ID: 1, AtRisk: true}, {ID: 2}}
	if len(Select(all, OptionAtRisk)) != 1 || len(Select(all, OptionAll)) != 2 {
		t.Fatal("options select the wrong people")
	}
}

func FuzzParsePeopleCSV(f *testing.F) {
	f.Add("name,email\nA B,a@example.org\n")
	f.Add("First name,Surname,Address line 1,City,At risk\nA,B,1 Road,Town,yes\n")
	f.Add("email\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParsePeopleCSV(strings.NewReader(s))
		if err == nil {
			for _, p := range ps {
				if p.Validate() != nil {
					t.Fatalf("an invalid person was imported: %+v", p)
				}
			}
		}
	})
}
