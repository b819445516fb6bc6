// Package vault encrypts the personal data of affected people before it
// is stored (AES-256-GCM), so a copy of the database alone does not give
// away the people a breach already exposed once.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sealer encrypts and decrypts with one key.
type Sealer struct{ aead cipher.AEAD }

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
	return &Sealer{aead: aead}, nil
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

// Load returns the sealer for a data folder: the key in hexKey if given
// (BREACHDESK_DATA_KEY), else the key file in dir/keys, created on first
// use with permissions that only its owner can read. Keep a copy of the
// key away from the database: without it the people lists cannot be read.
func Load(dir, hexKey string) (*Sealer, error) {
	if hexKey = strings.TrimSpace(hexKey); hexKey != "" {
		key, err := hex.DecodeString(hexKey)
		if err != nil {
			return nil, fmt.Errorf("BREACHDESK_DATA_KEY is not hex: %w", err)
		}
		return New(key)
	}
	path := filepath.Join(dir, "keys", "data.key")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		key := make([]byte, 32)
		rand.Read(key)
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
		return New(key)
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
