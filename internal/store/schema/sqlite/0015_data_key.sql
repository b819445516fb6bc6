-- +goose Up
-- The data key's check value (an HMAC of a fixed text under the key),
-- recorded when the first key is made, so a server started with another
-- key, or none, refuses to run instead of sealing new data under a key the
-- old data does not open with.
CREATE TABLE data_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    check_value TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
