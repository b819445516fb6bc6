// Package store keeps breachdesk's data in SQL: one SQLite file by default,
// through a pure-Go driver so the first run needs no other service, or a
// PostgreSQL database that several servers and workers share. Both are the
// same code: the queries are written once in the SQL the two engines
// share (? placeholders, rewritten to $n for PostgreSQL), and the few
// differences live in dialect. It implements the Store interfaces of the
// domain packages and writes every change and its audit entry in one
// transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/breachdesk/breachdesk/internal/fault"
	"github.com/breachdesk/breachdesk/internal/jobs"
	"github.com/breachdesk/breachdesk/internal/store/schema"
	"github.com/breachdesk/breachdesk/internal/vault"
)

// DB is the open database.
type DB struct {
	sql  *conn
	addr string
	// Now is the clock; tests replace it to control deadlines.
	Now func() time.Time
	// Sealer encrypts affected people's details; lists of people cannot be
	// stored without one.
	Sealer *vault.Sealer
	// AuditKey, kept apart from the database, signs each audit entry
	// (HMAC-SHA256); none signs nothing.
	AuditKey []byte
	// AuditHead is the file the chain's head is appended to after each
	// change (see audit.Head); empty writes none.
	AuditHead string
	// OnHeadError hears of a head that could not be appended.
	OnHeadError func(error)

	heads heads
	// Queue takes the work of the jobs Enqueue records, in the same
	// transaction.
	Queue jobs.Inserter
}

// Open opens the database at addr: a postgres:// address, or else the
// path of a SQLite file (created if needed).
func Open(ctx context.Context, addr string) (*DB, error) {
	if IsPostgres(addr) {
		return OpenPostgres(ctx, addr)
	}
	return OpenSQLite(addr)
}

// IsPostgres says whether addr names a PostgreSQL database.
func IsPostgres(addr string) bool {
	return strings.HasPrefix(addr, "postgres://") || strings.HasPrefix(addr, "postgresql://")
}

// OpenSQLite opens (creating if needed) the database file at path with
// the pragmas a busy web application needs: wait rather than fail when
// another connection writes, WAL so readers never block the writer,
// foreign keys enforced, and immediate write transactions so two writers
// never deadlock upgrading a read lock.
func OpenSQLite(path string) (*DB, error) {
	q := url.Values{}
	// cache_size and mmap_size: each connection keeps 16 MB of pages and
	// reads the first 256 MiB of the file through the operating system's
	// cache, which saves a system call per page on lists that touch many
	// incidents. The mapping counts in the process's resident memory, so
	// it is bounded: at 1 GiB a million-letter print run peaked at 769 MiB
	// of which its own memory was 158 MiB.
	// temp_store: a statement's own journal (which SQLite keeps for any
	// INSERT ... ON CONFLICT of many rows, to undo just that statement)
	// stays in memory; written to a temporary file it was a tenth of the
	// CPU of queuing a campaign, in write system calls.
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)", "cache_size(-16000)", "mmap_size(268435456)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	// The file is made readable by its owner only before SQLite makes it
	// with the process's umask (often 0644); SQLite gives its -wal and
	// -shm files the database file's mode.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Two hundred requests at once would otherwise open two hundred
	// connections, each parsing the same queries into its own cache, on a
	// machine with a few cores: past a few connections they only queue.
	db.SetMaxOpenConns(sqliteMaxConns)
	db.SetMaxIdleConns(sqliteMaxConns)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return newDB(db, sqliteDialect, path), nil
}

// OpenPostgres connects to the PostgreSQL database at addr
// (postgres://user:password@host/name?sslmode=...).
func OpenPostgres(ctx context.Context, addr string) (*DB, error) {
	u, err := url.Parse(addr)
	if err != nil || !IsPostgres(addr) {
		return nil, fmt.Errorf("the database address must be postgres://user:password@host/name")
	}
	cfg, err := pgx.ParseConfig(addr)
	if err != nil {
		return nil, fmt.Errorf("the database address %s: %w", u.Redacted(), err)
	}
	// PostgreSQL compiles a query whose estimated cost passes
	// jit_above_cost to machine code first; for the short queries of a web
	// page that compilation is most of the time (the overdue filter at
	// 100,000 incidents: 48-272 ms with it, 16-22 ms without). An address
	// that sets jit itself (options=-c jit=on) keeps its choice.
	if _, set := cfg.RuntimeParams["jit"]; !set && !strings.Contains(cfg.RuntimeParams["options"], "jit") {
		cfg.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pgMaxConns)
	db.SetMaxIdleConns(pgMaxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the PostgreSQL database at %s: %w", u.Redacted(), err)
	}
	return newDB(db, postgresDialect, addr), nil
}

// sqliteMaxConns bounds the connections to a SQLite file.
const sqliteMaxConns = 32

// pgMaxConns bounds the connections of one process's store; with the
// job queue's (QueueConns) a process holds at most 14, so three servers
// and two workers stay at 70, under PostgreSQL's default max_connections
// of 100. Larger clusters put PgBouncer in front (docs/deploy.md).
const pgMaxConns = 10

// QueueConns bounds the job queue's pool on PostgreSQL.
const QueueConns = 4

func newDB(db *sql.DB, d *dialect, addr string) *DB {
	return &DB{sql: &conn{DB: db, d: d}, addr: addr, Now: func() time.Time { return time.Now().UTC() }}
}

// Close closes the database.
func (db *DB) Close() error {
	db.sql.closeStmts()
	return db.sql.DB.Close()
}

// Dialect says which engine holds the data.
func (db *DB) Dialect() schema.Dialect { return db.sql.d.name }

// NewPool opens another pool of connections to the same database, for
// the job queue, which keeps its tables beside breachdesk's but sizes
// its connections apart from the web's.
func (db *DB) NewPool(ctx context.Context, maxConns int) (*sql.DB, error) {
	other, err := Open(ctx, db.addr)
	if err != nil {
		return nil, err
	}
	other.sql.DB.SetMaxOpenConns(maxConns)
	other.sql.DB.SetMaxIdleConns(maxConns)
	return other.sql.DB, nil
}

// Migrate brings the schema up to date (internal/store/schema) and
// returns the versions it applied; a database migrated by a newer
// breachdesk is refused.
func (db *DB) Migrate(ctx context.Context) (applied []int64, err error) {
	return schema.Up(ctx, db.sql.DB, db.Dialect())
}

// CheckSchema refuses a database migrated by a newer breachdesk.
func (db *DB) CheckSchema(ctx context.Context) error {
	return schema.Check(ctx, db.sql.DB, db.Dialect())
}

// SchemaVersion is the version of the schema the database is at.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	return schema.Version(ctx, db.sql.DB, db.Dialect())
}

// tx runs fn in a write transaction, committing if it returns nil.
// Writers take turns: SQLite's immediate transactions hold the database's
// write lock from the start, and on PostgreSQL the transaction first takes
// the writers' advisory lock. Every change appends to the one audit chain,
// whose head must be read and extended by one writer at a time (from any
// number of processes), and a change that reads the incident it is about
// to write sees every change committed before it. Readers never wait.
func (db *DB) tx(ctx context.Context, fn func(*Tx) error) error {
	stx, err := db.sql.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{Tx: stx, d: db.sql.d, c: db.sql}
	if db.sql.d.writeLock != "" {
		if _, err := stx.ExecContext(ctx, db.sql.d.writeLock); err != nil {
			stx.Rollback()
			return err
		}
	}
	if err := fn(tx); err != nil {
		db.heads.take(tx)
		stx.Rollback()
		return err
	}
	return db.commit(tx)
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
	if t, ok := parseFixedTS(s); ok {
		return t
	}
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// parseFixedTS reads a time written in timeFormat digit by digit, which
// takes a tenth of time.Parse's time (a page of incidents holds hundreds
// of times); anything else, or a date that does not exist, is left to
// time.Parse.
func parseFixedTS(s string) (time.Time, bool) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	ok := true
	num := func(from, to int) int {
		n := 0
		for _, c := range []byte(s[from:to]) {
			if c < '0' || c > '9' {
				ok = false
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d, h, mi, sec, ns := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19), num(20, 29)
	if !ok || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC)
	if t.Day() != d { // 31 April, 30 February
		return time.Time{}, false
	}
	return t, true
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
