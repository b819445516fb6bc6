-- +goose Up
-- Escalation rules the administrator configures; each firing is recorded
-- once per incident.
CREATE TABLE escalation_rules (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    threshold INTEGER NOT NULL DEFAULT 0,
    enabled   INTEGER NOT NULL DEFAULT 1
);
INSERT INTO escalation_rules (kind, threshold) VALUES ('sensitive_data', 0), ('people_over', 100), ('malicious_cause', 0), ('vulnerable_people', 0), ('ongoing', 0), ('severity_at_least', 3);

CREATE TABLE escalation_firings (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    rule_id     INTEGER NOT NULL REFERENCES escalation_rules(id) ON DELETE CASCADE,
    fired_at    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    PRIMARY KEY (incident_id, rule_id)
);
