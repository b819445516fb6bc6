-- +goose Up
-- Periodic work (deadline reminders, the plan review reminder) runs once
-- per period across every process: a run records its period here in the
-- same transaction as its effects, so a second run of the same period
-- (another leader, a retry after a crash) changes nothing.
CREATE TABLE periodic_runs (
    kind   TEXT NOT NULL,
    period TEXT NOT NULL,
    ran_at TEXT NOT NULL,
    job_id INTEGER NOT NULL DEFAULT 0,
    sent   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, period)
);

-- Each reminder is sent once: its key names what it is about and why
-- (e.g. obligation 12 overdue).
CREATE TABLE reminders_sent (
    key     TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
);

