package schema

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// RiverVersion is the version of River's own schema (its "main" migration
// line) that this binary's job queue expects. A River upgrade that brings
// a new one adds a migration here that moves to it.
const RiverVersion = 8

// goMigrations are the migrations written in Go, the same versions in
// both dialects: River's tables, installed by River's own migrator, so
// the queue's schema is versioned with ours. River applies each of its
// versions in a transaction of its own (on PostgreSQL an enum value it
// adds cannot be used in the transaction that adds it), and records them
// in its river_migration table, so a run stopped half-way resumes.
func goMigrations(d Dialect) []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(22, &goose.GoFunc{RunDB: func(ctx context.Context, db *sql.DB) error {
			return migrateRiver(ctx, db, d, RiverVersion)
		}}, nil),
	}
}

// migrateRiver brings River's tables to version v.
func migrateRiver(ctx context.Context, db *sql.DB, d Dialect, v int) error {
	opts := &rivermigrate.MigrateOpts{TargetVersion: v}
	var m *rivermigrate.Migrator[*sql.Tx]
	var err error
	if d == Postgres {
		m, err = rivermigrate.New(riverdatabasesql.New(db), nil)
	} else {
		m, err = rivermigrate.New(riversqlite.New(db), nil)
	}
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, opts)
	}
	if err != nil {
		return fmt.Errorf("installing the job queue's tables: %w", err)
	}
	return nil
}
