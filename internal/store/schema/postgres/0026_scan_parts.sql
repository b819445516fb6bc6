-- +goose Up
-- The parts of a scan split across workers (one or more files each, any
-- worker takes one): a part is done once its findings and people are in
-- the file store, and the worker that finishes the last one merges them.
CREATE TABLE scan_parts (
    job_id  BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    part    INTEGER NOT NULL,
    files   BIGINT NOT NULL DEFAULT 0,
    bytes   BIGINT NOT NULL DEFAULT 0,
    done_at utc_time,
    PRIMARY KEY (job_id, part)
);
