package blobs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/blobs/blobstest"
	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/vault"
)

func TestStore(t *testing.T) {
	for _, kind := range blobstest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			_, sealer, err := vault.Generate()
			if err != nil {
				t.Fatal(err)
			}
			s, _ := blobstest.Open(t, kind, t.TempDir(), sealer)
			if err := s.Check(ctx); err != nil {
				t.Fatal(err)
			}
			plain := make([]byte, 3<<20+5)
			rand.Read(plain)
			copy(plain, "Aroha Ngata, aroha@example.nz, 021 555 0199\n")
			n, err := s.Put(ctx, "scans/job-1/people.jsonl", bytes.NewReader(plain))
			if err != nil || n != int64(len(plain)) {
				t.Fatalf("put: %d %v", n, err)
			}
			// What the bucket holds is sealed.
			raw, err := s.Bucket.ReadAll(ctx, "scans/job-1/people.jsonl")
			if err != nil || bytes.Contains(raw, []byte("Aroha")) || !bytes.HasPrefix(raw, []byte(vault.StreamMagic)) {
				t.Fatalf("the bucket holds %q... (%v)", raw[:min(len(raw), 40)], err)
			}
			r, err := s.Open(ctx, "scans/job-1/people.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || !bytes.Equal(got, plain) {
				t.Fatalf("read back %d bytes: %v", len(got), err)
			}
			// A sealed file copied to another name does not open there.
			if err := s.Copy(ctx, "scans/job-2/people.jsonl", "scans/job-1/people.jsonl"); err != nil {
				t.Fatal(err)
			}
			if r, err := s.Open(ctx, "scans/job-2/people.jsonl"); err == nil {
				_, err = io.ReadAll(r)
				r.Close()
				if err == nil {
					t.Fatal("a sealed file opened under another name")
				}
			}
			if _, err := s.Open(ctx, "scans/job-9/people.jsonl"); fault.CodeOf(err) != fault.NotFound {
				t.Fatalf("a missing file: %v", err)
			}
			// An aborted write leaves nothing.
			w, err := s.Create(ctx, "letters/run-batch-0001.pdf")
			if err != nil {
				t.Fatal(err)
			}
			w.Write(plain[:1000])
			w.Abort()
			if ok, err := s.Exists(ctx, "letters/run-batch-0001.pdf"); ok || err != nil {
				t.Fatalf("an aborted write left a file: %v %v", ok, err)
			}
			var keys []string
			if err := s.List(ctx, "scans/", func(k string, _ int64) error { keys = append(keys, k); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(keys) != 2 || keys[0] != "scans/job-1/people.jsonl" || keys[1] != "scans/job-2/people.jsonl" {
				t.Fatalf("listed %q", keys)
			}
			// Rotation: staged, committed, and only the new key opens.
			_, next, _ := vault.Generate()
			if err := s.DeletePrefix(ctx, "scans/job-2/"); err != nil {
				t.Fatal(err)
			}
			var sealed []string
			if err := s.EachSealed(ctx, func(k string) error { sealed = append(sealed, k); return s.StageRekey(ctx, k, sealer, next) }); err != nil {
				t.Fatal(err)
			}
			if len(sealed) != 1 {
				t.Fatalf("sealed files: %q", sealed)
			}
			if err := s.FinishRekey(ctx, true); err != nil {
				t.Fatal(err)
			}
			if err := s.CheckKey(ctx, "scans/job-1/people.jsonl", next); err != nil {
				t.Fatalf("the new key: %v", err)
			}
			if err := s.CheckKey(ctx, "scans/job-1/people.jsonl", sealer); err == nil {
				t.Fatal("the old key still opens a re-sealed file")
			}
		})
	}
}

// A data folder made before the file store keeps its files where they
// are: the default bucket is the folder, and files written before
// sealing (or sealed whole, as evidence was) read as they did.
func TestDataFolderLayout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, sealer, _ := vault.Generate()
	sum := "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae" // sha256("foo")
	if err := os.MkdirAll(filepath.Join(dir, "evidence", "2c"), 0o700); err != nil {
		t.Fatal(err)
	}
	old := append([]byte("BREACHDESK-SEALED-1\n"), sealer.Seal([]byte("foo"), "evidence:"+sum)...)
	if err := os.WriteFile(filepath.Join(dir, "evidence", "2c", sum), old, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "scans", "job-3"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "scans", "job-3", "findings.jsonl"), []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, where, err := blobs.OpenBucket(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s := &blobs.Store{Bucket: b, Sealer: sealer, Where: where}
	for key, want := range map[string]string{"evidence/2c/" + sum: "foo", "scans/job-3/findings.jsonl": "{}\n"} {
		r, err := s.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || string(got) != want {
			t.Fatalf("%s: %q %v", key, got, err)
		}
	}
	// New files land in the same layout, sealed, with no sidecar files.
	if _, err := s.Put(ctx, "letters/INC-0001-stage-1-ab-batch-0001.pdf", bytes.NewReader([]byte("%PDF"))); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "letters"))
	if err != nil || len(entries) != 1 || entries[0].Name() != "INC-0001-stage-1-ab-batch-0001.pdf" {
		t.Fatalf("letters folder: %v %v", entries, err)
	}
	info, err := os.Stat(filepath.Join(dir, "letters"))
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("letters folder mode: %v %v", info, err)
	}
}
