-- +goose Up
-- The incident list is ordered by discovery, newest first, then by id, and
-- paged with a cursor on those two: an index per filter, in that order,
-- lets each page read its 50 rows instead of sorting every incident.
DROP INDEX incidents_status;
DROP INDEX incidents_owner;
DROP INDEX incidents_reporter;
CREATE INDEX incidents_discovered ON incidents(discovered_at, id);
CREATE INDEX incidents_status_discovered ON incidents(status, discovered_at, id);
CREATE INDEX incidents_kind_discovered ON incidents(kind, discovered_at, id);
CREATE INDEX incidents_severity_discovered ON incidents(severity, discovered_at, id);
CREATE INDEX incidents_owner_discovered ON incidents(owner_id, discovered_at, id);
CREATE INDEX incidents_reporter_discovered ON incidents(reporter_id, discovered_at, id);
-- The overdue filter walks the open incidents only, newest first, and
-- checks each one's pending obligations from an index.
CREATE INDEX incidents_open_discovered ON incidents(discovered_at, id, triaged, kind) WHERE status <> 'closed';
CREATE INDEX obligations_due ON obligations(incident_id, status, due_at, target_at);
-- Each listed incident's steps (its clocks depend on them), read from the
-- index alone.
CREATE INDEX incident_steps_cover ON incident_steps(incident_id, step, state, started_at, done_at);

-- How many incidents there are in each combination of the list's
-- filters, kept by triggers, so the list's total is a sum over a few rows
-- instead of a count over every incident on every request.
CREATE TABLE incident_counts (
    exercise BOOLEAN NOT NULL,
    status   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    severity TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (exercise, status, kind, severity, owner_id)
);
INSERT INTO incident_counts (exercise, status, kind, severity, owner_id, n)
SELECT exercise_id IS NOT NULL, status, kind, severity, COALESCE(owner_id, 0), COUNT(*) FROM incidents
GROUP BY exercise_id IS NOT NULL, status, kind, severity, COALESCE(owner_id, 0);

-- +goose StatementBegin
CREATE FUNCTION incident_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE incident_counts SET n = n - 1 WHERE exercise = (OLD.exercise_id IS NOT NULL) AND status = OLD.status
          AND kind = OLD.kind AND severity = OLD.severity AND owner_id = COALESCE(OLD.owner_id, 0);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO incident_counts (exercise, status, kind, severity, owner_id, n)
        VALUES (NEW.exercise_id IS NOT NULL, NEW.status, NEW.kind, NEW.severity, COALESCE(NEW.owner_id, 0), 1)
        ON CONFLICT (exercise, status, kind, severity, owner_id) DO UPDATE SET n = incident_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER incident_counts_insert AFTER INSERT OR DELETE ON incidents FOR EACH ROW EXECUTE FUNCTION incident_counts_keep();
CREATE TRIGGER incident_counts_update AFTER UPDATE OF status, kind, severity, owner_id, exercise_id ON incidents FOR EACH ROW EXECUTE FUNCTION incident_counts_keep();
