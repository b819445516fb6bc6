// Package schema keeps breachdesk's database schema for both stores in one
// place: one folder of numbered SQL migrations per dialect (sqlite/ and
// postgres/, the same versions in each), applied by goose. A database
// whose schema is newer than this binary knows is refused, so an old
// server never writes to tables it does not understand.
package schema

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

// Dialect names a database engine.
type Dialect string

// The engines breachdesk stores its data in.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// versionTable records the versions applied, in goose's format.
const versionTable = "goose_db_version"

// ErrTooNew is returned when the database was migrated by a newer
// breachdesk than this one.
var ErrTooNew = errors.New("database schema newer than this binary")

// Migrations returns the migration files of a dialect.
func Migrations(d Dialect) (fs.FS, error) {
	return fs.Sub(files, string(d))
}

// provider returns goose's migration runner for db. On PostgreSQL it
// takes a session advisory lock, so several processes starting at once
// apply each migration once; SQLite's immediate transactions do the same
// there.
func provider(db *sql.DB, d Dialect) (*goose.Provider, error) {
	fsys, err := Migrations(d)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithGoMigrations(goMigrations(d)...)}
	gd := goose.DialectSQLite3
	if d == Postgres {
		gd = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(gd, db, fsys, opts...)
}

// Latest is the newest schema version this binary knows for d.
func Latest(d Dialect) (int64, error) {
	names, err := fs.Glob(files, string(d)+"/*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, m := range goMigrations(d) {
		latest = max(latest, m.Version)
	}
	for _, name := range names {
		v, err := goose.NumericComponent(name)
		if err != nil {
			return 0, err
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// Version is the schema version db is at: 0 for an empty database.
func Version(ctx context.Context, db *sql.DB, d Dialect) (int64, error) {
	p, err := provider(db, d)
	if err != nil {
		return 0, err
	}
	if err := adoptLegacy(ctx, db, d); err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Check refuses a database whose schema is newer than this binary knows.
func Check(ctx context.Context, db *sql.DB, d Dialect) error {
	have, err := Version(ctx, db, d)
	if err != nil {
		return fmt.Errorf("reading the schema version: %w", err)
	}
	known, err := Latest(d)
	if err != nil {
		return err
	}
	if have > known {
		return fmt.Errorf("%w: the database is at version %d and this breachdesk knows versions up to %d; run the newer breachdesk that migrated it", ErrTooNew, have, known)
	}
	return nil
}

// Up applies every migration not yet applied, each in its own
// transaction, and returns the versions it applied. It refuses a database
// migrated by a newer binary.
func Up(ctx context.Context, db *sql.DB, d Dialect) ([]int64, error) {
	if err := Check(ctx, db, d); err != nil {
		return nil, err
	}
	p, err := provider(db, d)
	if err != nil {
		return nil, err
	}
	res, err := p.Up(ctx)
	var applied []int64
	for _, r := range res {
		if r.Error == nil {
			applied = append(applied, r.Source.Version)
		}
	}
	if err != nil {
		return applied, fmt.Errorf("migrating the database: %w", err)
	}
	return applied, nil
}

// adoptLegacy carries a SQLite database migrated by breachdesk's earlier
// runner (the table schema_migrations, one row per file name) into
// goose's version table, once, so that its migrations are not applied
// again.
func adoptLegacy(ctx context.Context, db *sql.DB, d Dialect) error {
	if d != SQLite {
		return nil
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n); err != nil || n == 0 {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return err
	}
	var versions []int64
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			rows.Close()
			return fmt.Errorf("schema_migrations has an unknown version %q", name)
		}
		versions = append(versions, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	st, err := database.NewStore(database.DialectSQLite3, versionTable)
	if err != nil {
		return err
	}
	if err := st.CreateVersionTable(ctx, tx); err != nil {
		return err
	}
	for _, v := range append([]int64{0}, versions...) {
		if err := st.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE schema_migrations`); err != nil {
		return err
	}
	return tx.Commit()
}
