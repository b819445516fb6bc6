-- +goose Up
-- The obligation's own name, when its audience alone would mislead: the
-- s 26WH assessment of a suspected breach is not "Keep a record".
ALTER TABLE obligations ADD COLUMN label TEXT NOT NULL DEFAULT '';
