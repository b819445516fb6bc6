-- +goose Up
-- The data breach response plan, versioned, with executive approval.
CREATE TABLE plan_versions (
    id          INTEGER PRIMARY KEY,
    version     INTEGER NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    approved_at TEXT,
    approved_by TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL DEFAULT ''
);
