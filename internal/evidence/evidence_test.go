package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"github.com/breachdesk/breachdesk/internal/vault"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/fault"
)

func TestSaveRecordsHashAndSniffsType(t *testing.T) {
	f := &Files{Dir: t.TempDir(), MaxSize: 1 << 20}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	s, err := f.Save("screen shot.txt", bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(png)
	if s.SHA256 != hex.EncodeToString(sum[:]) || s.Size != int64(len(png)) {
		t.Fatalf("got %+v", s)
	}
	if s.ContentType != "image/png" {
		t.Fatalf("content type from the bytes should win over the .txt name, got %q", s.ContentType)
	}
	r, err := f.Open(s.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, _ := io.ReadAll(r)
	if !bytes.Equal(got, png) {
		t.Fatal("stored bytes differ")
	}
}

func TestSaveRefusesTooLargeAndLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f := &Files{Dir: dir, MaxSize: 1000}
	_, err := f.Save("big.bin", strings.NewReader(strings.Repeat("x", 1001)))
	if fault.CodeOf(err) != fault.TooLarge {
		t.Fatalf("want too_large, got %v", err)
	}
	var files []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Fatalf("a refused upload left files behind: %v", files)
	}
}

func TestCleanNameAndOpenRejectTraversal(t *testing.T) {
	for in, want := range map[string]string{"../../etc/passwd": "passwd", `C:\Users\a\report.pdf`: "report.pdf", "a\r\nb.txt": "a__b.txt", "..": "evidence"} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	f := &Files{Dir: t.TempDir()}
	if _, err := f.Open("../../etc/passwd"); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("want not_found, got %v", err)
	}
}

func TestEvidenceIsEncryptedAtRest(t *testing.T) {
	dir := t.TempDir()
	plainFiles := &Files{Dir: dir}
	legacy, err := plainFiles.Save("old.txt", strings.NewReader("stored before encryption"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := vault.Create(t.TempDir())
	f := &Files{Dir: dir, Sealer: sealer}
	body := "Client list: aroha@example.nz, 021 234 5678"
	st, err := f.Save("clients.txt", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(f.path(st.SHA256))
	if strings.Contains(string(raw), "aroha") || !strings.HasPrefix(string(raw), string(sealedMagic)) {
		t.Fatal("the stored file is not encrypted")
	}
	if st.ContentType != "text/plain; charset=utf-8" || st.Size != int64(len(body)) {
		t.Fatalf("stored: %+v", st)
	}
	for sum, want := range map[string]string{st.SHA256: body, legacy.SHA256: "stored before encryption"} {
		r, err := f.Open(sum)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(r)
		r.Close()
		if string(got) != want {
			t.Fatalf("open %s: %q", sum[:8], got)
		}
	}
	raw[len(raw)-1] ^= 1
	os.WriteFile(f.path(st.SHA256), raw, 0o600)
	if _, err := f.Open(st.SHA256); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("a changed file opened: %v", err)
	}
	if _, err := (&Files{Dir: dir}).Open(legacy.SHA256); err != nil {
		t.Fatal("a plain file needs no key")
	}
}
