package schema_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/breachdesk/breachdesk/internal/store/pgtest"
	"github.com/breachdesk/breachdesk/internal/store/schema"
)

func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Every migration has its twin in the other dialect, so neither store
// falls behind the other.
func TestMigrationsAreTwins(t *testing.T) {
	names := map[schema.Dialect][]string{}
	for _, d := range []schema.Dialect{schema.SQLite, schema.Postgres} {
		fsys, err := schema.Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		files, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			body, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(body), "-- +goose Up") {
				t.Errorf("%s/%s has no '-- +goose Up' line", d, f)
			}
		}
		names[d] = files
	}
	if !reflect.DeepEqual(names[schema.SQLite], names[schema.Postgres]) {
		t.Errorf("the dialects' migrations differ:\nsqlite:   %v\npostgres: %v", names[schema.SQLite], names[schema.Postgres])
	}
}

func testUp(t *testing.T, db *sql.DB, d schema.Dialect) {
	ctx := context.Background()
	latest, err := schema.Latest(d)
	if err != nil || latest < 12 {
		t.Fatalf("Latest = %d, %v", latest, err)
	}
	applied, err := schema.Up(ctx, db, d)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(applied)) != latest || applied[len(applied)-1] != latest {
		t.Fatalf("applied %v, want 1..%d", applied, latest)
	}
	var river int
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM river_migration`).Scan(&river); err != nil || river != schema.RiverVersion {
		t.Fatalf("River's tables at version %d, %v; want %d", river, err, schema.RiverVersion)
	}
	if again, err := schema.Up(ctx, db, d); err != nil || len(again) != 0 {
		t.Fatalf("second Up applied %v, %v", again, err)
	}
	if v, err := schema.Version(ctx, db, d); err != nil || v != latest {
		t.Fatalf("Version = %d, %v; want %d", v, err, latest)
	}
	// The append-only audit log refuses changes in both dialects.
	if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, action, object, incident_id, details, prev_hash, hash)
 VALUES (1, '2026-01-01T00:00:00.000000000Z', 0, 'a', 'x', 'y', 0, '{}', '', 'h')`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET actor = 'b'`, `DELETE FROM audit_log`} {
		if _, err := db.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want the append-only refusal", q, err)
		}
	}
	// A database migrated by a newer binary is refused, by Up and Check.
	if _, err := db.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, TRUE)`); err != nil {
		t.Fatal(err)
	}
	if _, err := schema.Up(ctx, db, d); !errors.Is(err, schema.ErrTooNew) || !strings.Contains(err.Error(), "version 9999") {
		t.Errorf("Up on a newer schema: %v", err)
	}
	if err := schema.Check(ctx, db, d); !errors.Is(err, schema.ErrTooNew) {
		t.Errorf("Check on a newer schema: %v", err)
	}
}

func TestUpSQLite(t *testing.T)   { testUp(t, openSQLite(t), schema.SQLite) }
func TestUpPostgres(t *testing.T) { testUp(t, openPostgres(t), schema.Postgres) }

// columns lists table.column of every table but goose's.
func columns(t *testing.T, db *sql.DB, d schema.Dialect) []string {
	q := `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name <> 'goose_db_version' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'`
	if d == schema.Postgres {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Both dialects end with the same tables and columns, so one set of
// queries serves both stores.
func TestDialectsHaveTheSameColumns(t *testing.T) {
	ctx := context.Background()
	lite, pg := openSQLite(t), openPostgres(t)
	if _, err := schema.Up(ctx, lite, schema.SQLite); err != nil {
		t.Fatal(err)
	}
	if _, err := schema.Up(ctx, pg, schema.Postgres); err != nil {
		t.Fatal(err)
	}
	a, b := columns(t, lite, schema.SQLite), columns(t, pg, schema.Postgres)
	if len(a) < 100 || !reflect.DeepEqual(a, b) {
		t.Errorf("columns differ:\nsqlite:   %v\npostgres: %v", a, b)
	}
}

// A data folder migrated by breachdesk's earlier runner (schema_migrations
// rows named after the files) is carried over without applying anything
// twice, and its data stays.
func TestLegacyRunnerIsAdopted(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	fsys, err := schema.Migrations(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(fsys, "*.sql")
	annot := regexp.MustCompile(`(?m)^-- \+goose .*$`)
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f >= "0013" { // the earlier runner knew versions 1 to 12
			break
		}
		body, _ := fs.ReadFile(fsys, f)
		if _, err := db.Exec(annot.ReplaceAllString(string(body), "")); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, 'then')`, strings.TrimSuffix(f, ".sql")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO experts (kind, name, contact, created_at) VALUES ('counsel', 'Kept', 'x', 'now')`); err != nil {
		t.Fatal(err)
	}
	applied, err := schema.Up(ctx, db, schema.SQLite)
	if err != nil || len(applied) == 0 || applied[0] != 13 {
		t.Fatalf("Up on a legacy database applied %v, %v; want 13 onwards only", applied, err)
	}
	latest, _ := schema.Latest(schema.SQLite)
	if v, err := schema.Version(ctx, db, schema.SQLite); err != nil || v != latest {
		t.Errorf("Version = %d, %v; want %d", v, err, latest)
	}
	var name string
	if err := db.QueryRow(`SELECT name FROM experts`).Scan(&name); err != nil || name != "Kept" {
		t.Errorf("data lost: %q, %v", name, err)
	}
}

// Several processes starting at once against one PostgreSQL database
// apply each migration once: goose's advisory lock serialises them.
func TestConcurrentUpPostgres(t *testing.T) {
	url := pgtest.URL(t)
	latest, _ := schema.Latest(schema.Postgres)
	results := make(chan []int64, 4)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := sql.Open("pgx", url)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			applied, err := schema.Up(context.Background(), db, schema.Postgres)
			results <- applied
			errs <- err
		}()
	}
	total := 0
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		total += len(<-results)
	}
	if int64(total) != latest {
		t.Errorf("%d migrations applied across four processes, want %d", total, latest)
	}
}
