package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/breachdesk/breachdesk/internal/store/schema"
)

// dialect is what differs between the engines. Everything else, every
// query included, is shared.
type dialect struct {
	name schema.Dialect
	// numbered placeholders ($1, $2, ...) instead of ?.
	numbered bool
	// like is the case-insensitive LIKE.
	like string
	// writeLock is run first in every write transaction, when the engine
	// does not already let one writer in at a time.
	writeLock string
	// stringAgg is the aggregate that joins text with a separator.
	stringAgg string
	// incidentCols selects an incident (incidentColumns).
	incidentCols string
	// rebound caches queries rewritten for numbered placeholders.
	rebound sync.Map
}

var (
	sqliteDialect = &dialect{name: schema.SQLite, like: "LIKE", stringAgg: "group_concat"}
	// The lock's key is an arbitrary constant: "breachdesk writers".
	postgresDialect = &dialect{name: schema.Postgres, numbered: true, like: "ILIKE", stringAgg: "string_agg",
		writeLock: `SELECT pg_advisory_xact_lock(7261931602144711)`}
)

func init() {
	for _, d := range []*dialect{sqliteDialect, postgresDialect} {
		d.incidentCols = incidentColumns(d)
	}
}

// bind rewrites q's ? placeholders as $1, $2, ... where the engine wants
// numbered ones. A ? inside a quoted string or identifier is left alone.
func (d *dialect) bind(q string) string {
	if !d.numbered || !strings.Contains(q, "?") {
		return q
	}
	if v, ok := d.rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	d.rebound.Store(q, out)
	return out
}

// conn is the database handle: database/sql with the dialect's
// placeholders.
type conn struct {
	*sql.DB
	d *dialect
	// stmts keeps SQLite's statements prepared: parsing a query again on
	// every request cost a tenth of a list page. (pgx keeps its own cache.)
	stmts     sync.Map // query -> *sql.Stmt
	nstmts    atomic.Int32
	prepare   sync.Mutex
	preparing sync.Map // query -> true while it is prepared in the background
}

// maxStmts bounds the prepared statements; queries built with lists of
// ids vary, and are not kept.
const maxStmts = 256

// stmt returns q prepared, or nil when q is not kept.
func (c *conn) stmt(ctx context.Context, q string) *sql.Stmt {
	if c.d.numbered || strings.Contains(q, " IN (") {
		return nil
	}
	if s, ok := c.stmts.Load(q); ok {
		return s.(*sql.Stmt)
	}
	if c.nstmts.Load() >= maxStmts {
		return nil
	}
	c.prepare.Lock()
	defer c.prepare.Unlock()
	if s, ok := c.stmts.Load(q); ok {
		return s.(*sql.Stmt)
	}
	s, err := c.DB.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil // the query itself reports the error
	}
	c.stmts.Store(q, s)
	c.nstmts.Add(1)
	return s
}

// prepared returns q when it is already prepared, and otherwise has it
// prepared in the background for the next transaction: a transaction
// holds one of the pool's connections, and waiting inside it for another
// to prepare on could wait for ever when every connection is so held.
func (c *conn) prepared(q string) *sql.Stmt {
	if s, ok := c.stmts.Load(q); ok {
		return s.(*sql.Stmt)
	}
	if c.d.numbered || strings.Contains(q, " IN (") || c.nstmts.Load() >= maxStmts {
		return nil
	}
	if _, busy := c.preparing.LoadOrStore(q, true); !busy {
		go func() {
			defer c.preparing.Delete(q)
			c.stmt(context.Background(), q)
		}()
	}
	return nil
}

// closeStmts closes the prepared reads.
func (c *conn) closeStmts() {
	c.stmts.Range(func(_, s any) bool { s.(*sql.Stmt).Close(); return true })
}

// QueryContext runs a query that returns rows.
func (c *conn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := c.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return c.DB.QueryContext(ctx, c.d.bind(q), args...)
}

// QueryRowContext runs a query that returns at most one row.
func (c *conn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := c.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return c.DB.QueryRowContext(ctx, c.d.bind(q), args...)
}

// ExecContext runs a statement.
func (c *conn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return c.DB.ExecContext(ctx, c.d.bind(q), args...)
}

// Tx is a write transaction with the dialect's placeholders.
type Tx struct {
	*sql.Tx
	d *dialect
	// c keeps SQLite's statements prepared across transactions, as it
	// does for reads: a batch of delivery results spent a third of its
	// time parsing the same UPDATE and INSERT again. stmts holds them
	// bound to this transaction (closed with it).
	c     *conn
	stmts map[string]*sql.Stmt
}

// stmt returns q prepared in this transaction, or nil when it is not kept.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.c == nil {
		return nil
	}
	if s, ok := t.stmts[q]; ok {
		return s
	}
	ps := t.c.prepared(q)
	if ps == nil {
		return nil
	}
	s := t.Tx.StmtContext(ctx, ps)
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = s
	return s
}

// QueryContext runs a query that returns rows.
func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, t.d.bind(q), args...)
}

// QueryRowContext runs a query that returns at most one row.
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := t.stmt(ctx, q); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, t.d.bind(q), args...)
}

// ExecContext runs a statement.
func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, q); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, t.d.bind(q), args...)
}

// PrepareContext prepares a statement for repeated use.
func (t *Tx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.d.bind(q))
}

// insert runs an INSERT and returns the id of the row it added. Both
// engines answer RETURNING; PostgreSQL's driver has no LastInsertId.
func insert(ctx context.Context, q querier, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, query+` RETURNING id`, args...).Scan(&id)
	return id, err
}

// errNoRow is what updated returns when the statement changed nothing.
var errNoRow = errors.New("no row changed")

// updated turns the result of an UPDATE or DELETE into an error: the
// statement's own, one reading the count, or errNoRow when it changed no
// row.
func updated(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errNoRow
	}
	return nil
}
