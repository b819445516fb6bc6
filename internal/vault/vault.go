// Package vault encrypts the personal data of affected people before it
// is stored (AES-256-GCM), so a copy of the database alone does not give
// away the people a breach already exposed once.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sealer encrypts and decrypts with one key.
type Sealer struct {
	aead  cipher.AEAD
	check string
	key   []byte // for the per-stream keys of SealStream
}

// ErrTampered is returned when sealed data was changed or sealed under
// another key.
var ErrTampered = errors.New("the encrypted data does not open with this key: it was changed, or the data key is not the one it was sealed with")

// New makes a sealer from a 32-byte key.
func New(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("the data key must be 32 bytes (64 hex digits), not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("breachdesk data key check value v1"))
	return &Sealer{aead: aead, check: hex.EncodeToString(mac.Sum(nil)), key: append([]byte(nil), key...)}, nil
}

// CheckValue identifies the key without revealing it: an HMAC of a fixed
// text under the key. The database records it when the first key is
// made, so a start with another key is refused instead of sealing new
// data under a key the old data does not open with.
func (s *Sealer) CheckValue() string { return s.check }

// ID is the short form of the check value that people compare.
func (s *Sealer) ID() string { return ShortID(s.check) }

// ShortID shortens a check value for people to read and compare.
func ShortID(check string) string {
	if len(check) > 16 {
		return check[:16]
	}
	return check
}

// Generate makes a new random key and its sealer.
func Generate() (key []byte, s *Sealer, err error) {
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	s, err = New(key)
	return key, s, err
}

// Seal encrypts plain; context binds it to its row (e.g. "incident:7"), so
// a sealed value moved to another row does not open.
func (s *Sealer) Seal(plain []byte, context string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("vault: no randomness: " + err.Error())
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(context))
}

// Open decrypts what Seal produced under the same context.
func (s *Sealer) Open(sealed []byte, context string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrTampered
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return nil, ErrTampered
	}
	return plain, nil
}

// KeyPath is the key file of a data folder.
func KeyPath(dir string) string { return filepath.Join(dir, "keys", "data.key") }

// ErrNoKey says the data folder has no key file and none was given.
var ErrNoKey = errors.New("no data key")

// Load returns the sealer for a data folder: the key in hexKey if given
// (BREACHDESK_DATA_KEY), else the key file keys/data.key. It never makes
// a key: without one it returns ErrNoKey, and the caller decides whether
// a new key may be made (Create) — only when no data is sealed yet.
func Load(dir, hexKey string) (*Sealer, error) {
	if hexKey = strings.TrimSpace(hexKey); hexKey != "" {
		key, err := hex.DecodeString(hexKey)
		if err != nil {
			return nil, fmt.Errorf("BREACHDESK_DATA_KEY is not hex: %w", err)
		}
		return New(key)
	}
	return ReadKeyFile(KeyPath(dir))
}

// ReadKeyFile reads a key file of 64 hex digits.
func ReadKeyFile(path string) (*Sealer, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s does not exist", ErrNoKey, path)
	}
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s is not a hex key: %w", path, err)
	}
	return New(key)
}

// WriteKeyFile writes key to path, readable only by its owner, and makes
// sure it is on disk before returning. It never replaces a file.
func WriteKeyFile(path string, key []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir makes a rename or a new file in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Create makes the data folder's first key file and returns its sealer.
func Create(dir string) (*Sealer, error) {
	key, s, err := Generate()
	if err != nil {
		return nil, err
	}
	if err := WriteKeyFile(KeyPath(dir), key); err != nil {
		return nil, err
	}
	return s, nil
}
