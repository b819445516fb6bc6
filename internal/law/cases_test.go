package law

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/breachdesk/breachdesk/internal/facts"
)

// workedCase is one file of the worked-case corpus (testdata/cases/,
// format in docs/rules.md): a facts document, the source and its words,
// and what the source decides.
type workedCase struct {
	ID     string `yaml:"id"`
	Source string `yaml:"source"`
	Quote  string `yaml:"quote"`
	Facts  any    `yaml:"facts"`
	// Expect maps a regime to its audiences' decisions; a key with a dot
	// names one rule instead (us_vt.preliminary: required).
	Expect map[string]map[string]string `yaml:"expect"`
	// Due maps a rule id to the deadline the source sets (RFC 3339), or
	// "none" for a duty with no fixed period.
	Due   map[string]string `yaml:"due"`
	At    string            `yaml:"at"`
	Notes string            `yaml:"notes"`
}

func loadCases(t *testing.T) map[string]*workedCase {
	t.Helper()
	out := map[string]*workedCase{}
	err := filepath.WalkDir("testdata/cases", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var c workedCase
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		if want := strings.TrimSuffix(filepath.Base(path), ".yaml"); c.ID != want {
			t.Errorf("%s: id %q must be the file name %q", path, c.ID, want)
		}
		if c.Source == "" || c.Quote == "" || len(c.Expect)+len(c.Due) == 0 {
			t.Errorf("%s: a case needs its source, the source's words and what it decides", path)
		}
		if _, dup := out[c.ID]; dup {
			t.Errorf("%s: id used twice", path)
		}
		out[c.ID] = &c
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// strongest is the most demanding decision among a regime's rules for
// one audience.
func strongest(a Assessment, regime, audience string) (string, []string) {
	best, why := "", []string(nil)
	for _, o := range a.Obligations {
		if o.Regime == regime && o.Audience == audience && (best == "" || strength[o.Decision] > strength[best]) {
			best, why = o.Decision, o.Reasons
		}
	}
	return best, why
}

// TestWorkedCases runs every case of the corpus through the engine.
func TestWorkedCases(t *testing.T) {
	rules := mustRules(t)
	cases := loadCases(t)
	ids := make([]string, 0, len(cases))
	for id := range cases {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c := cases[id]
		t.Run(id, func(t *testing.T) {
			doc, err := yaml.Marshal(c.Facts)
			if err != nil {
				t.Fatal(err)
			}
			f, err := facts.Parse(doc)
			if err != nil {
				t.Fatalf("facts: %v", err)
			}
			at := f.Timeline.DiscoveredAt.Add(time.Hour)
			if c.At != "" {
				if at, err = time.Parse(time.RFC3339, c.At); err != nil {
					t.Fatal(err)
				}
			}
			a := rules.Assess(f, Options{At: at})
			for key, want := range c.Expect {
				for aud, dec := range want {
					var got string
					var why []string
					if strings.Contains(aud, ".") {
						if ob := find(a, aud); ob != nil {
							got, why = ob.Decision, ob.Reasons
						}
					} else {
						got, why = strongest(a, key, aud)
					}
					if got != dec {
						t.Errorf("%s %s: %q, want %s (%s)\n  reasons: %s", key, aud, got, dec, c.Source, strings.Join(why, " | "))
					}
				}
			}
			for rule, want := range c.Due {
				ob := find(a, rule)
				if ob == nil {
					t.Errorf("%s: no obligation", rule)
					continue
				}
				switch {
				case want == "none" && ob.Due != nil:
					t.Errorf("%s: due %v, want no fixed deadline", rule, ob.Due)
				case want != "none" && (ob.Due == nil || ob.Due.Format(time.RFC3339) != want):
					t.Errorf("%s: due %v, want %s (%s)", rule, ob.Due, want, c.Source)
				}
			}
		})
	}
}
