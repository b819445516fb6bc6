// Package evidence keeps the files attached to incidents in the data
// folder, outside the database: named by their SHA-256, so a file is stored
// once however often it is attached and anyone can check it is unchanged.
package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/breachdesk/breachdesk/internal/fault"
)

// DefaultMaxSize is the largest file accepted unless configured otherwise.
const DefaultMaxSize = 25 << 20

// Files is the evidence folder.
type Files struct {
	Dir     string
	MaxSize int64
}

// Stored is what Save learned about a file.
type Stored struct {
	Filename    string
	ContentType string // sniffed from the bytes, not taken from the client
	Size        int64
	SHA256      string
}

var hexName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Save copies r into the folder, refusing more than MaxSize bytes. It
// writes to a temporary file and renames it into place only when complete,
// so a failed upload never leaves a partial file under a real name.
func (f *Files) Save(name string, r io.Reader) (Stored, error) {
	s := Stored{Filename: CleanName(name)}
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return s, err
	}
	tmp, err := os.CreateTemp(f.Dir, ".upload-*")
	if err != nil {
		return s, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
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
				return s, fault.Errorf(fault.TooLarge, "The file is larger than the %d MB limit; split it or compress it before attaching.", limit>>20)
			}
			if len(head) < 512 {
				head = append(head, buf[:min(n, 512-len(head))]...)
			}
			h.Write(buf[:n])
			if _, err := tmp.Write(buf[:n]); err != nil {
				return s, err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return s, rerr
		}
	}
	if s.Size == 0 {
		return s, &fault.Error{Code: fault.Invalid, Message: "The file is empty.", Fields: map[string]string{"file": "Choose a file that has content."}}
	}
	if err := tmp.Sync(); err != nil {
		return s, err
	}
	s.SHA256 = hex.EncodeToString(h.Sum(nil))
	s.ContentType = Sniff(head, s.Filename)
	dst := f.path(s.SHA256)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return s, err
	}
	if _, err := os.Stat(dst); err == nil {
		return s, nil // the same bytes are already stored
	}
	tmp.Close()
	return s, os.Rename(tmp.Name(), dst)
}

// Open returns the stored file with that hash.
func (f *Files) Open(sum string) (*os.File, error) {
	if !hexName.MatchString(sum) {
		return nil, fault.Errorf(fault.NotFound, "That evidence file was not found.")
	}
	file, err := os.Open(f.path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fault.Errorf(fault.NotFound, "The evidence file is missing from the data folder.")
	}
	return file, err
}

func (f *Files) path(sum string) string { return filepath.Join(f.Dir, sum[:2], sum) }

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
