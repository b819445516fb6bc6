package discover

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// targets are the quality bars: precision and recall.
var targets = map[Type][2]float64{
	CreditCard: {0.98, 0.95}, IBAN: {0.98, 0.95}, USSSN: {0.98, 0.95}, AUTFN: {0.98, 0.95}, AUMedicare: {0.98, 0.95},
	AUABN: {0.98, 0.95}, NZIRD: {0.98, 0.95}, NZNHI: {0.98, 0.95},
	Email: {0.9, 0.9}, Phone: {0.9, 0.9}, DateOfBirth: {0.9, 0.9},
	NZBankAccount: {0.9, 0.9}, AUBSBAccount: {0.9, 0.9},
	PersonName: {0.9, 0.9}, StreetAddress: {0.9, 0.9},
}

// scoredOnlyIn limits the types found from columns as well as from free
// text to the files where the corpus plants them in free text: the other
// files' name and address columns are not in the ground truth.
var scoredOnlyIn = map[Type]string{PersonName: "letters/referral.docx", StreetAddress: "letters/referral.docx"}

// checksummed are the types whose planted values all pass a check, so
// every correct finding of them must say validated.
var checksummed = map[Type]bool{CreditCard: true, IBAN: true, USSSN: true, AUTFN: true, AUMedicare: true, AUABN: true,
	NZIRD: true, NZNHI: true, NZBankAccount: true}

// TestPrecisionAndRecall scans the synthetic corpus and compares every
// finding with what was planted, per element type over the corpus and
// per file, and the people found in each file with the people it holds.
func TestPrecisionAndRecall(t *testing.T) {
	dir := t.TempDir()
	n := 300 // people per file; BREACHDESK_CORPUS_PEOPLE for more
	if v, err := strconv.Atoi(os.Getenv("BREACHDESK_CORPUS_PEOPLE")); err == nil && v > 0 {
		n = v
	}
	c, err := writeCorpus(dir, n, 42)
	if err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{7}, 32)
	var out bytes.Buffer
	sum, _, err := Scan(context.Background(), []string{dir}, Options{Key: key, Findings: &out})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 0 {
		t.Fatalf("skipped: %+v", sum.Skipped)
	}
	sc := score(t, c.truth, key, &out)
	t.Logf("%-14s %8s %8s %8s %9s %7s %9s", "type", "planted", "reported", "correct", "precision", "recall", "validated")
	for _, ty := range Types {
		tg, ok := targets[ty]
		if !ok {
			continue
		}
		all := sc[""][ty]
		prec, rec := ratio(all.correct, all.reported), ratio(all.correct, all.planted)
		t.Logf("%-14s %8d %8d %8d %9.3f %7.3f %9d", ty, all.planted, all.reported, all.correct, prec, rec, all.validated)
		if checksummed[ty] && all.validated != all.correct {
			t.Errorf("%s: %d of %d correct findings validated; every planted value passes its check", ty, all.validated, all.correct)
		}
		if all.planted == 0 {
			t.Errorf("%s: nothing planted; the corpus must cover every scored type", ty)
			continue
		}
		if prec < tg[0] || rec < tg[1] {
			t.Errorf("%s: precision %.3f (target %.2f), recall %.3f (target %.2f)", ty, prec, tg[0], rec, tg[1])
		}
	}
	checkPeople(t, dir, c, sc)
}

// tally is one type's findings against the ground truth.
type tally struct{ planted, reported, correct, validated int }

// score compares findings with what was planted: per file ("" for the
// whole corpus), per type.
func score(t *testing.T, truth []planted, key []byte, out *bytes.Buffer) map[string]map[Type]*tally {
	type occ struct {
		path string
		t    Type
		id   string
	}
	sc := map[string]map[Type]*tally{}
	at := func(path string, ty Type) (*tally, *tally) {
		file, _, _ := strings.Cut(path, "!/")
		for _, k := range []string{"", file} {
			if sc[k] == nil {
				sc[k] = map[Type]*tally{}
			}
			if sc[k][ty] == nil {
				sc[k][ty] = &tally{}
			}
		}
		return sc[""][ty], sc[file][ty]
	}
	want := map[occ]int{}
	for _, p := range truth {
		want[occ{p.path, p.t, idHex(key, p.norm)}]++
		a, f := at(p.path, p.t)
		a.planted++
		f.planted++
	}
	unexpected := 0
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		var f struct {
			Path, Type, ID string
			Validated      bool
		}
		if err := json.Unmarshal(lines.Bytes(), &f); err != nil {
			t.Fatalf("finding is not JSON: %s", lines.Text())
		}
		ty := Type(f.Type)
		if _, scored := targets[ty]; !scored {
			continue
		}
		if only := scoredOnlyIn[ty]; only != "" && f.Path != only {
			continue
		}
		a, fl := at(f.Path, ty)
		a.reported++
		fl.reported++
		k := occ{f.Path, ty, f.ID}
		if want[k] > 0 {
			want[k]--
			a.correct++
			fl.correct++
			if f.Validated {
				a.validated++
				fl.validated++
			}
		} else if unexpected++; testing.Verbose() && unexpected <= 20 {
			t.Logf("unexpected %s in %s", ty, f.Path)
		}
	}
	return sc
}

// checkPeople scans each file of the corpus alone and compares the people
// found with the people it holds (within 2%), printing them with each
// type's precision and recall in that file; for the people the corpus
// placed, it checks their names, name parts and subdivisions.
func checkPeople(t *testing.T, dir string, c *corpus, sc map[string]map[Type]*tally) {
	var files []string
	for f := range c.persons {
		files = append(files, f)
	}
	sort.Strings(files)
	t.Logf("%-26s %7s %7s %7s  %s", "file", "people", "found", "off", "precision/recall per type")
	total, found := 0, 0
	for _, f := range files {
		_, res, err := Scan(context.Background(), []string{filepath.Join(dir, filepath.FromSlash(f))}, Options{Key: []byte("k"), Reveal: true})
		if err != nil {
			t.Fatal(err)
		}
		n, want := res.Count(), c.persons[f]
		total, found = total+want, found+n
		var types []string
		for _, ty := range Types {
			if x := sc[f][ty]; x != nil && x.planted > 0 {
				types = append(types, fmt.Sprintf("%s %.3f/%.3f", ty, ratio(x.correct, x.reported), ratio(x.correct, x.planted)))
			}
		}
		off := float64(n-want) / float64(want)
		t.Logf("%-26s %7d %7d %+6.1f%%  %s", f, want, n, 100*off, strings.Join(types, ", "))
		if off > 0.02 || off < -0.02 {
			t.Errorf("%s: %d people found for the %d it holds", f, n, want)
		}
		var byEmail = map[string]Person{}
		res.People(func(p Person) {
			for _, e := range p.Emails {
				byEmail[strings.ToLower(e)] = p
			}
		})
		right, wrong := 0, 0
		for _, pl := range c.places {
			if pl.path != f {
				continue
			}
			p := byEmail[pl.email]
			place := p.Jurisdiction
			if p.Subdivision != "" {
				place = p.Subdivision
			}
			if p.Name != pl.name || p.GivenName != pl.given || p.FamilyName != pl.family || place != pl.place || p.JurisdictionBasis != "address" {
				wrong++
				if wrong <= 3 {
					t.Errorf("%s: %s is %q (%q, %q) in %s by %s; want %q (%q, %q) in %s", f, pl.email, p.Name, p.GivenName, p.FamilyName, place, p.JurisdictionBasis,
						pl.name, pl.given, pl.family, pl.place)
				}
				continue
			}
			right++
		}
		if right+wrong > 0 {
			t.Logf("%-26s %d of %d people named in full with their parts and placed in their state or country", "", right, right+wrong)
		}
	}
	t.Logf("%-26s %7d %7d %+6.1f%%", "all files, each alone", total, found, 100*float64(found-total)/float64(total))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
