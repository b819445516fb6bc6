-- +goose Up
-- The Review step: what went well and badly, lessons, root causes and the
-- actions that follow, tracked to closure.
CREATE TABLE reviews (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    went_well   TEXT NOT NULL DEFAULT '',
    went_badly  TEXT NOT NULL DEFAULT '',
    lessons     TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
);

CREATE TABLE root_causes (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX root_causes_incident ON root_causes(incident_id);

CREATE TABLE review_actions (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    owner_id    INTEGER NOT NULL REFERENCES users(id),
    due_at      TEXT,
    link        TEXT NOT NULL DEFAULT '',
    done        INTEGER NOT NULL DEFAULT 0,
    done_at     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX review_actions_open ON review_actions(done, due_at);
