package datakey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AuditKeyPath is the audit key file of a data folder.
func AuditKeyPath(dir string) string { return filepath.Join(dir, "keys", "audit.key") }

// AuditKey returns the key that signs audit entries: envKey
// (BREACHDESK_AUDIT_KEY, 64 hex digits) if given, else keys/audit.key,
// made on first use. It is never made while signed entries exist: a new
// key would make every one of them look forged. signed says whether any
// entry is signed.
func AuditKey(ctx context.Context, dir, envKey string, signed func(context.Context) (bool, error)) ([]byte, error) {
	parse := func(where, s string) ([]byte, error) {
		k, err := hex.DecodeString(strings.TrimSpace(s))
		if err != nil || len(k) != 32 {
			return nil, fmt.Errorf("%s must hold the audit key as 64 hex digits", where)
		}
		return k, nil
	}
	if strings.TrimSpace(envKey) != "" {
		return parse("BREACHDESK_AUDIT_KEY", envKey)
	}
	path := AuditKeyPath(dir)
	b, err := os.ReadFile(path)
	if err == nil {
		return parse(path, string(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	has, err := signed(ctx)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, fmt.Errorf("%s is missing, and the audit log's entries are signed with it. Restore it from your backup, or set BREACHDESK_AUDIT_KEY; a new key would make the log look forged", path)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}
