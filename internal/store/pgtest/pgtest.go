// Package pgtest gives tests a PostgreSQL database of their own: a fresh
// schema in the database that BREACHDESK_TEST_POSTGRES names, dropped
// when the test passes and kept for inspection when it fails. Without the
// variable the test is skipped, except under CI=true, where it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Env names the database the PostgreSQL half of the tests runs in.
const Env = "BREACHDESK_TEST_POSTGRES"

// Base returns the database named by BREACHDESK_TEST_POSTGRES, skipping
// the test when it is not set (failing it under CI=true).
func Base(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(Env)
	if u == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true but %s is not set: the PostgreSQL half of the tests cannot run", Env)
		}
		tb.Skipf("%s is not set: the PostgreSQL half of the tests is skipped", Env)
	}
	return u
}

// URL creates an empty schema for the test and returns a connection
// address whose search path is that schema.
func URL(tb testing.TB) string {
	tb.Helper()
	base := Base(tb)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("creating a test schema in %s: %v", Env, err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("PostgreSQL schema %s kept for inspection", schema)
			return
		}
		db, err := sql.Open("pgx", base)
		if err != nil {
			tb.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("dropping test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s is not a URL: %v", Env, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
