-- +goose Up
-- The law engine's view of each incident: its facts document, every
-- assessment made of it, and the obligations people track.
ALTER TABLE incidents ADD COLUMN facts TEXT NOT NULL DEFAULT '';

CREATE TABLE assessments (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    assessed_at   TEXT NOT NULL,
    actor_name    TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    facts         TEXT NOT NULL,
    result        TEXT NOT NULL,
    summary       TEXT NOT NULL
);
CREATE INDEX assessments_incident ON assessments(incident_id, id);

CREATE TABLE obligations (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    rule_id       TEXT NOT NULL,
    regime        TEXT NOT NULL,
    audience      TEXT NOT NULL,
    recipient     TEXT NOT NULL DEFAULT '',
    citation      TEXT NOT NULL,
    decision      TEXT NOT NULL,
    due_at        TEXT,
    target_at     TEXT,
    due_rule      TEXT NOT NULL DEFAULT '',
    reasons       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('pending','done','not_required','overridden')),
    status_reason TEXT NOT NULL DEFAULT '',
    reference     TEXT NOT NULL DEFAULT '',
    done_at       TEXT,
    decided_by    TEXT NOT NULL DEFAULT '',
    manual        INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL,
    UNIQUE (incident_id, rule_id)
);
CREATE INDEX obligations_open ON obligations(status, incident_id);
