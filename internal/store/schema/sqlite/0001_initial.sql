-- +goose Up
-- The organisation, its people and their credentials.
CREATE TABLE organisation (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    name          TEXT NOT NULL,
    contact_name  TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    contact_phone TEXT NOT NULL DEFAULT '',
    nzbn          TEXT NOT NULL DEFAULT '',
    abn           TEXT NOT NULL DEFAULT '',
    sector        TEXT NOT NULL DEFAULT '',
    laws          TEXT NOT NULL DEFAULT '',
    time_zone     TEXT NOT NULL DEFAULT 'UTC',
    created_at    TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','privacy_officer','responder','viewer','reporter')),
    response_team INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);

-- Incidents and everything that hangs off them.
CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('breach','near_miss','not_breach')),
    status          TEXT NOT NULL CHECK (status IN ('reported','open','closed')),
    triaged         INTEGER NOT NULL DEFAULT 0,
    severity        TEXT NOT NULL DEFAULT '',
    near_miss       INTEGER NOT NULL DEFAULT 0,
    what_happened   TEXT NOT NULL,
    occurred_at     TEXT,
    discovered_at   TEXT NOT NULL,
    ongoing         TEXT NOT NULL DEFAULT 'unknown',
    data_categories TEXT NOT NULL DEFAULT '',
    people_count    INTEGER,
    cause           TEXT NOT NULL DEFAULT '',
    how_it_happened TEXT NOT NULL DEFAULT '',
    where_it_went   TEXT NOT NULL DEFAULT '',
    recipient       TEXT NOT NULL DEFAULT '',
    actions_taken   TEXT NOT NULL DEFAULT '',
    reporter_id     INTEGER NOT NULL REFERENCES users(id),
    owner_id        INTEGER REFERENCES users(id),
    escalated       INTEGER NOT NULL DEFAULT 0,
    escalated_at    TEXT,
    closed_at       TEXT,
    close_reason    TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX incidents_status ON incidents(status, discovered_at);
CREATE INDEX incidents_owner ON incidents(owner_id);
CREATE INDEX incidents_reporter ON incidents(reporter_id);

CREATE TABLE incident_steps (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    step        TEXT NOT NULL CHECK (step IN ('contain','assess','notify','review')),
    state       TEXT NOT NULL CHECK (state IN ('pending','active','done')),
    started_at  TEXT,
    done_at     TEXT,
    PRIMARY KEY (incident_id, step)
);

CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    title       TEXT NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,
    done_at     TEXT,
    done_by     TEXT NOT NULL DEFAULT '',
    assignee_id INTEGER REFERENCES users(id),
    due_at      TEXT,
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX tasks_incident ON tasks(incident_id, step, position);

CREATE TABLE timeline (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX timeline_incident ON timeline(incident_id, at);

CREATE TABLE evidence (
    id             INTEGER PRIMARY KEY,
    incident_id    INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    uploaded_by_id INTEGER NOT NULL REFERENCES users(id),
    uploaded_by    TEXT NOT NULL,
    uploaded_at    TEXT NOT NULL
);
CREATE INDEX evidence_incident ON evidence(incident_id);

CREATE TABLE participants (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL DEFAULT '',
    added_at    TEXT NOT NULL,
    PRIMARY KEY (incident_id, user_id)
);
CREATE INDEX participants_user ON participants(user_id);

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    incident_id INTEGER REFERENCES incidents(id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, read_at);

-- The audit log is append-only: the triggers refuse any change or removal,
-- and the hash chain exposes any made behind the database's back.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object      TEXT NOT NULL,
    incident_id INTEGER NOT NULL,
    details     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_incident ON audit_log(incident_id, seq);
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
-- +goose StatementEnd
