package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/breachdesk/breachdesk/internal/blobs"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/breachdesk/breachdesk/internal/datakey"
	"github.com/breachdesk/breachdesk/internal/store"
)

// env returns the environment variable or a default.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	if b, err := strconv.ParseBool(env(name, strconv.FormatBool(def))); err == nil {
		return b
	}
	return def
}

// newFlags returns a flag set that prints its usage with the environment
// variables and reports errors instead of exiting.
func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

// dataPlace is where the data lives: the data folder (keys, and the
// SQLite database unless Database names a PostgreSQL one).
type dataPlace struct {
	Dir      string
	Database string
	// Blob is the file store's URL (--blob, BREACHDESK_BLOB); empty is
	// the data folder.
	Blob  string
	store *blobs.Store
}

// fileStore opens the file store, once per process.
func (p *dataPlace) fileStore(ctx context.Context) (*blobs.Store, error) {
	if p.store == nil {
		b, where, err := blobs.OpenBucket(ctx, p.Blob, p.Dir)
		if err != nil {
			return nil, err
		}
		p.store = &blobs.Store{Bucket: b, Where: where}
	}
	return p.store, nil
}

// dataFlag adds --data (BREACHDESK_DATA), the folder holding the database
// and evidence files, and --database (BREACHDESK_DATABASE), the
// PostgreSQL database a cluster of servers and workers shares instead.
func dataFlag(fs *flag.FlagSet) *dataPlace {
	p := &dataPlace{}
	fs.StringVar(&p.Dir, "data", env("BREACHDESK_DATA", "./breachdesk-data"), "data folder: the database and evidence files (env BREACHDESK_DATA)")
	fs.StringVar(&p.Blob, "blob", env("BREACHDESK_BLOB", ""), "file store for evidence, uploads to scan, scan outputs and letters, shared by a cluster: s3://BUCKET?region=...&endpoint=... or file:///PATH; empty keeps them in the data folder (env BREACHDESK_BLOB)")
	fs.StringVar(&p.Database, "database", env("BREACHDESK_DATABASE", ""), "PostgreSQL database shared by several servers and workers, postgres://user:password@host/name; empty keeps SQLite in the data folder (env BREACHDESK_DATABASE)")
	return p
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return &exitError{code: 0}
		}
		return &exitError{code: 2, err: fmt.Errorf("")}
	}
	return nil
}

// openData opens (creating) the data folder and the database, SQLite in
// the folder or the PostgreSQL database named, and migrates it.
func openData(ctx context.Context, p *dataPlace) (*store.DB, []int64, error) {
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("cannot create the data folder %s: %w", p.Dir, err)
	}
	addr := filepath.Join(p.Dir, "breachdesk.db")
	if p.Database != "" {
		if !store.IsPostgres(p.Database) {
			return nil, nil, fmt.Errorf("--database must be a postgres:// address, e.g. postgres://breachdesk:PASSWORD@db.example.org/breachdesk")
		}
		addr = p.Database
	}
	db, err := store.Open(ctx, addr)
	if err != nil {
		return nil, nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	// Every command that writes appends to the audit log, so each signs
	// its entries and records the chain's head.
	if db.AuditKey, err = datakey.AuditKey(ctx, p.Dir, os.Getenv("BREACHDESK_AUDIT_KEY"), db.SignedAudit); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("the audit key: %w", err)
	}
	db.AuditHead = env("BREACHDESK_AUDIT_HEAD", filepath.Join(p.Dir, "audit.head"))
	db.OnHeadError = func(err error) { fmt.Fprintln(os.Stderr, "breachdesk: the audit head file could not be written:", err) }
	return db, applied, nil
}
