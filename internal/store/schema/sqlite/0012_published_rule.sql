-- +goose Up
-- A further escalation rule: information made public, which is when
-- media interest and harm follow fastest.
INSERT INTO escalation_rules (kind, threshold) VALUES ('published', 0);
