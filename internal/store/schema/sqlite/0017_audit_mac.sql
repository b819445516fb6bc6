-- +goose Up
-- Each audit entry's MAC: HMAC-SHA256 of its hash under the audit key,
-- which is kept apart from the database. Entries written before are ''.
ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT '';
