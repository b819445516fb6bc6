package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/blobs/blobstest"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// eachStore runs a test on a folder and on an S3-compatible server.
func eachStore(t *testing.T, sealer *vault.Sealer, fn func(t *testing.T, f *Files)) {
	for _, kind := range blobstest.Kinds {
		t.Run(kind, func(t *testing.T) {
			s, _ := blobstest.Open(t, kind, t.TempDir(), sealer)
			fn(t, &Files{Blobs: s, MaxSize: 1 << 20})
		})
	}
}

func readAll(t *testing.T, f *Files, sum string) (string, error) {
	t.Helper()
	r, err := f.Open(context.Background(), sum)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func TestSaveRecordsHashAndSniffsType(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, f *Files) {
		png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
		s, err := f.Save(context.Background(), "screen shot.txt", bytes.NewReader(png))
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
		if got, err := readAll(t, f, s.SHA256); err != nil || got != string(png) {
			t.Fatalf("stored bytes differ: %v", err)
		}
	})
}

func TestSaveRefusesTooLargeAndLeavesNothing(t *testing.T) {
	eachStore(t, nil, func(t *testing.T, f *Files) {
		f.MaxSize = 1000
		_, err := f.Save(context.Background(), "big.bin", strings.NewReader(strings.Repeat("x", 1001)))
		if fault.CodeOf(err) != fault.TooLarge {
			t.Fatalf("want too_large, got %v", err)
		}
		var files []string
		if err := f.Blobs.List(context.Background(), "", func(k string, _ int64) error { files = append(files, k); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(files) != 0 {
			t.Fatalf("a refused upload left files behind: %v", files)
		}
	})
}

func TestCleanNameAndOpenRejectTraversal(t *testing.T) {
	for in, want := range map[string]string{"../../etc/passwd": "passwd", `C:\Users\a\report.pdf`: "report.pdf", "a\r\nb.txt": "a__b.txt", "..": "evidence"} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	eachStore(t, nil, func(t *testing.T, f *Files) {
		if _, err := f.Open(context.Background(), "../../etc/passwd"); fault.CodeOf(err) != fault.NotFound {
			t.Fatalf("want not_found, got %v", err)
		}
	})
}

func TestEvidenceIsEncryptedAtRest(t *testing.T) {
	sealer, _ := vault.Create(t.TempDir())
	eachStore(t, sealer, func(t *testing.T, f *Files) {
		ctx := context.Background()
		f.Blobs.Sealer = nil
		legacy, err := f.Save(ctx, "old.txt", strings.NewReader("stored before encryption"))
		if err != nil {
			t.Fatal(err)
		}
		f.Blobs.Sealer = sealer
		body := strings.Repeat("Client list: aroha@example.nz, 021 234 5678\n", 5000) // several segments
		st, err := f.Save(ctx, "clients.txt", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := f.Blobs.Bucket.ReadAll(ctx, key(st.SHA256))
		if err != nil || strings.Contains(string(raw), "aroha") || !strings.HasPrefix(string(raw), vault.StreamMagic) {
			t.Fatalf("the stored file is not encrypted (%v)", err)
		}
		if st.ContentType != "text/plain; charset=utf-8" || st.Size != int64(len(body)) {
			t.Fatalf("stored: %+v", st)
		}
		for sum, want := range map[string]string{st.SHA256: body, legacy.SHA256: "stored before encryption"} {
			if got, err := readAll(t, f, sum); err != nil || got != want {
				t.Fatalf("open %s: %d bytes, %v", sum[:8], len(got), err)
			}
		}
		raw[len(raw)-1] ^= 1
		if err := f.Blobs.Bucket.WriteAll(ctx, key(st.SHA256), raw, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := readAll(t, f, st.SHA256); fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("a changed file opened: %v", err)
		}
		// A file sealed under the right key but holding other bytes
		// than its name says fails the hash check at its end.
		other, err := f.Save(ctx, "other.txt", strings.NewReader("other bytes"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Blobs.Copy(ctx, key(st.SHA256), key(other.SHA256)); err != nil {
			t.Fatal(err)
		}
		if _, err := readAll(t, f, st.SHA256); fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("a swapped file opened: %v", err)
		}
		f.Blobs.Sealer = nil
		if got, err := readAll(t, f, legacy.SHA256); err != nil || got != "stored before encryption" {
			t.Fatalf("a plain file needs no key: %v", err)
		}
	})
}
