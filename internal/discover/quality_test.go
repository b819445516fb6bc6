package discover

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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
// finding with what was planted, per element type.
func TestPrecisionAndRecall(t *testing.T) {
	dir := t.TempDir()
	truth, err := writeCorpus(dir, 300, 42)
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
	type occ struct {
		path string
		t    Type
		hmac string
	}
	want := map[occ]int{}
	planted := map[Type]int{}
	for _, p := range truth {
		want[occ{p.path, p.t, hmacHex(key, p.norm)}]++
		planted[p.t]++
	}
	reported, correct, validated := map[Type]int{}, map[Type]int{}, map[Type]int{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var f struct {
			Path, Type, HMAC string
			Validated        bool
		}
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("finding is not JSON: %s", sc.Text())
		}
		ty := Type(f.Type)
		if _, scored := targets[ty]; !scored {
			continue
		}
		if only := scoredOnlyIn[ty]; only != "" && f.Path != only {
			continue
		}
		reported[ty]++
		k := occ{f.Path, ty, f.HMAC}
		if want[k] > 0 {
			want[k]--
			correct[ty]++
			if f.Validated {
				validated[ty]++
			}
		} else if testing.Verbose() {
			t.Logf("unexpected %s in %s", ty, f.Path)
		}
	}
	t.Logf("%-14s %8s %8s %8s %9s %7s %9s", "type", "planted", "reported", "correct", "precision", "recall", "validated")
	for _, ty := range Types {
		tg, ok := targets[ty]
		if !ok {
			continue
		}
		prec, rec := ratio(correct[ty], reported[ty]), ratio(correct[ty], planted[ty])
		t.Logf("%-14s %8d %8d %8d %9.3f %7.3f %9d", ty, planted[ty], reported[ty], correct[ty], prec, rec, validated[ty])
		if checksummed[ty] && validated[ty] != correct[ty] {
			t.Errorf("%s: %d of %d correct findings validated; every planted value passes its check", ty, validated[ty], correct[ty])
		}
		if planted[ty] == 0 {
			t.Errorf("%s: nothing planted; the corpus must cover every scored type", ty)
			continue
		}
		if prec < tg[0] || rec < tg[1] {
			t.Errorf("%s: precision %.3f (target %.2f), recall %.3f (target %.2f)", ty, prec, tg[0], rec, tg[1])
		}
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}
