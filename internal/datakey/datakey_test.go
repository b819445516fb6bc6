package datakey

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breachdesk/breachdesk/internal/auth"
	"github.com/breachdesk/breachdesk/internal/blobs"
	"github.com/breachdesk/breachdesk/internal/evidence"
	"github.com/breachdesk/breachdesk/internal/incident"
	"github.com/breachdesk/breachdesk/internal/notice"
	"github.com/breachdesk/breachdesk/internal/store"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// folder is a data folder with one incident, one sealed person and one
// sealed evidence file.
type folder struct {
	t     *testing.T
	dir   string
	db    *store.DB
	kf    *Folder
	files *evidence.Files
	inc   int64
	file  string
}

func newFolder(t *testing.T) *folder {
	t.Helper()
	dir := t.TempDir()
	db, err := store.OpenSQLite(filepath.Join(dir, "breachdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b, where, err := blobs.OpenBucket(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	bs := &blobs.Store{Bucket: b, Where: where}
	f := &folder{t: t, dir: dir, db: db, kf: &Folder{Dir: dir, Store: db, Files: bs}, files: &evidence.Files{Blobs: bs}}
	s := f.unlock()
	u, err := db.CreateUser(ctx, 0, auth.User{Email: "po@example.org", Name: "Po", Role: auth.PrivacyOfficer, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := db.CreateIncident(ctx, incident.Actor{UserID: u.ID, Name: u.Name}, "Lost laptop", incident.Report{WhatHappened: "A laptop was lost.", DiscoveredAt: time.Now().Add(-time.Hour), Cause: "human_error", Ongoing: "no"})
	if err != nil {
		t.Fatal(err)
	}
	f.inc = inc.ID
	if err := db.AddAffected(ctx, u.ID, u.Name, inc.ID, []notice.Affected{{Person: notice.Person{Name: "Aroha Ngata", Email: "aroha@example.nz"}}}); err != nil {
		t.Fatal(err)
	}
	st, err := f.files.Save(ctx, "list.csv", strings.NewReader("name,email\nAroha Ngata,aroha@example.nz\n"))
	if err != nil {
		t.Fatal(err)
	}
	f.file = st.SHA256
	if s != f.files.Blobs.Sealer {
		t.Fatal("the files were not given the key")
	}
	return f
}

// unlock unlocks the folder and gives the database and files its sealer.
func (f *folder) unlock() *vault.Sealer {
	f.t.Helper()
	s, err := f.kf.Unlock(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	f.db.Sealer, f.files.Blobs.Sealer = s, s
	return s
}

// readable says the person and the evidence file open with the folder's key.
func (f *folder) readable() {
	f.t.Helper()
	ps, err := f.db.AffectedPeople(context.Background(), f.inc)
	if err != nil || len(ps) != 1 || ps[0].Name != "Aroha Ngata" {
		f.t.Fatalf("people: %v %v", ps, err)
	}
	r, err := f.files.Open(context.Background(), f.file)
	if err != nil {
		f.t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Contains(b, []byte("Aroha")) {
		f.t.Fatal("the evidence file does not open")
	}
}

func TestMissingKeyIsRefusedWhileDataIsSealed(t *testing.T) {
	f := newFolder(t)
	s := f.db.Sealer
	if err := os.Remove(vault.KeyPath(f.dir)); err != nil {
		t.Fatal(err)
	}
	_, err := f.kf.Unlock(context.Background())
	if !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "missing") || !strings.Contains(err.Error(), s.ID()) {
		t.Fatalf("want a refusal naming the key id, got %v", err)
	}
	if _, err := os.Stat(vault.KeyPath(f.dir)); err == nil {
		t.Fatal("a new key was made")
	}
}

func TestWrongKeyIsRefused(t *testing.T) {
	f := newFolder(t)
	right, _ := os.ReadFile(vault.KeyPath(f.dir))
	os.Remove(vault.KeyPath(f.dir))
	other := bytes.Repeat([]byte{7}, 32)
	if err := vault.WriteKeyFile(vault.KeyPath(f.dir), other); err != nil {
		t.Fatal(err)
	}
	if _, err := f.kf.Unlock(context.Background()); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "holds key id") {
		t.Fatalf("want a wrong-key refusal, got %v", err)
	}
	f.kf.EnvKey = strings.TrimSpace(string(right))
	if _, err := f.kf.Unlock(context.Background()); err != nil {
		t.Fatalf("the right key in BREACHDESK_DATA_KEY is refused: %v", err)
	}
	if err := f.kf.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestFolderFromBeforeCheckValuesIsRecordedOrRefused(t *testing.T) {
	f := newFolder(t)
	f.exec(`DELETE FROM data_key`)
	f.unlock() // the right key opens the sealed data and is recorded
	if cv, _, _ := f.db.KeyCheck(context.Background()); cv != f.db.Sealer.CheckValue() {
		t.Fatal("the key was not recorded")
	}
	f.exec(`DELETE FROM data_key`)
	os.Remove(vault.KeyPath(f.dir))
	vault.WriteKeyFile(vault.KeyPath(f.dir), bytes.Repeat([]byte{9}, 32))
	if _, err := f.kf.Unlock(context.Background()); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("a key that does not open the old data was accepted: %v", err)
	}
}

func TestRotateSealsEverythingUnderANewKey(t *testing.T) {
	f := newFolder(t)
	old, _ := os.ReadFile(vault.KeyPath(f.dir))
	r, err := f.kf.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.People != 1 || r.Files != 1 || r.From == r.To {
		t.Fatalf("rotated %+v", r)
	}
	now, _ := os.ReadFile(vault.KeyPath(f.dir))
	if bytes.Equal(old, now) {
		t.Fatal("the key file did not change")
	}
	f.unlock()
	f.readable()
	oldSealer, _ := vault.ReadKeyFile(writeTemp(t, old))
	f.db.Sealer = oldSealer
	if _, err := f.db.AffectedPeople(context.Background(), f.inc); err == nil {
		t.Fatal("the old key still opens the people")
	}
}

// exec changes the database behind the store's back, as an older version
// or an attacker would.
func (f *folder) exec(q string) {
	f.t.Helper()
	raw, err := sql.Open("sqlite", filepath.Join(f.dir, "breachdesk.db"))
	if err != nil {
		f.t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(q); err != nil {
		f.t.Fatal(err)
	}
}

func writeTemp(t *testing.T, b []byte) string {
	p := filepath.Join(t.TempDir(), "k")
	os.WriteFile(p, b, 0o600)
	return p
}

// A rotation that stopped before its transaction committed is undone; one
// that stopped after is finished. Either way everything opens.
func TestInterruptedRotationIsUndoneOrFinished(t *testing.T) {
	ctx := context.Background()
	for _, committed := range []bool{false, true} {
		f := newFolder(t)
		from := f.db.Sealer
		key, to, _ := vault.Generate()
		if err := vault.WriteKeyFile(newKeyPath(f.dir), key); err != nil {
			t.Fatal(err)
		}
		if err := f.kf.Files.StageRekey(ctx, "evidence/"+f.file[:2]+"/"+f.file, from, to); err != nil {
			t.Fatal(err)
		}
		if committed {
			if _, err := f.db.ResealAll(ctx, from, to); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.kf.Check(ctx); err == nil {
			t.Fatal("check does not report the interrupted rotation")
		}
		s := f.unlock()
		if (s.CheckValue() == to.CheckValue()) != committed {
			t.Fatalf("committed=%v: unlocked with the wrong key", committed)
		}
		f.readable()
		if _, err := os.Stat(newKeyPath(f.dir)); err == nil {
			t.Fatal("the new key file is left behind")
		}
	}
}
