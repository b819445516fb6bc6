-- +goose Up
-- What the team writes for an incident's notices, in plain words: what
-- happened, the steps taken and the advice (one point a line).
CREATE TABLE notice_text (
    incident_id   INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    what_happened TEXT NOT NULL DEFAULT '',
    steps         TEXT NOT NULL DEFAULT '',
    advice        TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
