-- +goose Up
-- Tabletop exercises: each runs a scenario as an incident marked with its
-- exercise, which keeps it out of the register and the statistics.
CREATE TABLE exercises (
    id          INTEGER PRIMARY KEY,
    scenario    TEXT NOT NULL,
    title       TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    advanced_ns INTEGER NOT NULL DEFAULT 0,
    revealed    INTEGER NOT NULL DEFAULT 0,
    ended_at    TEXT,
    ended_by    TEXT NOT NULL DEFAULT '',
    score       TEXT NOT NULL DEFAULT '',
    lessons     TEXT NOT NULL DEFAULT ''
);

ALTER TABLE incidents ADD COLUMN exercise_id INTEGER REFERENCES exercises(id);
CREATE UNIQUE INDEX incidents_exercise ON incidents(exercise_id) WHERE exercise_id IS NOT NULL;

-- How often the response plan must be reviewed or tested (seed 001 Part 3).
ALTER TABLE organisation ADD COLUMN plan_review_months INTEGER NOT NULL DEFAULT 12;
