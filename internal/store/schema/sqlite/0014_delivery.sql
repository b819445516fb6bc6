-- +goose Up
-- Delivery of notices to affected people: campaigns (one stage of
-- notices), the outbox of messages (recorded before each is sent, leased
-- by the worker that sends it), their history, the counts a campaign page
-- reads without scanning the outbox, and the references of the lookup
-- page. No contact detail is stored in the clear: messages name people by
-- id, match providers' reports by a keyed hash of the recipient, and keep
-- what was sent sealed under the data key.
CREATE TABLE campaigns (
    id            INTEGER PRIMARY KEY,
    incident_id   INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    stage         INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    option        INTEGER NOT NULL,
    practicable   TEXT NOT NULL DEFAULT '',
    fallback      TEXT NOT NULL,
    status        TEXT NOT NULL,
    resend        INTEGER NOT NULL DEFAULT 0,
    unreachable   INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    started_at    TEXT,
    ended_at      TEXT
);
CREATE INDEX campaigns_incident ON campaigns(incident_id);
CREATE INDEX campaigns_status ON campaigns(status);

CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    incident_id   INTEGER NOT NULL,
    person_id     INTEGER NOT NULL REFERENCES affected_people(id) ON DELETE CASCADE,
    channel       TEXT NOT NULL,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT NOT NULL,
    lease_owner   TEXT,
    lease_until   TEXT,
    message_id    TEXT,
    provider_id   TEXT,
    recipient_key BLOB,
    detail        TEXT NOT NULL DEFAULT '',
    content_hash  BLOB,
    content       BLOB,
    batch         TEXT,
    queued_at     TEXT NOT NULL,
    sent_at       TEXT,
    final_at      TEXT
);
CREATE UNIQUE INDEX deliveries_once ON deliveries(campaign_id, person_id, channel);
CREATE INDEX deliveries_due ON deliveries(next_at) WHERE status = 'queued';
CREATE INDEX deliveries_leased ON deliveries(lease_until) WHERE status = 'sending';
CREATE INDEX deliveries_message ON deliveries(message_id) WHERE message_id IS NOT NULL;
CREATE INDEX deliveries_provider ON deliveries(provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX deliveries_recipient ON deliveries(recipient_key) WHERE recipient_key IS NOT NULL;
CREATE INDEX deliveries_person ON deliveries(incident_id, person_id);
CREATE INDEX deliveries_campaign_status ON deliveries(campaign_id, status, id);

CREATE TABLE delivery_events (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    status      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_events_delivery ON delivery_events(delivery_id);

CREATE TABLE campaign_counts (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    status      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, channel, status)
);

CREATE TABLE notice_references (
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES affected_people(id) ON DELETE CASCADE,
    ref_key     BLOB NOT NULL UNIQUE,
    check_key   BLOB NOT NULL,
    check_kind  TEXT NOT NULL,
    sealed      BLOB NOT NULL,
    PRIMARY KEY (incident_id, person_id)
);

-- Secrets the application derives keys from (message ids, return paths,
-- recipients' keys, lookup references), sealed under the data key so that
-- rotating the key keeps them.
CREATE TABLE secrets (
    name       TEXT PRIMARY KEY,
    sealed     BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Whether an incident's "was my information involved?" page answers: off
-- until someone switches it on with the public notice.
CREATE TABLE lookup_settings (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
    enabled     INTEGER NOT NULL DEFAULT 0,
    changed_by  TEXT NOT NULL,
    changed_at  TEXT NOT NULL
);

-- Organisations told about the breach besides the regulators and the
-- people (police, insurer, banks, IDCARE, CERT NZ, other regulators).
CREATE TABLE third_parties (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX third_parties_incident ON third_parties(incident_id);

-- Enquiries from affected people and the public; their notes are sealed,
-- since a caller may be named in them.
CREATE TABLE enquiries (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    channel     TEXT NOT NULL,
    category    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    notes       BLOB,
    created_by  TEXT NOT NULL
);
CREATE INDEX enquiries_incident ON enquiries(incident_id);
