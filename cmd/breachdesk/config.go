package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/breachdesk/breachdesk/internal/store/sqlite"
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

// dataFlag adds --data (BREACHDESK_DATA), the folder holding the database
// and evidence files.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", env("BREACHDESK_DATA", "./breachdesk-data"), "data folder: the database and evidence files (env BREACHDESK_DATA)")
}

// databaseFlag adds --database (BREACHDESK_DATABASE), the PostgreSQL
// database a cluster of servers and workers shares; empty keeps SQLite in
// the data folder.
func databaseFlag(fs *flag.FlagSet) *string {
	return fs.String("database", env("BREACHDESK_DATABASE", ""), "PostgreSQL database shared by several servers and workers, postgres://user:password@host/name; empty keeps SQLite in the data folder (env BREACHDESK_DATABASE)")
}

// openPostgres connects to the PostgreSQL database at addr.
func openPostgres(ctx context.Context, addr string) (*sql.DB, error) {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("--database must be a postgres:// address, e.g. postgres://breachdesk:PASSWORD@db.example.org/breachdesk")
	}
	db, err := sql.Open("pgx", addr)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the PostgreSQL database at %s: %w", u.Redacted(), err)
	}
	return db, nil
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

// openData opens (creating) the data folder and migrates its database.
func openData(ctx context.Context, dir string) (*sqlite.DB, []int64, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("cannot create the data folder %s: %w", dir, err)
	}
	db, err := sqlite.Open(filepath.Join(dir, "breachdesk.db"))
	if err != nil {
		return nil, nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, applied, nil
}
