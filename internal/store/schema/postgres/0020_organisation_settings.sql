-- +goose Up
-- Settings an administrator keeps up to date: the privacy officer's job
-- title (NotifyUs asks for it), the ANZSIC 2006 industry division, and
-- how long incident records are kept after closing.
ALTER TABLE organisation ADD COLUMN contact_title TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN industry TEXT NOT NULL DEFAULT '';
ALTER TABLE organisation ADD COLUMN retention_years INTEGER NOT NULL DEFAULT 7;
