package notice

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden renders every kind of notice from the seed examples and
// compares the text with testdata/golden; run with -update after a
// deliberate change and read the diff.
func TestGolden(t *testing.T) {
	tpl, err := LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range []string{"university-spreadsheet", "family-violence-database", "retailer-card-skimming"} {
		for _, k := range Kinds {
			d := example(t, "../../examples/"+ex+".yaml", k)
			d.NoticeURL = "https://example.org/notices/privacy-breach"
			if k == NotifyUsUpdate {
				d.Changes = []string{"The number of people affected is now known: " + d.Count(d.Breach.People) + "."}
				d.PreviousRef = "NU-2026-0001"
			}
			doc, err := tpl.Render(d)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString(doc.Text(78))
			b.WriteString("\n--- checks ---\n")
			for _, f := range Check(doc, d, DefaultGrade) {
				b.WriteString(f.String() + "\n")
			}
			path := filepath.Join("testdata", "golden", ex+"."+string(k)+".txt")
			if *update {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%s: %v (run with -update)", path, err)
			}
			if string(want) != b.String() {
				t.Errorf("%s differs from its golden file; run go test ./internal/notice -run Golden -update and review the diff", path)
			}
		}
	}
}
