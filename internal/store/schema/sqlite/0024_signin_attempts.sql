-- +goose Up
-- Sign-in attempts counted by the throttle, kept in the database so that
-- every server behind a load balancer counts the same ones. Keys name an
-- address ("a:203.0.113.9") or an account at an address.
CREATE TABLE signin_attempts (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX signin_attempts_key ON signin_attempts(key, at);
CREATE INDEX signin_attempts_at ON signin_attempts(at);
