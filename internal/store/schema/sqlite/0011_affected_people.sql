-- +goose Up
-- The people an incident must notify. Their details are one sealed
-- (AES-256-GCM) JSON value per row, bound to the incident, so the
-- database holds no readable personal data of affected people.
CREATE TABLE affected_people (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at_risk     INTEGER NOT NULL DEFAULT 0,
    source      TEXT NOT NULL DEFAULT '',
    sealed      BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX affected_people_incident ON affected_people(incident_id);
