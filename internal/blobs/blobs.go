// Package blobs is breachdesk's store of files: evidence, uploads waiting
// to be scanned, scans' outputs and parts, and print runs of letters. It
// is a gocloud.dev/blob bucket (a folder by default, the data folder
// itself, so the files of a data folder made before are read in place;
// an S3-compatible bucket for a cluster), and what goes in is sealed by
// breachdesk with the data key before it leaves the process: the bucket
// only ever holds ciphertext. Files stream both ways, 64 KiB at a time.
package blobs

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/s3blob" // s3:// URLs
	"gocloud.dev/gcerrors"

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// Store is the bucket and the sealer of what goes into it.
type Store struct {
	Bucket *blob.Bucket
	// Sealer seals every file written from now on. Without one (a data
	// folder with no key yet, some tests) files are written as they are;
	// files written before sealing was on stay readable.
	Sealer *vault.Sealer
	// Where names the bucket in messages, without credentials.
	Where string
}

// OpenBucket opens the bucket rawURL names: file:///path, or
// s3://bucket?region=...&endpoint=...&use_path_style=true for an
// S3-compatible service (credentials come from the usual AWS variables).
// Empty means the data folder dir itself, whose layout (evidence/,
// scans/, letters/) is the one breachdesk always used.
func OpenBucket(ctx context.Context, rawURL, dir string) (*blob.Bucket, string, error) {
	if strings.TrimSpace(rawURL) == "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, "", err
		}
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return nil, "", err
		}
		// Written beside their final name and renamed into place, no
		// sidecar files of metadata, folders readable by breachdesk alone.
		b, err := fileblob.OpenBucket(abs, &fileblob.Options{DirFileMode: 0o700, NoTempDir: true, Metadata: fileblob.MetadataDontWrite})
		return b, abs, err
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("the file store's address (--blob, BREACHDESK_BLOB) is not a URL: %w", err)
	}
	where := u.Scheme + "://" + u.Host + u.Path
	switch u.Scheme {
	case "file":
		q := u.Query()
		if !q.Has("create_dir") {
			q.Set("create_dir", "true")
		}
		if !q.Has("dir_file_mode") {
			q.Set("dir_file_mode", "0700")
		}
		if !q.Has("no_tmp_dir") {
			q.Set("no_tmp_dir", "true")
		}
		if !q.Has("metadata") {
			q.Set("metadata", "skip")
		}
		u.RawQuery = q.Encode()
	case "s3":
	default:
		return nil, "", fmt.Errorf("the file store (--blob, BREACHDESK_BLOB) must be a file:// or s3:// URL, not %s://", u.Scheme)
	}
	b, err := blob.OpenBucket(ctx, u.String())
	if err != nil {
		return nil, "", fmt.Errorf("opening the file store %s: %w", where, err)
	}
	return b, where, nil
}

// Check writes, reads and deletes a small file, so a process that cannot
// reach its bucket says so when it starts rather than at the first upload.
func (s *Store) Check(ctx context.Context) error {
	key := "tmp/check-" + randomName()
	if err := s.Bucket.WriteAll(ctx, key, []byte("breachdesk"), nil); err != nil {
		return fmt.Errorf("the file store %s cannot be written: %w", s.Where, err)
	}
	if _, err := s.Bucket.ReadAll(ctx, key); err != nil {
		return fmt.Errorf("the file store %s cannot be read: %w", s.Where, err)
	}
	return s.Bucket.Delete(ctx, key)
}

// contextOf is what a file is sealed as: its name, so a sealed file moved
// to another name does not open; evidence is checked against the SHA-256
// its name carries instead, and is written under a temporary name first.
func contextOf(key string) string {
	if strings.HasPrefix(key, "evidence/") {
		return "evidence"
	}
	return "blob:" + key
}

// Writer is a file being written. Close makes it visible under its name;
// Abort (or a Close after a failed Write) leaves nothing under it.
type Writer struct {
	w      *blob.Writer
	seal   io.WriteCloser // nil when not sealing
	cancel context.CancelFunc
	n      int64
	err    error
	done   bool // closed or aborted
}

// Create starts writing the file key, sealed.
func (s *Store) Create(ctx context.Context, key string) (*Writer, error) {
	return s.create(ctx, key, s.Sealer)
}

func (s *Store) create(ctx context.Context, key string, sealer *vault.Sealer) (*Writer, error) {
	return s.createAs(ctx, key, contextOf(key), sealer)
}

// createAs writes key sealed as the file sealAs names would be.
func (s *Store) createAs(ctx context.Context, key, sealAs string, sealer *vault.Sealer) (*Writer, error) {
	wctx, cancel := context.WithCancel(ctx)
	bw, err := s.Bucket.NewWriter(wctx, key, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		cancel()
		return nil, s.describe(err, key)
	}
	w := &Writer{w: bw, cancel: cancel}
	if sealer != nil {
		if w.seal, err = sealer.SealStream(bw, sealAs); err != nil {
			w.Abort()
			return nil, err
		}
	}
	return w, nil
}

// Write writes p, sealed.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	var n int
	if w.seal != nil {
		n, w.err = w.seal.Write(p)
	} else {
		n, w.err = w.w.Write(p)
	}
	w.n += int64(n)
	return n, w.err
}

// Size is how many bytes (before sealing) were written.
func (w *Writer) Size() int64 { return w.n }

// Close finishes the file; after an error nothing is left under its name.
func (w *Writer) Close() error {
	if w.done {
		return w.err
	}
	if w.err == nil && w.seal != nil {
		w.err = w.seal.Close()
	}
	if w.err != nil {
		w.Abort()
		return w.err
	}
	w.done = true
	w.err = w.w.Close()
	w.cancel()
	return w.err
}

// Abort drops the file; after Close it does nothing.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.cancel()
	w.w.Close() // cancelled: the bucket keeps nothing
	if w.err == nil {
		w.err = errors.New("blobs: write aborted")
	}
}

// Put writes r to key, sealed, and returns how many bytes it had.
func (s *Store) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	w, err := s.Create(ctx, key)
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return 0, err
	}
	return w.Size(), w.Close()
}

// Open reads the file key, opening its seal: files sealed as streams,
// files sealed whole before streams (evidence written before 2026.12,
// read whole: they were at most the upload limit), and files written
// before sealing was on, which are read as they are.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	return s.open(ctx, key, s.Sealer)
}

func (s *Store) open(ctx context.Context, key string, sealer *vault.Sealer) (io.ReadCloser, error) {
	r, err := s.Bucket.NewReader(ctx, key, nil)
	if err != nil {
		return nil, s.describe(err, key)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(len(vault.StreamMagic))
	switch {
	case bytes.Equal(head, []byte(vault.StreamMagic)):
		if sealer == nil {
			r.Close()
			return nil, fault.Errorf(fault.Conflict, "The file %s is encrypted and no data key is set up.", path.Base(key))
		}
		plain, err := sealer.OpenStream(br, contextOf(key))
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("the file %s cannot be decrypted: %w", path.Base(key), err)
		}
		return readCloser{plain, r}, nil
	case bytes.Equal(head, legacyMagic):
		defer r.Close()
		if sealer == nil {
			return nil, fault.Errorf(fault.Conflict, "The file %s is encrypted and no data key is set up.", path.Base(key))
		}
		plain, err := openLegacy(br, key, sealer)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(plain)), nil
	}
	return readCloser{br, r}, nil
}

// legacyMagic starts an evidence file sealed whole, as it was before
// files were sealed as streams; its context was "evidence:" and its
// SHA-256, the file's name.
var legacyMagic = []byte("BREACHDESK-SEALED-1\n")

// maxLegacy bounds what a file sealed whole may be: evidence was capped at
// the upload limit, which an administrator could raise.
const maxLegacy = 1 << 30

func openLegacy(r io.Reader, key string, sealer *vault.Sealer) ([]byte, error) {
	sealed, err := io.ReadAll(io.LimitReader(r, maxLegacy+1))
	if err != nil {
		return nil, err
	}
	if len(sealed) > maxLegacy {
		return nil, fmt.Errorf("the file %s is sealed whole and larger than %d MiB", path.Base(key), maxLegacy>>20)
	}
	plain, err := sealer.Open(sealed[len(legacyMagic):], "evidence:"+path.Base(key))
	if err != nil {
		return nil, fmt.Errorf("the file %s cannot be decrypted: %w", path.Base(key), err)
	}
	return plain, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// describe turns the bucket's not-found into a fault.NotFound.
func (s *Store) describe(err error, key string) error {
	if gcerrors.Code(err) == gcerrors.NotFound {
		return fault.Errorf(fault.NotFound, "The file %s is not in the file store.", path.Base(key))
	}
	return fmt.Errorf("file store %s, %s: %w", s.Where, key, err)
}

// Exists says whether key is in the bucket.
func (s *Store) Exists(ctx context.Context, key string) (bool, error) {
	ok, err := s.Bucket.Exists(ctx, key)
	if err != nil {
		return false, s.describe(err, key)
	}
	return ok, nil
}

// Copy copies a file within the bucket (server-side on S3), with its seal.
func (s *Store) Copy(ctx context.Context, dst, src string) error {
	if err := s.Bucket.Copy(ctx, dst, src, nil); err != nil {
		return s.describe(err, src)
	}
	return nil
}

// Delete removes key; a file already gone is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.Bucket.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return s.describe(err, key)
	}
	return nil
}

// List calls fn with every file whose name starts with prefix, in order
// of name.
func (s *Store) List(ctx context.Context, prefix string, fn func(key string, size int64) error) error {
	it := s.Bucket.List(&blob.ListOptions{Prefix: prefix})
	for {
		obj, err := it.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("listing %s in the file store %s: %w", prefix, s.Where, err)
		}
		if obj.IsDir || isTemp(obj.Key) {
			continue
		}
		if err := fn(obj.Key, obj.Size); err != nil {
			return err
		}
	}
}

// isTemp says whether a name is a folder bucket's file still being
// written (name.<hex time>.tmp).
func isTemp(key string) bool {
	if !strings.HasSuffix(key, ".tmp") {
		return false
	}
	base := strings.TrimSuffix(path.Base(key), ".tmp")
	dot := strings.LastIndexByte(base, '.')
	if dot < 0 || dot == len(base)-1 {
		return false
	}
	return strings.Trim(base[dot+1:], "0123456789abcdef") == ""
}

// DeletePrefix removes every file whose name starts with prefix.
func (s *Store) DeletePrefix(ctx context.Context, prefix string) error {
	var keys []string
	if err := s.List(ctx, prefix, func(key string, _ int64) error { keys = append(keys, key); return nil }); err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// Download copies the file key, opened, to a new local file at dst.
func (s *Store) Download(ctx context.Context, key, dst string) (int64, error) {
	r, err := s.Open(ctx, key)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return 0, err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// randomName is 24 random hex digits, for names no two writers share.
func randomName() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("blobs: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// NewName is a fresh random name for a file or folder in the bucket.
func NewName() string { return randomName() }
