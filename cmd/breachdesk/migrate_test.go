package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breachdesk/breachdesk/internal/store/pgtest"
)

// migrate brings either store to the binary's schema, and a server
// refuses a database that a newer breachdesk migrated.
func TestMigrateAndRefuseNewerSchema(t *testing.T) {
	data := t.TempDir()
	code, out, errs := runCLI(t, "", "migrate", "--data", data)
	if code != 0 || !strings.Contains(out, "Applied migrations 1, 2,") {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	if code, out, _ := runCLI(t, "", "migrate", "--data", data); code != 0 || !strings.Contains(out, "up to date (schema version") {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(data, "breachdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0", "--data", data}, {"migrate", "--data", data}, {"user", "list", "--data", data}} {
		code, _, errs := runCLI(t, "", args...)
		if code != 1 || !strings.Contains(errs, "newer than this binary") || !strings.Contains(errs, "version 9999") {
			t.Errorf("%s on a newer schema: %d %s", args[0], code, errs)
		}
	}
}

func TestMigratePostgres(t *testing.T) {
	url, data := pgtest.URL(t), t.TempDir()
	code, out, errs := runCLI(t, "", "migrate", "--database", url, "--data", data)
	if code != 0 || !strings.Contains(out, "Applied migrations 1, 2,") {
		t.Fatalf("migrate: %d %s %s", code, out, errs)
	}
	if code, out, _ := runCLI(t, "", "migrate", "--database", url, "--data", data); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate: %d %s", code, out)
	}
	if code, _, errs := runCLI(t, "", "migrate", "--database", "mysql://x", "--data", data); code != 1 || !strings.Contains(errs, "postgres://") {
		t.Fatalf("a non-PostgreSQL address: %d %s", code, errs)
	}
}
