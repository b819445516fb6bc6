//go:build unix

package law

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	updatePins = flag.Bool("update-pins", false, "rewrite testdata/assessments.sum from what the engine now writes")
	pinDump    = flag.String("pin-dump", "", "also write each pinned assessment's JSON to this directory, to compare two versions with diff -r")
)

const pinFile = "testdata/assessments.sum"

// pinnedAssessments are the assessments whose JSON is pinned: every
// worked case, the fifty-states incident (with and without the
// organisation's own target), and random incidents in random places
// (fixed seeds), by name.
func pinnedAssessments(t *testing.T) map[string]Assessment {
	t.Helper()
	rules := mustRules(t)
	out := map[string]Assessment{}
	for id, c := range loadCases(t) {
		f, at, err := c.facts()
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		out["case/"+id] = rules.Assess(f, Options{At: at})
	}
	fifty := fiftyStatesTwentyCountries(t)
	out["fifty-states"] = rules.Assess(fifty, Options{At: aware})
	out["fifty-states-target-24h"] = rules.Assess(fifty, Options{At: aware.Add(30 * time.Hour), TargetHours: 24})
	r := rand.New(rand.NewSource(13))
	for i := 0; i < 300; i++ {
		out[fmt.Sprintf("random/%03d", i)] = rules.Assess(randomFacts(r), Options{At: aware.Add(time.Duration(r.Intn(12000)) * time.Hour)})
	}
	places := placesOf(rules)
	w := rand.New(rand.NewSource(17))
	for i := 0; i < 600; i++ {
		out[fmt.Sprintf("world/%03d", i)] = rules.Assess(randomWorld(w, rules, places), Options{At: aware.Add(time.Duration(w.Intn(12000)) * time.Hour)})
	}
	return out
}

// TestAssessmentsPinned: the JSON of each pinned assessment hashes as
// testdata/assessments.sum says, so work on how fast the engine runs
// cannot change a decision, a flip or a word of a reason unnoticed. A
// change meant to change what the engine says rewrites the file
// (go test ./internal/law -run TestAssessmentsPinned -update-pins) and
// the diff of the file shows which assessments it changed; -pin-dump DIR
// writes their JSON to compare before and after.
func TestAssessmentsPinned(t *testing.T) {
	got := map[string]string{}
	for name, a := range pinnedAssessments(t) {
		b, err := json.MarshalIndent(a, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		got[name] = hex.EncodeToString(sum[:12])
		if *pinDump != "" {
			p := filepath.Join(*pinDump, filepath.FromSlash(name)+".json")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	if *updatePins {
		var b strings.Builder
		b.WriteString("# The SHA-256 (first 24 hex digits) of the JSON of each pinned assessment (pin_test.go).\n")
		b.WriteString("# Rewrite with: go test ./internal/law -run TestAssessmentsPinned -update-pins\n")
		for _, n := range names {
			fmt.Fprintf(&b, "%s %s\n", n, got[n])
		}
		if err := os.WriteFile(pinFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	file, err := os.Open(pinFile)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, sum, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("%s: malformed line %q", pinFile, line)
		}
		want[name] = sum
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var changed, added []string
	for _, n := range names {
		switch w, ok := want[n]; {
		case !ok:
			added = append(added, n)
		case w != got[n]:
			changed = append(changed, n)
		}
		delete(want, n)
	}
	gone := make([]string, 0, len(want))
	for n := range want {
		gone = append(gone, n)
	}
	sort.Strings(gone)
	if len(changed)+len(added)+len(gone) > 0 {
		t.Errorf("%d pinned assessments changed, %d are new and %d are gone (changed: %s; new: %s; gone: %s). "+
			"If the change is meant to change what the engine says, rewrite the pins with -update-pins; if not, it changed a decision or a reason.",
			len(changed), len(added), len(gone), firstFew(changed), firstFew(added), firstFew(gone))
	}
}

func firstFew(names []string) string {
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + ", ..."
	}
	return strings.Join(names, ", ")
}
