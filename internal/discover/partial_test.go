package discover

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A scan split into one part per file, merged in the order of the files,
// finds the same people, findings and counts as one scan of the folder.
func TestSplitScanFindsTheSamePeople(t *testing.T) {
	dir := t.TempDir()
	if _, err := writeCorpus(dir, 150, 7); err != nil {
		t.Fatal(err)
	}
	// Someone whose records are in two files, which different parts
	// read: only the merge can join them.
	for name, body := range map[string]string{
		"crm/a.csv": "name,email\nAroha Ngata,aroha.ngata@example.nz\n",
		"crm/b.csv": "email,phone\naroha.ngata@example.nz,+64 21 555 0199\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	opt := Options{Key: []byte("split scan key"), Workers: 1, PeopleValues: true}
	var oneFindings, onePeople bytes.Buffer
	o := opt
	o.Findings = &oneFindings
	oneSum, oneRes, err := Scan(ctx, []string{dir}, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oneRes.WritePeople(&onePeople); err != nil {
		t.Fatal(err)
	}

	merged, err := MergeResolver(opt, 0)
	if err != nil {
		t.Fatal(err)
	}
	sum := &Summary{}
	var partFindings bytes.Buffer
	parts := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		var partial bytes.Buffer
		o := opt
		o.Findings, o.Partial, o.Base = &partFindings, &partial, dir
		s, res, err := Scan(ctx, []string{p}, o)
		if err != nil {
			return err
		}
		if res.Count() != 0 {
			t.Errorf("a part resolved people itself")
		}
		sum.Add(s)
		parts++
		return merged.AddPartial(&partial)
	})
	if err != nil {
		t.Fatal(err)
	}
	var splitPeople bytes.Buffer
	if _, err := merged.WritePeople(&splitPeople); err != nil {
		t.Fatal(err)
	}
	if parts < 10 || onePeople.Len() == 0 {
		t.Fatalf("%d parts, %d bytes of people", parts, onePeople.Len())
	}
	if !bytes.Equal(splitPeople.Bytes(), onePeople.Bytes()) {
		t.Fatalf("the split scan's people differ:\n%s\nfrom one scan's:\n%s", firstDiff(splitPeople.String(), onePeople.String()), "")
	}
	if !strings.Contains(onePeople.String(), `"phones":["+64 21 555 0199"]`) || strings.Count(onePeople.String(), "aroha.ngata@example.nz") != 1 {
		t.Fatal("the person in two files was not joined")
	}
	lines := func(s string) []string { l := strings.Split(s, "\n"); slices.Sort(l); return l }
	if !slices.Equal(lines(partFindings.String()), lines(oneFindings.String())) {
		t.Fatal("the split scan's findings differ from one scan's")
	}
	if sum.Findings != oneSum.Findings || sum.Bytes != oneSum.Bytes || len(sum.Counts) != len(oneSum.Counts) {
		t.Fatalf("summary: split %d findings %d bytes, one scan %d findings %d bytes", sum.Findings, sum.Bytes, oneSum.Findings, oneSum.Bytes)
	}
	for k, c := range oneSum.Counts {
		if sc := sum.Counts[k]; sc == nil || *sc != *c {
			t.Fatalf("%s: split %v, one scan %v", k, sc, c)
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n" + al[i] + "\n" + bl[i]
		}
	}
	return "lengths " + itoa(len(al)) + " and " + itoa(len(bl))
}

func TestPartialRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte("name,email\nAroha Ngata,aroha@example.nz\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var partial bytes.Buffer
	opt := Options{Key: []byte("k"), Workers: 1, Partial: &partial}
	if _, _, err := Scan(context.Background(), []string{dir}, opt); err != nil {
		t.Fatal(err)
	}
	b := partial.Bytes()
	for name, damaged := range map[string][]byte{
		"cut short":     b[:len(b)-1],
		"not a partial": []byte("name,email\n"),
		"a huge length": append(append([]byte(partialMagic), 1, 0), 0xff, 0xff, 0xff, 0xff, 0x0f),
	} {
		r, _ := MergeResolver(opt, 1<<20)
		if err := r.AddPartial(bytes.NewReader(damaged)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	r, _ := MergeResolver(opt, 0)
	if err := r.AddPartial(bytes.NewReader(b)); err != nil || r.Count() != 1 {
		t.Fatalf("the whole partial: %v, %d people", err, r.Count())
	}
}
