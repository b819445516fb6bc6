package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealOpen(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir, ""); !errors.Is(err, ErrNoKey) {
		t.Fatalf("a missing key file was not reported: %v", err)
	}
	s, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "keys", "data.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	plain := []byte(`{"name":"Aroha Ngata","email":"aroha@example.nz"}`)
	sealed := s.Seal(plain, "incident:1")
	if bytes.Contains(sealed, []byte("Aroha")) {
		t.Fatal("sealed data holds the plain text")
	}
	if got, err := s.Open(sealed, "incident:1"); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %s %v", got, err)
	}
	if _, err := s.Open(sealed, "incident:2"); !errors.Is(err, ErrTampered) {
		t.Fatal("opened under another row's context")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.Open(sealed, "incident:1"); !errors.Is(err, ErrTampered) {
		t.Fatal("opened a changed value")
	}
	again, _ := Load(dir, "")
	if got, err := again.Open(s.Seal(plain, "x"), "x"); err != nil || !bytes.Equal(got, plain) {
		t.Fatal("the key file does not give back the same key")
	}
	if again.CheckValue() != s.CheckValue() || len(s.ID()) != 16 {
		t.Fatal("the same key has another check value")
	}
	other, _ := Create(t.TempDir())
	if other.CheckValue() == s.CheckValue() {
		t.Fatal("two keys share a check value")
	}
	if _, err := other.Open(s.Seal(plain, "x"), "x"); !errors.Is(err, ErrTampered) {
		t.Fatal("opened with another key")
	}
	if _, err := Load(dir, "abcd"); err == nil {
		t.Fatal("a short key was accepted")
	}
}
