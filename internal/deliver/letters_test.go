package deliver

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/notice"
)

type fileCloser struct {
	*os.File
}

// TestPrintRunWritesBatchesAndAManifest: 5 letters in batches of 2 make
// three PDFs and a manifest row per letter; each batch holds exactly its
// people, each with their address, as pdftotext reads them.
func TestPrintRunWritesBatchesAndAManifest(t *testing.T) {
	dir := t.TempDir()
	tpl, err := notice.LoadTemplates("en")
	if err != nil {
		t.Fatal(err)
	}
	data := notice.Sample(notice.Individual, time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	var manifest bytes.Buffer
	run, err := NewPrintRun(notice.A4, 2, "INC-0007-stage-1", func(name string) (io.WriteCloser, error) {
		f, err := os.Create(filepath.Join(dir, name))
		return fileCloser{f}, err
	}, &manifest)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"Aroha Ngata", "Ben Citizen", "Chloé Martin", "Dev Patel", "Emma Wilson"}
	for i, n := range names {
		d := data
		d.Person = &notice.Person{Name: n, Address: []string{fmt.Sprintf("%d Queen Street", i+1), "Auckland 1010"}}
		doc, err := tpl.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		ref := fmt.Sprintf("7Q2MK9DT4XRBH%03d", i)
		if err := run.Add(PrintLetter{Reference: ref, Document: doc, Data: d, Country: "NZ"}); err != nil {
			t.Fatal(err)
		}
	}
	// A person without a postcode is refused, not printed.
	d := data
	d.Person = &notice.Person{Name: "Fay No-Postcode", Address: []string{"9 Queen Street", "Auckland"}}
	doc, err := tpl.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Add(PrintLetter{Reference: "X", Document: doc, Data: d, Country: "NZ"}); err == nil || !strings.Contains(err.Error(), "postcode") {
		t.Errorf("incomplete address: %v", err)
	}
	files, err := run.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[2] != "INC-0007-stage-1-batch-0003.pdf" {
		t.Fatalf("batches %v", files)
	}
	letters, pages := run.Counts()
	if letters != 5 || pages < 5 {
		t.Errorf("counts: %d letters, %d pages", letters, pages)
	}
	rows, err := csv.NewReader(&manifest).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || strings.Join(rows[0], ",") != strings.Join(ManifestHeader, ",") {
		t.Fatalf("manifest: %v", rows)
	}
	if rows[5][0] != "7Q2MK9DT4XRBH004" || rows[5][5] != "INC-0007-stage-1-batch-0003.pdf" || rows[5][6] != "1" || rows[2][2] != "2 Queen Street | Auckland 1010" {
		t.Errorf("manifest rows: %v", rows[1:])
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but pdftotext is missing")
		}
		t.Skip("pdftotext not installed")
	}
	out, err := exec.Command("pdftotext", "-layout", filepath.Join(dir, files[0]), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if !strings.Contains(text, "Aroha Ngata") || !strings.Contains(text, "2 Queen Street") || strings.Contains(text, "Chloé Martin") {
		t.Errorf("batch 1 holds the wrong people:\n%s", text)
	}
}

func TestParseReturned(t *testing.T) {
	got, err := ParseReturned(strings.NewReader("Reference,Reason\n7q2m-k9dt-4xrb-h1vn,Moved away\n\n7Q2M K9DT 4XRB H1VP,\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Reference != "7Q2MK9DT4XRBH1VN" || got[0].Reason != "Moved away" || got[1].Reason != "returned to sender" {
		t.Errorf("returned: %+v", got)
	}
	// Without a header the first column is the reference.
	if got, err := ParseReturned(strings.NewReader("7Q2MK9DT4XRBH1VN\n")); err != nil || len(got) != 1 {
		t.Errorf("no header: %+v %v", got, err)
	}
	if _, err := ParseReturned(strings.NewReader("reference\n7Q2MK9DT4XRBH1VN\nnot-a-reference\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("a bad row: %v", err)
	}
}
