package blobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/breachdesk/breachdesk/internal/vault"
)

// Sealed files live under these folders of the bucket; nothing else in it
// (a data folder's database and key) is breachdesk's to re-seal.
var sealedFolders = []string{"evidence/", "scans/", "letters/"}

// rekeySuffix marks a file sealed again under a new key, waiting for the
// key's rotation to commit.
const rekeySuffix = ".rekey"

// EachSealed calls fn with the name of every sealed file, in no set order.
func (s *Store) EachSealed(ctx context.Context, fn func(key string) error) error {
	for _, folder := range sealedFolders {
		var keys []string
		err := s.List(ctx, folder, func(key string, _ int64) error {
			if strings.HasSuffix(key, rekeySuffix) {
				return nil
			}
			sealed, err := s.isSealed(ctx, key)
			if err == nil && sealed {
				keys = append(keys, key)
			}
			return err
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := fn(k); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) isSealed(ctx context.Context, key string) (bool, error) {
	r, err := s.Bucket.NewRangeReader(ctx, key, 0, int64(len(vault.StreamMagic)), nil)
	if err != nil {
		return false, s.describe(err, key)
	}
	defer r.Close()
	head := make([]byte, len(vault.StreamMagic))
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return false, err
	}
	return n == len(head) && (bytes.Equal(head, []byte(vault.StreamMagic)) || bytes.Equal(head, legacyMagic)), nil
}

// CheckKey says whether sealer opens the sealed file key, reading it whole.
func (s *Store) CheckKey(ctx context.Context, key string, sealer *vault.Sealer) error {
	r, err := s.open(ctx, key, sealer)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(io.Discard, r)
	return err
}

// StageRekey writes the sealed file key, sealed again under to, beside
// it (files sealed whole become streams); FinishRekey puts it in place
// once the rotation commits.
func (s *Store) StageRekey(ctx context.Context, key string, from, to *vault.Sealer) error {
	r, err := s.open(ctx, key, from)
	if err != nil {
		return fmt.Errorf("%s does not open with the current key: %w", key, err)
	}
	defer r.Close()
	w, err := s.createAs(ctx, key+rekeySuffix, contextOf(key), to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return fmt.Errorf("%s does not open with the current key: %w", key, err)
	}
	return w.Close()
}

// FinishRekey puts every staged file in place (commit) or removes them
// (after a rotation that did not commit).
func (s *Store) FinishRekey(ctx context.Context, commit bool) error {
	for _, folder := range sealedFolders {
		var staged []string
		if err := s.List(ctx, folder, func(key string, _ int64) error {
			if strings.HasSuffix(key, rekeySuffix) {
				staged = append(staged, key)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range staged {
			if commit {
				if err := s.Copy(ctx, strings.TrimSuffix(k, rekeySuffix), k); err != nil {
					return err
				}
			}
			if err := s.Delete(ctx, k); err != nil {
				return err
			}
		}
	}
	return nil
}
