package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/breachdesk/breachdesk/internal/datadir"
	"github.com/breachdesk/breachdesk/internal/datakey"
	"github.com/breachdesk/breachdesk/internal/store"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// keyFolder is the data folder's key, database and sealed files.
func keyFolder(ctx context.Context, db *store.DB, data *dataPlace) (*datakey.Folder, error) {
	files, err := data.fileStore(ctx)
	if err != nil {
		return nil, err
	}
	return &datakey.Folder{Dir: data.Dir, Store: db, Files: files, EnvKey: os.Getenv("BREACHDESK_DATA_KEY")}, nil
}

func cmdKey(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "check" && args[0] != "rotate") {
		return &exitError{code: 2, err: errors.New("usage: breachdesk key check|rotate [--data DIR]")}
	}
	fs := newFlags("key "+args[0], stdout)
	data := dataFlag(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if _, err := os.Stat(data.Dir); err != nil {
		return fmt.Errorf("no data folder at %s", data.Dir)
	}
	if args[0] == "rotate" {
		if data.Database != "" {
			// The folder's lock cannot tell whether servers elsewhere
			// still seal with the old key.
			return &exitError{code: 2, err: errors.New("key rotate works on a SQLite data folder, which it locks against a running server; with a shared PostgreSQL database no lock can show that every server has stopped, so rotation there is not offered")}
		}
		lock, err := datadir.Acquire(data.Dir, "key rotate")
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	db, _, err := openData(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	kf, err := keyFolder(ctx, db, data)
	if err != nil {
		return err
	}
	if args[0] == "rotate" {
		r, err := kf.Rotate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Rotated the data key from key id %s to %s: %d people and %d files (evidence, scans, letters) sealed again.\n", r.From, r.To, r.People, r.Files)
		fmt.Fprintf(stdout, "Back up %s now; the old key no longer opens anything.\n", vault.KeyPath(data.Dir))
		return nil
	}
	recorded, at, err := db.KeyCheck(ctx)
	if err != nil {
		return err
	}
	if recorded != "" {
		fmt.Fprintf(stdout, "The data needs key id %s (recorded %s).\n", vault.ShortID(recorded), at.Format("2006-01-02 15:04 MST"))
	} else {
		fmt.Fprintln(stdout, "No key id is recorded yet: the next start records the key it runs with.")
	}
	if err := kf.Check(ctx); err != nil {
		return &exitError{code: 1, err: err}
	}
	where := vault.KeyPath(data.Dir)
	if kf.EnvKey != "" {
		where = "BREACHDESK_DATA_KEY"
	}
	fmt.Fprintf(stdout, "OK: the key in %s opens the data.\n", where)
	return nil
}
