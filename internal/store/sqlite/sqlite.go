// Package sqlite stores breachdesk's data in one SQLite file through a
// pure-Go driver, so the first run needs no other service. It implements
// the Store interfaces of the domain packages and writes every change and
// its audit entry in one transaction.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/store/schema"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// DB is the open database.
type DB struct {
	sql *sql.DB
	// Now is the clock; tests replace it to control deadlines.
	Now func() time.Time
	// Sealer encrypts affected people's details; lists of people cannot be
	// stored without one.
	Sealer *vault.Sealer
}

// Open opens (creating if needed) the database file at path with the
// pragmas a busy web application needs: wait rather than fail when
// another connection writes, WAL so readers never block the writer,
// foreign keys enforced, and immediate write transactions so two writers
// never deadlock upgrading a read lock.
func Open(path string) (*DB, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &DB{sql: db, Now: func() time.Time { return time.Now().UTC() }}, nil
}

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// Migrate brings the schema up to date (internal/store/schema) and
// returns the versions it applied; a database migrated by a newer
// breachdesk is refused.
func (db *DB) Migrate(ctx context.Context) (applied []int64, err error) {
	return schema.Up(ctx, db.sql, schema.SQLite)
}

// SchemaVersion is the version of the schema the database is at.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	return schema.Version(ctx, db.sql, schema.SQLite)
}

// tx runs fn in a transaction, committing if it returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// timeFormat has a fixed width so that stored times sort and compare as text.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

func nts(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func parseTS(s string) time.Time {
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

func parseNTS(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTS(s.String)
	return &t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Errorf(fault.NotFound, format, args...)
	}
	return err
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func joinIDs(ids []int64) (string, []any) {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "?", id
	}
	return strings.Join(ph, ","), args
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
