-- +goose Up
-- A task that does not apply to an incident is settled with the reason,
-- so a step can complete without pretending it was done.
ALTER TABLE tasks ADD COLUMN not_applicable TEXT NOT NULL DEFAULT '';
