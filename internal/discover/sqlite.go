package discover

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	_ "modernc.org/sqlite" // the driver the binary already has for its own store
)

// SQLite database files (.db, .sqlite, app backups): every table is read
// as records named by its columns, row by row, through the SQLite driver
// the binary already carries. The file is opened read-only and
// immutable, so the scan never writes to it nor to a journal beside it
// (a write-ahead log is not read: immutable tells SQLite the file is
// complete as it is).

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// maxSQLiteTemp bounds a database inside an archive, which is copied to
// a temporary file for SQLite to open.
const maxSQLiteTemp = 1 << 30

// sqliteFile reads a database. path is set when the database is a file
// on disk; otherwise r is copied to a temporary file first.
func (src *source) sqliteFile(name, path string, r io.Reader) error {
	if path == "" {
		tmp, err := os.CreateTemp("", "breachdesk-scan-*.db")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		n, err := io.Copy(tmp, io.LimitReader(r, maxSQLiteTemp+1))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if n > maxSQLiteTemp {
			return unsupported(fmt.Sprintf("SQLite database inside an archive larger than %d GiB", maxSQLiteTemp>>30))
		}
		path = tmp.Name()
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&immutable=1"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("not a readable SQLite database (%v)", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tables, err := sqliteTables(src.ctx, db)
	if err != nil {
		return fmt.Errorf("not a readable SQLite database (%v)", err)
	}
	for _, t := range tables {
		if src.ctx.Err() != nil {
			return nil
		}
		if err := src.sqliteTable(db, member(name, t), t); err != nil {
			src.fail(member(name, t), err)
		}
	}
	return nil
}

// sqliteTables lists a database's own tables, not SQLite's.
func sqliteTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// quoteIdent quotes an SQLite identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// sqliteTable reads one table's rows as records. A value over maxLine
// bytes is read as NULL, so that no single value is held whole.
func (src *source) sqliteTable(db *sql.DB, path, table string) error {
	info, err := db.QueryContext(src.ctx, "SELECT name FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return err
	}
	var names []string
	for info.Next() {
		var n string
		if err := info.Scan(&n); err != nil {
			info.Close()
			return err
		}
		names = append(names, n)
	}
	info.Close()
	if err := info.Err(); err != nil {
		return err
	}
	if len(names) == 0 {
		return nil
	}
	if len(names) > maxSQLColumns {
		return unsupported(fmt.Sprintf("table with more than %d columns", maxSQLColumns))
	}
	var sel strings.Builder
	for k, n := range names {
		if k > 0 {
			sel.WriteString(", ")
		}
		q := quoteIdent(n)
		fmt.Fprintf(&sel, "CASE WHEN length(CAST(%s AS BLOB)) > %d THEN NULL ELSE %s END", q, maxLine, q)
	}
	rows, err := db.QueryContext(src.ctx, "SELECT "+sel.String()+" FROM "+quoteIdent(table))
	if err != nil {
		return err
	}
	defer rows.Close()
	cols := make([]column, len(names))
	for k, n := range names {
		cols[k] = column{name: n, hint: ClassifyField(n), place: placeField(n)}
	}
	vals := make([]sql.RawBytes, len(names))
	ptrs := make([]any, len(names))
	for k := range vals {
		ptrs[k] = &vals[k]
	}
	fields := make([]Field, 0, len(names))
	row := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row++
		fields = fields[:0]
		for k, v := range vals {
			if len(bytes.TrimSpace(v)) == 0 {
				continue
			}
			fields = append(fields, Field{Name: cols[k].name, Hint: cols[k].confirm(v), Classified: true, Value: v, place: cols[k].place})
		}
		src.rec = Record{Path: path, Line: row, Fields: fields}
		src.record(&src.rec)
		if row%1024 == 0 && src.ctx.Err() != nil {
			return nil
		}
	}
	return rows.Err()
}
