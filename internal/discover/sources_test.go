package discover

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A SQLite database is read table by table, opened read-only and
// immutable: the file is left as it was and nothing is written beside
// it. It is found by its header whatever its name, and inside archives.
func TestSQLiteFiles(t *testing.T) {
	c := &corpus{r: rand.New(rand.NewPCG(9, 9))}
	ps := []person{newPerson(c.r, 1), newPerson(c.r, 2)}
	db := c.sqlite("app.db", ps)
	dir := t.TempDir()
	for name, body := range map[string][]byte{"app.db": db, "Manifest": db, "backup.zip": zipOf(map[string]string{"data/app.sqlite": string(db)})} {
		os.WriteFile(filepath.Join(dir, name), body, 0o444)
	}
	before := sha256.Sum256(db)
	var out bytes.Buffer
	sum, res, err := Scan(context.Background(), []string{dir}, Options{Findings: &out, Reveal: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 0 {
		t.Fatalf("skipped %+v", sum.Skipped)
	}
	for _, want := range []string{`"path":"app.db!/customers","line":1,"field":"email"`, `"path":"Manifest!/notes"`, `"path":"backup.zip!/data/app.sqlite!/customers"`,
		`"value":"` + ps[1].email + `"`, `"type":"au_tfn"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("missing %s", want)
		}
	}
	if res.Count() != 2 {
		t.Errorf("%d people, want 2", res.Count())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("files beside the databases: %v", entries)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "app.db")); sha256.Sum256(after) != before {
		t.Error("the database was changed")
	}
	// Not a database: a reason, not a crash.
	sum, _ = scanOne(t, "broken.db", append(append([]byte(nil), sqliteMagic...), bytes.Repeat([]byte{0xff}, 200)...))
	if len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "SQLite") {
		t.Errorf("broken database: %+v", sum.Skipped)
	}
	if sum, _ = scanOne(t, "text.db", []byte("not a database")); len(sum.Skipped) != 1 {
		t.Errorf("a .db that is not SQLite: %+v", sum.Skipped)
	}
}

// A Parquet file's row groups are read as records; a footer or a
// column chunk past the bounds stops the file before anything is held.
func TestParquetFiles(t *testing.T) {
	c := &corpus{r: rand.New(rand.NewPCG(3, 3))}
	ps := make([]person, 250)
	for i := range ps {
		ps[i] = newPerson(c.r, i)
	}
	pq := c.parquetOf("lake.parquet", ps)
	out := scanFinds(t, "lake.parquet", pq, `"path":"lake.parquet","line":250,"field":"email"`, `"type":"date_of_birth"`, `"value":"`+ps[0].dobISO+`"`)
	if strings.Count(out, `"type":"au_medicare"`) != 250 {
		t.Errorf("medicare numbers: %d", strings.Count(out, `"type":"au_medicare"`))
	}
	scanFinds(t, "export.bin", pq, `"type":"email"`) // found by its magic
	scanFinds(t, "lake.tgz", tgzOf(map[string][]byte{"x.parquet": pq}), `"path":"lake.tgz!/x.parquet"`)
	// A footer that claims more than the file, or than its bound.
	bad := append([]byte(nil), pq...)
	binary.LittleEndian.PutUint32(bad[len(bad)-8:], 1<<30)
	if sum, _ := scanOne(t, "bad.parquet", bad); len(sum.Skipped) != 1 || !strings.Contains(sum.Skipped[0].Reason, "footer") {
		t.Errorf("huge footer: %+v", sum.Skipped)
	}
	if sum, _ := scanOne(t, "cut.parquet", pq[:len(pq)/2]); len(sum.Skipped) != 1 {
		t.Errorf("cut file: %+v", sum.Skipped)
	}
}

// A mailbox is found by its first lines whatever its name, and each
// message is read as an email; a message's body is its sender's unless
// it is a reply or comes from a shared address.
func TestMailboxes(t *testing.T) {
	box := "From aroha@example.nz Sun Mar  1 09:00:00 2026\nFrom: Aroha <aroha@example.nz>\nTo: help@example.org\nSubject: hi\n\nMy IRD number is 49-091-850.\n\n" +
		"From support@example.org Sun Mar  1 10:00:00 2026\nFrom: support@example.org\nTo: ben@example.nz\nSubject: your card\n\nCard 4111 1111 1111 1111 was cancelled.\n"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Inbox"), []byte(box), 0o644)
	var out bytes.Buffer
	_, res, err := Scan(context.Background(), []string{dir}, Options{Findings: &out})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"path":"Inbox!/message-2"`) {
		t.Fatalf("not read as a mailbox: %s", out.String())
	}
	var got []string
	res.People(func(p Person) { got = append(got, strings.Join(typeNames(p.Elements), "+")) })
	// help@; Aroha with her IRD; Ben; support@; the card, which is not
	// support's nor known to be Ben's.
	want := "[email email+nz_ird+person_name email email credit_card]"
	if strings.Join(got, " ") != strings.Trim(want, "[]") {
		t.Errorf("people %v, want %s", got, want)
	}
}

func typeNames(ts []Type) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func FuzzSQLiteReader(f *testing.F) {
	c := &corpus{r: rand.New(rand.NewPCG(1, 1))}
	f.Add(c.sqlite("a.db", []person{newPerson(c.r, 1)}))
	f.Add(append(append([]byte(nil), sqliteMagic...), make([]byte, 100)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<20 {
			return
		}
		fuzzRead(t, "x.db", b)
	})
}

func FuzzParquetReader(f *testing.F) {
	c := &corpus{r: rand.New(rand.NewPCG(1, 1))}
	f.Add(c.parquetOf("a.parquet", []person{newPerson(c.r, 1), newPerson(c.r, 2)}))
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<20 {
			return
		}
		fuzzRead(t, "x.parquet", b)
	})
}

func FuzzMboxReader(f *testing.F) {
	f.Add([]byte("From a\nFrom: A <a@b.co>\nSubject: x\n\nIRD 49-091-850\n> quoted\nFrom b\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzRead(t, "Inbox", b)
		fuzzRead(t, "x.mbox", b)
	})
}

// fuzzRead reads b as the file name through the dispatcher, without
// Tesseract (OCR runs as its own process, which fuzzing would only slow).
func fuzzRead(t *testing.T, name string, b []byte) {
	t.Setenv("BREACHDESK_TESSERACT", "/nonexistent/tesseract")
	s := &Scanner{sum: &Summary{Counts: map[Type]*Count{}}, res: NewResolver(), key: []byte("k"), batches: make(chan *batch, 1)}
	go func() {
		for range s.batches {
		}
	}()
	p := s.newProcessor()
	src := &source{s: s, p: p, ctx: context.Background()}
	src.file(name, bytes.NewReader(b), int64(len(b)), 0, bytes.NewReader(b))
	s.flush(p, true)
	close(s.batches)
}
