package notice

import (
	"bytes"
	"strings"
	"testing"
)

// fullEmail renders a person's email the long way, as a stencil must
// write it.
func fullEmail(t testing.TB, tpl *Templates, d Data, p Person) Email {
	t.Helper()
	d.Person = &p
	doc, err := tpl.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	e, err := doc.ForEmail(tpl.Lang)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func sameEmail(a, b Email) bool {
	return a.Subject == b.Subject && a.Text == b.Text && bytes.Equal(a.HTML, b.HTML)
}

func TestStencilWritesWhatRenderingInFullWrites(t *testing.T) {
	tpl, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	base := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	people := syntheticPeople(50)
	for i := range people {
		people[i].Reference = "7Q2M-K9DT-4XRB-H1V" + string(rune('A'+i%26))
	}
	// Words HTML escapes, letters beyond ASCII, a name long enough to
	// wrap the greeting differently from a short one, no reference.
	people = append(people,
		Person{Name: `Zoë O'Brien & "Sons" <Ltd> + Co`, Email: "zoe@example.org", Reference: "AAAA-BBBB-CCCC-DDDD"},
		Person{Name: strings.Repeat("Wiremu Te Rangi ", 9) + "Jr", Email: "w@example.org", Reference: "AAAA-BBBB-CCCC-DDDE"},
		Person{Name: "Ana", Email: "ana@example.org"},
		Person{Email: "nameless@example.org", Reference: "AAAA-BBBB-CCCC-DDDF"},
		Person{Name: "Mere Tāwhiri", Email: "mere@example.org", Elements: []string{"health", "date_of_birth"}, Reference: "AAAA-BBBB-CCCC-DDDG"},
	)
	for _, stage := range []int{1, 2} {
		d := base
		d.Stage, d.PreviousRef = stage, "the notice of 2 March"
		stencils := map[string]*Stencil{}
		for _, p := range people {
			key := StencilKey(p)
			st := stencils[key]
			if st == nil {
				d.Person = &p
				if st, err = tpl.Stencil(d); err != nil {
					t.Fatal(err)
				}
				if !st.Usable() {
					t.Fatalf("the built-in notice's stencil is not usable for %q", p.Name)
				}
				stencils[key] = st
			}
			got, ok := st.Fill(p)
			if !ok {
				t.Fatalf("stage %d: the stencil declined %q", stage, p.Name)
			}
			if want := fullEmail(t, tpl, d, p); !sameEmail(got, want) {
				t.Fatalf("stage %d, %q: the stencil wrote\n%s\n%s\nbut in full it is\n%s\n%s", stage, p.Name, got.Text, got.HTML, want.Text, want.HTML)
			}
		}
		if len(stencils) != 5 {
			t.Fatalf("%d stencils for 5 shapes", len(stencils))
		}
	}
}

func TestStencilDeclinesWordsThatReadDifferently(t *testing.T) {
	tpl, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	d := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	p := Person{Name: "Ana Smith", Email: "ana@example.org"}
	d.Person = &p
	st, err := tpl.Stencil(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Ana\n# Pay here", " Ana", "- Ana", "Q: Ana", "Ana\u2028Smith", "Ana \ue0000\ue001", "\x00Ana"} {
		q := p
		q.Name = name
		if _, ok := st.Fill(q); ok {
			t.Errorf("the stencil filled in %q instead of leaving it to a full rendering", name)
		}
	}
	q := p
	q.Phone = "+64 21 555 0100" // another shape
	if _, ok := st.Fill(q); ok {
		t.Error("the stencil filled in a person of another shape")
	}
}

func TestStencilOfATemplateThatChangesWordsIsNotUsed(t *testing.T) {
	d := example(t, "../../examples/retailer-card-skimming.yaml", Individual)
	p := Person{Name: "Ana Smith", Email: "ana@example.org"}
	d.Person = &p
	for _, src := range []string{
		"# Notice\n{{with .Person}}Dear {{printf \"%.3s\" .Name}},{{end}}\n",
		"# Notice\n{{with .Person}}Dear {{if eq .Name \"Probe0\"}}x{{end}}{{len .Name}},{{end}}\n",
	} {
		tpl, err := LoadTemplates("en")
		if err != nil {
			t.Fatal(err)
		}
		if err := tpl.Set(Individual, src); err != nil {
			t.Fatal(err)
		}
		st, err := tpl.Stencil(d)
		if err != nil {
			t.Fatal(err)
		}
		if st.Usable() {
			t.Errorf("a stencil of %q is used, though the template changes the name", src)
		}
		if _, ok := st.Fill(p); ok {
			t.Errorf("an unusable stencil filled in a person")
		}
	}
	// A word in a link's address is escaped differently from text: the
	// page is then laid out per person, and still written exactly.
	tpl, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	if err := tpl.Set(Individual, "# Notice for {{.Person.Name}}\nDear {{.Person.Name}}, we wrote to {{.Person.Email}}.\n"); err != nil {
		t.Fatal(err)
	}
	st, err := tpl.Stencil(d)
	if err != nil || !st.Usable() {
		t.Fatal(err, st.Usable())
	}
	q := Person{Name: `Tom "T" <Lee>`, Email: "tom+x@example.org"}
	got, ok := st.Fill(q)
	if !ok || !sameEmail(got, fullEmail(t, tpl, d, q)) {
		t.Fatalf("filled %v: %+v", ok, got)
	}
}

// BenchmarkStencilNotices writes the same personalised emails as
// BenchmarkPersonalisedNotices from one stencil.
func BenchmarkStencilNotices(b *testing.B) {
	tpl, err := LoadTemplates("en")
	if err != nil {
		b.Fatal(err)
	}
	base := example(b, "../../examples/retailer-card-skimming.yaml", Individual)
	people := syntheticPeople(1000)
	d := base
	d.Person = &people[0]
	st, err := tpl.Stencil(d)
	if err != nil || !st.Usable() {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := st.Fill(people[i%len(people)]); !ok {
			b.Fatal("declined")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notices/s")
}
