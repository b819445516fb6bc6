package law

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated part of docs/jurisdictions.md")

// familyOrder and familyNames are the headings of docs/jurisdictions.md.
var familyOrder = []string{"us_state", "us_federal", "canada", "europe", "apac", "americas", "middle_east", "africa"}
var familyNames = map[string]string{"us_state": "US states, DC and territories", "us_federal": "US federal", "canada": "Canada",
	"europe": "Europe", "apac": "Asia-Pacific", "americas": "Latin America", "middle_east": "Middle East", "africa": "Africa"}

func familyOf(p *Pack) string { return p.Family }

const (
	docBegin = "<!-- BEGIN GENERATED from the packs: go test ./internal/law -run TestJurisdictionsDoc -update-docs -->"
	docEnd   = "<!-- END GENERATED -->"
)

// jurisdictionsDoc writes, from the loaded packs, the summary by family
// and one entry per regime with its places, sources and their quality,
// last-checked date, unsettled points and what it leaves out.
func jurisdictionsDoc(r *Rules) string {
	var b strings.Builder
	by := map[string][]*Pack{}
	for _, p := range r.Packs {
		by[familyOf(p)] = append(by[familyOf(p)], p)
	}
	fmt.Fprintf(&b, "%d regimes, %d rules.\n\n", len(r.Packs), countRules(r))
	b.WriteString("| Family | Regimes | Source quality (high / medium / low / not stated) | Rules | Worked cases |\n|---|---|---|---|---|\n")
	for _, fam := range familyOrder {
		ps := by[fam]
		q := map[string]int{}
		rules := 0
		for _, p := range ps {
			q[p.Quality]++
			rules += len(p.Rules)
		}
		fmt.Fprintf(&b, "| %s | %d | %d / %d / %d / %d | %d | %s |\n", familyNames[fam], len(ps), q["high"], q["medium"], q["low"], q[""], rules, casesDir(fam))
	}
	for _, fam := range familyOrder {
		ps := slices.Clone(by[fam])
		slices.SortFunc(ps, func(a, b *Pack) int { return strings.Compare(a.Regime, b.Regime) })
		fmt.Fprintf(&b, "\n## %s\n\n", familyNames[fam])
		b.WriteString("| Regime | Law | Applies to | Quality | Last checked | Unsettled points |\n|---|---|---|---|---|---|\n")
		for _, p := range ps {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %d |\n", p.Regime, cell(p.Title), cell(appliesTo(p)), orDash(p.Quality), orDash(p.LastChecked), len(p.Unsettled))
		}
		for _, p := range ps {
			fmt.Fprintf(&b, "\n### `%s`: %s\n\n", p.Regime, p.Title)
			if p.Regulator != "" {
				fmt.Fprintf(&b, "Regulator: %s.  \n", strings.TrimSuffix(p.Regulator, "."))
			}
			fmt.Fprintf(&b, "Applies to: %s.  \n", appliesTo(p))
			var secs []string
			for _, rl := range p.Rules {
				secs = appendUnique(secs, fmt.Sprintf("%s (from %s)", rl.Citation, rl.Effective))
			}
			fmt.Fprintf(&b, "Sections: %s.  \n", strings.Join(secs, "; "))
			if p.LastChecked == "" {
				b.WriteString("Last checked: not stated in the pack (it predates the field; its sources are in the pack's header and in docs/rules.md).\n")
			} else {
				fmt.Fprintf(&b, "Last checked: %s. Source quality: %s.\n", p.LastChecked, p.Quality)
			}
			if len(p.Sources) > 0 {
				b.WriteString("\nSources:\n\n")
				for _, s := range p.Sources {
					if s.URL != "" {
						fmt.Fprintf(&b, "- [%s](%s) (%s)\n", s.Title, s.URL, s.Kind)
					} else {
						fmt.Fprintf(&b, "- %s (%s)\n", s.Title, s.Kind)
					}
				}
			} else if p.Source != "" {
				fmt.Fprintf(&b, "\nSources: %s.\n", p.Source)
			}
			if len(p.Unsettled) > 0 {
				b.WriteString("\nUnsettled or not verified (said in the reasons of every duty it touches):\n\n")
				for _, u := range p.Unsettled {
					fmt.Fprintf(&b, "- %s\n", u)
				}
			}
			if len(p.NotCovered) > 0 {
				b.WriteString("\nNot covered:\n\n")
				for _, n := range p.NotCovered {
					fmt.Fprintf(&b, "- %s\n", n)
				}
			}
		}
	}
	return b.String()
}

func countRules(r *Rules) int {
	n := 0
	for _, p := range r.Packs {
		n += len(p.Rules)
	}
	return n
}

func casesDir(fam string) string {
	switch fam {
	case "us_state":
		return "`us-states/`"
	case "us_federal":
		return "`us-federal/`"
	case "europe", "apac":
		return "`international/`, and the older packs' own folders"
	}
	return "`international/`"
}

func appliesTo(p *Pack) string {
	switch {
	case p.Sectoral != "":
		return "named in organisation.subject_to only: " + p.Sectoral
	case len(p.Places) == 0:
		return "named in organisation.subject_to only"
	case p.ResidentsOnly:
		return "residents of " + strings.Join(p.Places, ", ")
	}
	return "people in " + strings.Join(p.Places, ", ")
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func orDash(s string) string {
	if s == "" {
		return "not stated"
	}
	return s
}

// TestJurisdictionsDoc: the generated part of docs/jurisdictions.md is
// what the packs say, so the document cannot drift from the law engine.
func TestJurisdictionsDoc(t *testing.T) {
	r := mustRules(t)
	const path = "../../docs/jurisdictions.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, docBegin), strings.Index(doc, docEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated section's markers", path)
	}
	want := doc[:i+len(docBegin)] + "\n" + jurisdictionsDoc(r) + doc[j:]
	if want == doc {
		return
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("docs/jurisdictions.md is out of date with the packs: go test ./internal/law -run TestJurisdictionsDoc -update-docs")
}
