-- +goose Up
-- The job that added a person, if a job did: a job run again after a
-- crash replaces the people it added instead of adding them twice.
ALTER TABLE affected_people ADD COLUMN job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL;
CREATE INDEX affected_people_job ON affected_people(job_id) WHERE job_id IS NOT NULL;
