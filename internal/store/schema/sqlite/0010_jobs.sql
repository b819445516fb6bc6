-- +goose Up
-- Background jobs (scans of exposed files, for now). The queue lives in
-- the database, so any serve or worker process can take a job.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    incident_id INTEGER REFERENCES incidents(id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('queued','running','done','failed')),
    input       TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    files       INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    result      TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT
);
CREATE INDEX jobs_state ON jobs(state, id);
CREATE INDEX jobs_incident ON jobs(incident_id);
