// Package datakey decides which data key a data folder runs with. The key
// seals affected people's details and evidence files; the database records
// the key's check value when the first key is made. A server never starts
// with a missing or different key while sealed data exists: it says which
// key the data needs instead. Rotate re-seals everything under a new key
// so that a crash at any point leaves the old key or the new one in force,
// never a mixture.
package datakey

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/breachdesk/breachdesk/internal/vault"
)

// Store is the part of the database that holds sealed rows and the check
// value.
type Store interface {
	KeyCheck(ctx context.Context) (string, time.Time, error)
	RecordKeyCheck(ctx context.Context, cv string) error
	SealedSample(ctx context.Context) (n int, sealed []byte, sealCtx string, err error)
	ResealAll(ctx context.Context, from, to *vault.Sealer) (int, error)
}

// ErrWrongKey says the key given is not the one the data needs.
var ErrWrongKey = errors.New("wrong data key")

// Files are the sealed files of the file store (*blobs.Store).
type Files interface {
	// EachSealed calls fn with the name of every sealed file.
	EachSealed(ctx context.Context, fn func(key string) error) error
	// CheckKey says whether s opens the sealed file key.
	CheckKey(ctx context.Context, key string, s *vault.Sealer) error
	// StageRekey writes key sealed again under to beside it.
	StageRekey(ctx context.Context, key string, from, to *vault.Sealer) error
	// FinishRekey puts the staged files in place (commit) or drops them.
	FinishRekey(ctx context.Context, commit bool) error
}

// Folder is a data folder's key, database and sealed files.
type Folder struct {
	Dir   string
	Store Store
	Files Files
	// EnvKey is BREACHDESK_DATA_KEY, which overrides the key file.
	EnvKey string
}

func (f *Folder) where() string {
	if f.EnvKey != "" {
		return "BREACHDESK_DATA_KEY"
	}
	return vault.KeyPath(f.Dir)
}

func newKeyPath(dir string) string { return vault.KeyPath(dir) + ".new" }

// Unlock returns the sealer the data needs. It makes the first key when
// nothing is sealed and no key is recorded; it finishes or undoes a
// rotation a crash interrupted; otherwise the key must match the recorded
// check value, or open the sealed data of a folder from before check
// values were recorded.
func (f *Folder) Unlock(ctx context.Context) (*vault.Sealer, error) {
	if err := f.recover(ctx); err != nil {
		return nil, fmt.Errorf("finishing an interrupted key rotation: %w", err)
	}
	return f.unlock(ctx, true)
}

// Check says whether the key given opens the data, changing nothing: it
// neither makes nor records a key.
func (f *Folder) Check(ctx context.Context) error {
	if _, err := os.Stat(newKeyPath(f.Dir)); err == nil {
		return fmt.Errorf("a key rotation was interrupted (%s exists); the next start of the server or 'key rotate' finishes or undoes it", newKeyPath(f.Dir))
	}
	_, err := f.unlock(ctx, false)
	return err
}

func (f *Folder) unlock(ctx context.Context, write bool) (*vault.Sealer, error) {
	recorded, _, err := f.Store.KeyCheck(ctx)
	if err != nil {
		return nil, err
	}
	s, err := vault.Load(f.Dir, f.EnvKey)
	if errors.Is(err, vault.ErrNoKey) {
		if recorded != "" {
			return nil, fmt.Errorf("%w: %s is missing, and the data is sealed with key id %s. Restore the key file from your backup (README: Backing up the data key), or set BREACHDESK_DATA_KEY to it; a new key would not open the people lists or evidence",
				ErrWrongKey, vault.KeyPath(f.Dir), vault.ShortID(recorded))
		}
		n, err := f.sealedCount(ctx)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, fmt.Errorf("%w: %s is missing, and %d sealed items (people, evidence files) need the key they were sealed with. Restore the key file from your backup, or set BREACHDESK_DATA_KEY to it",
				ErrWrongKey, vault.KeyPath(f.Dir), n)
		}
		if !write {
			return nil, fmt.Errorf("%w: %s does not exist yet; nothing is sealed, so the next start of the server makes it", vault.ErrNoKey, vault.KeyPath(f.Dir))
		}
		if s, err = vault.Create(f.Dir); err != nil {
			return nil, fmt.Errorf("making the data key: %w", err)
		}
		return s, f.Store.RecordKeyCheck(ctx, s.CheckValue())
	}
	if err != nil {
		return nil, err
	}
	if recorded != "" {
		if s.CheckValue() != recorded {
			return nil, fmt.Errorf("%w: %s holds key id %s, but the data is sealed with key id %s. Restore the right key from your backup ('breachdesk key check' says which key the data needs)",
				ErrWrongKey, f.where(), s.ID(), vault.ShortID(recorded))
		}
		return s, nil
	}
	// A folder from before check values were recorded: the key must open
	// what is sealed, and is then recorded.
	if err := f.opens(ctx, s); err != nil {
		return nil, err
	}
	if !write {
		return s, nil
	}
	return s, f.Store.RecordKeyCheck(ctx, s.CheckValue())
}

func (f *Folder) sealedCount(ctx context.Context) (int, error) {
	n, _, _, err := f.Store.SealedSample(ctx)
	if err != nil {
		return 0, err
	}
	err = f.Files.EachSealed(ctx, func(string) error { n++; return nil })
	return n, err
}

// opens checks s on one sealed row and one sealed file, if there are any.
func (f *Folder) opens(ctx context.Context, s *vault.Sealer) error {
	n, sealed, sc, err := f.Store.SealedSample(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		if _, err := s.Open(sealed, sc); err != nil {
			return fmt.Errorf("%w: the key in %s (key id %s) does not open the people lists sealed before. Restore the right key from your backup", ErrWrongKey, f.where(), s.ID())
		}
	}
	errStop := errors.New("stop")
	err = f.Files.EachSealed(ctx, func(sum string) error {
		if err := f.Files.CheckKey(ctx, sum, s); err != nil {
			return fmt.Errorf("%w: the key in %s (key id %s) does not open the files (evidence, scans, letters) sealed before. Restore the right key from your backup", ErrWrongKey, f.where(), s.ID())
		}
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// recover finishes a rotation whose database transaction committed (its
// check value is the new key's) and undoes one that did not.
func (f *Folder) recover(ctx context.Context) error {
	next, err := vault.ReadKeyFile(newKeyPath(f.Dir))
	if errors.Is(err, vault.ErrNoKey) {
		// No rotation pending, or its new key is already in place and
		// only the evidence files remain to be moved.
		return f.Files.FinishRekey(ctx, true)
	}
	if err != nil {
		return err
	}
	recorded, _, err := f.Store.KeyCheck(ctx)
	if err != nil {
		return err
	}
	if recorded == next.CheckValue() {
		if err := os.Rename(newKeyPath(f.Dir), vault.KeyPath(f.Dir)); err != nil {
			return err
		}
		if err := vault.SyncDir(filepath.Dir(vault.KeyPath(f.Dir))); err != nil {
			return err
		}
		return f.Files.FinishRekey(ctx, true)
	}
	if err := f.Files.FinishRekey(ctx, false); err != nil {
		return err
	}
	return os.Remove(newKeyPath(f.Dir))
}

// Rotated is what Rotate did.
type Rotated struct {
	From, To      string // key ids
	People, Files int
}

// Rotate seals everything again under a new key. The new key is written
// beside the old one and each evidence file re-sealed beside itself;
// then one database transaction re-seals every person and records the
// new check value; only then does the new key replace the old and the
// re-sealed files replace theirs. Unlock completes or undoes a rotation
// interrupted at any of these points. The caller holds the data folder's
// lock, so no server seals anything meanwhile.
func (f *Folder) Rotate(ctx context.Context) (Rotated, error) {
	var r Rotated
	if f.EnvKey != "" {
		return r, errors.New("the key is given in BREACHDESK_DATA_KEY, which 'key rotate' cannot change: put it in keys/data.key (and unset the variable) to rotate it there, then set the variable to the new key if you keep it outside the folder")
	}
	from, err := f.Unlock(ctx)
	if err != nil {
		return r, err
	}
	key, to, err := vault.Generate()
	if err != nil {
		return r, err
	}
	if err := vault.WriteKeyFile(newKeyPath(f.Dir), key); err != nil {
		return r, err
	}
	undo := func(err error) (Rotated, error) {
		if uerr := f.recover(context.WithoutCancel(ctx)); uerr != nil {
			return r, fmt.Errorf("%w (and undoing it: %v)", err, uerr)
		}
		return r, err
	}
	if err := f.Files.EachSealed(ctx, func(sum string) error {
		r.Files++
		return f.Files.StageRekey(ctx, sum, from, to)
	}); err != nil {
		return undo(err)
	}
	if r.People, err = f.Store.ResealAll(ctx, from, to); err != nil {
		return undo(err)
	}
	r.From, r.To = from.ID(), to.ID()
	// Committed: from here on the new key is the one; recover moves it
	// and the files into place, now or at the next start.
	return r, f.recover(context.WithoutCancel(ctx))
}
