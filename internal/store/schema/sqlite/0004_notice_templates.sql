-- +goose Up
-- Organisations' own versions of the notice templates. Every save is a
-- new version; the highest version of a kind is the one in use.
CREATE TABLE notice_templates (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    lang       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (kind, lang, version)
);
