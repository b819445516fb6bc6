-- +goose Up
-- Public notices (Privacy Act 2020 s 115(2); Privacy Act 1988 s 26WL(2)(c);
-- GDPR art 34(3)(c)): published at a stable address anyone can read.
CREATE TABLE public_notices (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    html         TEXT NOT NULL,
    text         TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    withdrawn_at TEXT
);
CREATE INDEX public_notices_incident ON public_notices(incident_id, id);
