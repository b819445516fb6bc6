-- +goose Up
-- The response team's roles (seed 001, Part 3) and the outside experts
-- the organisation can call on.
ALTER TABLE users ADD COLUMN team_role TEXT NOT NULL DEFAULT '';

CREATE TABLE experts (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    contact      TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
