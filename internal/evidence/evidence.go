// Package evidence keeps the files attached to incidents in the file
// store, outside the database: named by their SHA-256, so a file is stored
// once however often it is attached and anyone can check it is unchanged,
// and encrypted when a data key is set up.
package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/fault"
)

// DefaultMaxSize is the largest file accepted unless configured otherwise.
const DefaultMaxSize = 25 << 20

// Files is the evidence in the file store, under evidence/.
type Files struct {
	// Blobs is the file store; its sealer encrypts every file stored
	// from now on, and files stored before stay readable as they are.
	Blobs   *blobs.Store
	MaxSize int64
	// Log, if set, hears of temporary copies that could not be deleted.
	Log *slog.Logger
}

// Stored is what Save learned about a file.
type Stored struct {
	Filename    string
	ContentType string // sniffed from the bytes, not taken from the client
	Size        int64
	SHA256      string
}

var hexName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Save streams r, sealed, into the file store, refusing more than
// MaxSize bytes, and names it by its SHA-256 once all of it has passed:
// it is written under a temporary name and copied to its own only when
// complete, so a failed upload never leaves a file under a real name, and
// the upload is never held whole in memory or on local disk.
func (f *Files) Save(ctx context.Context, name string, r io.Reader) (Stored, error) {
	s := Stored{Filename: CleanName(name)}
	tmp := "evidence/upload-" + blobs.NewName()
	w, err := f.Blobs.Create(ctx, tmp)
	if err != nil {
		return s, err
	}
	h := sha256.New()
	head := make([]byte, 0, 512)
	limit := f.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			s.Size += int64(n)
			if s.Size > limit {
				w.Abort()
				return s, fault.Errorf(fault.TooLarge, "The file is larger than the %d MB limit; split it or compress it before attaching.", limit>>20)
			}
			if len(head) < 512 {
				head = append(head, buf[:min(n, 512-len(head))]...)
			}
			h.Write(buf[:n])
			if _, err := w.Write(buf[:n]); err != nil {
				w.Abort()
				return s, err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			w.Abort()
			return s, rerr
		}
	}
	if s.Size == 0 {
		w.Abort()
		return s, &fault.Error{Code: fault.Invalid, Message: "The file is empty.", Fields: map[string]string{"file": "Choose a file that has content."}}
	}
	if err := w.Close(); err != nil {
		return s, err
	}
	defer func() {
		if err := f.Blobs.Delete(context.WithoutCancel(ctx), tmp); err != nil && f.Log != nil {
			f.Log.Warn("deleting an evidence upload's temporary copy", "error", err)
		}
	}()
	s.SHA256 = hex.EncodeToString(h.Sum(nil))
	s.ContentType = Sniff(head, s.Filename)
	dst := key(s.SHA256)
	if ok, err := f.Blobs.Exists(ctx, dst); err != nil || ok {
		return s, err // ok: the same bytes are already stored
	}
	return s, f.Blobs.Copy(ctx, dst, tmp)
}

// Open returns the stored file with that hash, decrypted as it is read.
// Its hash is checked as it is read: a file that no longer has it fails
// at its end, with a fault.Conflict, so a copy is complete and right
// only when reading it ends without an error.
func (f *Files) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	if !hexName.MatchString(sum) {
		return nil, fault.Errorf(fault.NotFound, "That evidence file was not found.")
	}
	r, err := f.Blobs.Open(ctx, key(sum))
	if fault.CodeOf(err) == fault.NotFound {
		return nil, fault.Errorf(fault.NotFound, "The evidence file is missing from the file store.")
	}
	if err != nil {
		return nil, fault.Errorf(fault.Conflict, "The evidence file cannot be read: %v", err)
	}
	return &checked{r: r, h: sha256.New(), want: sum}, nil
}

// checked reads a file and fails at its end when its SHA-256 is not the
// one it is named by.
type checked struct {
	r    io.ReadCloser
	h    hash.Hash
	want string
}

func (c *checked) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	switch {
	case err == io.EOF && hex.EncodeToString(c.h.Sum(nil)) != c.want:
		return n, fault.Errorf(fault.Conflict, "The evidence file no longer matches its SHA-256.")
	case err != nil && err != io.EOF:
		return n, fault.Errorf(fault.Conflict, "The evidence file cannot be read: %v", err)
	}
	return n, err
}

func (c *checked) Close() error { return c.r.Close() }

func key(sum string) string { return "evidence/" + sum[:2] + "/" + sum }

// Sniff decides the content type from the first bytes, as browsers do,
// refining the generic answers for formats sniffing cannot tell apart.
func Sniff(head []byte, filename string) string {
	ct := http.DetectContentType(head)
	if ct == "application/zip" || ct == "application/octet-stream" {
		// Office documents are zip files; trust the extension only for them.
		if byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(filename))); strings.Contains(byExt, "officedocument") || byExt == "message/rfc822" {
			return byExt
		}
	}
	return ct
}

// CleanName keeps a file name safe to show and to send back in a header.
func CleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || strings.ContainsRune(`"/\<>:|?*`, r) {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		name = "evidence"
	}
	if len(name) > 200 {
		name = name[len(name)-200:]
	}
	return name
}

// Describe returns a line for logs that names no content.
func (s Stored) Describe() string {
	return fmt.Sprintf("%d bytes, %s, sha256 %s", s.Size, s.ContentType, s.SHA256)
}
