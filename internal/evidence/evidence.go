// Package evidence keeps the files attached to incidents in the data
// folder, outside the database: named by their SHA-256, so a file is stored
// once however often it is attached and anyone can check it is unchanged,
// and encrypted when a data key is set up.
package evidence

import (
	"bytes"
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
	"github.com/breachdesk/breachdesk/internal/vault"
)

// DefaultMaxSize is the largest file accepted unless configured otherwise.
const DefaultMaxSize = 25 << 20

// Files is the evidence folder.
type Files struct {
	Dir     string
	MaxSize int64
	// Sealer, when set, encrypts every file stored from now on; files
	// stored before stay readable as they are.
	Sealer *vault.Sealer
}

// sealedMagic starts an encrypted evidence file.
var sealedMagic = []byte("BREACHDESK-SEALED-1\n")

func sealContext(sum string) string { return "evidence:" + sum }

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
	if f.Sealer != nil {
		return s, f.seal(tmp, s.SHA256, dst)
	}
	tmp.Close()
	return s, os.Rename(tmp.Name(), dst)
}

// seal writes the encrypted copy of the complete upload in tmp to dst,
// through a temporary file so a failure leaves nothing under dst.
func (f *Files) seal(tmp *os.File, sum, dst string) error {
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	plain, err := io.ReadAll(tmp)
	if err != nil {
		return err
	}
	out, err := os.CreateTemp(f.Dir, ".sealed-*")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	if _, err := out.Write(append(append([]byte{}, sealedMagic...), f.Sealer.Seal(plain, sealContext(sum))...)); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	out.Close()
	return os.Rename(out.Name(), dst)
}

// Open returns the stored file with that hash, decrypted, after checking
// it still has that hash.
func (f *Files) Open(sum string) (io.ReadCloser, error) {
	if !hexName.MatchString(sum) {
		return nil, fault.Errorf(fault.NotFound, "That evidence file was not found.")
	}
	file, err := os.Open(f.path(sum))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fault.Errorf(fault.NotFound, "The evidence file is missing from the data folder.")
	}
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(sealedMagic))
	n, _ := io.ReadFull(file, head)
	if n < len(head) || !bytes.Equal(head, sealedMagic) {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			file.Close()
			return nil, err
		}
		return file, nil // stored before encryption was on
	}
	defer file.Close()
	if f.Sealer == nil {
		return nil, fault.Errorf(fault.Conflict, "The evidence file is encrypted and no data key is set up.")
	}
	sealed, err := io.ReadAll(file)
	if err != nil {
		return nil, err
	}
	plain, err := f.Sealer.Open(sealed, sealContext(sum))
	if err != nil {
		return nil, fault.Errorf(fault.Conflict, "The evidence file cannot be decrypted: %v", err)
	}
	if got := sha256.Sum256(plain); hex.EncodeToString(got[:]) != sum {
		return nil, fault.Errorf(fault.Conflict, "The evidence file no longer matches its SHA-256.")
	}
	return io.NopCloser(bytes.NewReader(plain)), nil
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

// rekeySuffix marks a file re-sealed under a new key, waiting for the
// key's rotation to commit.
const rekeySuffix = ".rekey"

// EachSealed calls fn with the hash of every sealed file, in no set order.
func (f *Files) EachSealed(fn func(sum string) error) error {
	err := filepath.WalkDir(f.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !hexName.MatchString(d.Name()) {
			return nil
		}
		file, err := os.Open(p)
		if err != nil {
			return err
		}
		head := make([]byte, len(sealedMagic))
		n, _ := io.ReadFull(file, head)
		file.Close()
		if n == len(head) && bytes.Equal(head, sealedMagic) {
			return fn(d.Name())
		}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// CheckKey says whether s opens the sealed file with hash sum.
func (f *Files) CheckKey(sum string, s *vault.Sealer) error {
	sealed, err := os.ReadFile(f.path(sum))
	if err != nil {
		return err
	}
	_, err = s.Open(sealed[len(sealedMagic):], sealContext(sum))
	return err
}

// StageRekey writes the sealed file with hash sum, re-sealed under to,
// beside it; FinishRekey puts it in place once the rotation commits.
func (f *Files) StageRekey(sum string, from, to *vault.Sealer) error {
	p := f.path(sum)
	sealed, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	plain, err := from.Open(sealed[len(sealedMagic):], sealContext(sum))
	if err != nil {
		return fmt.Errorf("evidence file %s does not open with the current key: %w", sum, err)
	}
	out, err := os.OpenFile(p+rekeySuffix, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := out.Write(append(append([]byte{}, sealedMagic...), to.Seal(plain, sealContext(sum))...)); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// FinishRekey puts every staged file in place (commit) or removes them
// (after a rotation that did not commit).
func (f *Files) FinishRekey(commit bool) error {
	err := filepath.WalkDir(f.Dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), rekeySuffix) {
			return nil
		}
		if commit {
			if err := os.Rename(p, strings.TrimSuffix(p, rekeySuffix)); err != nil {
				return err
			}
			return vault.SyncDir(filepath.Dir(p))
		}
		return os.Remove(p)
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
