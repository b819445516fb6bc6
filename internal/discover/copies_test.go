package discover

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// Leaving out a person's copies of a detail changes nothing People
// lists: records of a few hundred people, each record naming someone
// again (an email in another case, a shared name, a phone, an address,
// an identifier, a name in a letter, a record that joins two people
// found apart), give the same people, details in the same order, as a
// resolver that keeps every copy, while keeping a fraction of the
// details.
func TestCopiesLeftOutListTheSame(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		rnd := rand.New(rand.NewPCG(seed, 99))
		opt := Options{Key: []byte("copies test key")}
		lean, err := MergeResolver(opt, 0)
		if err != nil {
			t.Fatal(err)
		}
		full, err := MergeResolver(opt, 0)
		if err != nil {
			t.Fatal(err)
		}
		full.keepCopies = true
		given := []string{"Aroha", "Ben", "Chen", "Dana", "Eli", "Fatima"}
		family := []string{"Ngata", "Smith", "Li", "Walker"}
		const people = 300
		for k := 0; k < 6000; k++ {
			p := rnd.IntN(people)
			path := fmt.Sprintf("file-%d.csv", rnd.IntN(12))
			if rnd.IntN(2) == 0 {
				// The person's row again, in a log or another export: the
				// kind of record whose details are left out.
				g, f := given[p%len(given)], family[(p/len(given))%len(family)]
				email, ph := fmt.Sprintf("person%d@example.org", p), fmt.Sprintf("+6421%07d", p*7)
				fs := []Finding{{Type: PersonName, Field: "name", norm: strings.ToLower(g + " " + f), Value: g + " " + f, Confidence: 0.85},
					{Type: Email, Field: "email", norm: email, Value: email, Confidence: 0.95, Country: "NZ"},
					{Type: Phone, Field: "phone", norm: ph, Value: ph, Confidence: 0.95, Country: "NZ"}}
				lean.Add(path, fs)
				full.Add(path, fs)
				continue
			}
			var fs []Finding
			// Names are shared between people: 24 names for 300.
			g, f := given[p%len(given)], family[(p/len(given))%len(family)]
			switch rnd.IntN(4) {
			case 0:
				fs = append(fs, Finding{Type: PersonName, Field: "first_name", norm: strings.ToLower(g), Value: g, Confidence: 0.85},
					Finding{Type: PersonName, Field: "last_name", norm: strings.ToLower(f), Value: f, Confidence: 0.85})
			case 1:
				fs = append(fs, Finding{Type: PersonName, Field: "name", norm: strings.ToLower(g + " " + f), Value: g + " " + f, Confidence: 0.85})
			case 2:
				path = fmt.Sprintf("letter-%d.txt", rnd.IntN(5)) // a name in free text
				fs = append(fs, Finding{Type: PersonName, norm: strings.ToLower(g + " " + f), Value: g + " " + f, Confidence: 0.7})
			}
			email := fmt.Sprintf("person%d@example.org", p)
			if rnd.IntN(2) == 0 {
				shown := email
				if rnd.IntN(3) == 0 {
					shown = strings.ToUpper(email[:1]) + email[1:] // the same email, shown otherwise
				}
				fs = append(fs, Finding{Type: Email, Field: "email", norm: email, Value: shown, Confidence: 0.95, Country: "NZ"})
			}
			if rnd.IntN(3) == 0 {
				ph := fmt.Sprintf("+6421%07d", p*7+rnd.IntN(2)) // two phones each
				fs = append(fs, Finding{Type: Phone, Field: "phone", norm: ph, Value: ph, Confidence: 0.95, Country: "NZ"})
			}
			if rnd.IntN(4) == 0 {
				fs = append(fs, Finding{Type: StreetAddress, Field: "address", norm: fmt.Sprintf("%d main st", p), Value: fmt.Sprintf("%d Main St", p), Confidence: 0.8})
			}
			if rnd.IntN(5) == 0 {
				ssn := fmt.Sprintf("%03d-45-%04d", 100+p, rnd.IntN(3))
				fs = append(fs, Finding{Type: USSSN, Field: "ssn", norm: strings.ReplaceAll(ssn, "-", ""), Value: ssn, Confidence: 0.9})
			}
			if rnd.IntN(40) == 0 {
				// Joins another person's email to this one's: two people
				// found apart become one, with a detail of the record's
				// own between theirs.
				o := rnd.IntN(people)
				e := fmt.Sprintf("person%d@example.org", o)
				fs = append(fs, Finding{Type: Email, Field: "email2", norm: e, Value: e, Confidence: 0.95},
					Finding{Type: Phone, Field: "other", norm: fmt.Sprintf("+6427%07d", k), Value: fmt.Sprintf("+6427%07d", k), Confidence: 0.95})
			}
			if len(fs) == 0 {
				continue
			}
			lean.Add(path, fs)
			full.Add(path, fs)
		}
		var a, b []Person
		lean.People(func(p Person) { a = append(a, p) })
		full.People(func(p Person) { b = append(b, p) })
		if len(a) != len(b) {
			t.Fatalf("seed %d: %d people, %d keeping every copy", seed, len(a), len(b))
		}
		for i := range a {
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Fatalf("seed %d: person %d is\n%+v\nkeeping every copy\n%+v", seed, i, a[i], b[i])
			}
		}
		if l, f := lean.attrs.len(), full.attrs.len(); l*5 > f*3 {
			t.Errorf("seed %d: %d details kept of %d: copies are not left out", seed, l, f)
		}
	}
}
