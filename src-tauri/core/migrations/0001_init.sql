-- Escalator schema 1: the event log, the users, and the projections the UI reads.

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    handle       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('l1', 'l2', 'l3')),
    team         TEXT CHECK (team IN ('software', 'hardware', 'validation')),
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    CHECK (role <> 'l2' OR team IS NOT NULL)
);

-- The actor of events the app raises by itself. It cannot log in.
INSERT INTO users (id, handle, display_name, role, team, active, created_at)
VALUES ('00000000-0000-0000-0000-000000000000', 'system', 'Escalator', 'l3', NULL, 0, '1970-01-01T00:00:00.000Z');

-- The source of truth: one hash-chained stream per ticket. Never updated or deleted.
CREATE TABLE events (
    position  INTEGER PRIMARY KEY AUTOINCREMENT,
    id        TEXT NOT NULL UNIQUE,
    ticket_id TEXT NOT NULL,
    seq       INTEGER NOT NULL CHECK (seq >= 1),
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    actor     TEXT NOT NULL REFERENCES users (id),
    at        TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    UNIQUE (ticket_id, seq)
);

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

-- Projection: one narrow row per ticket with the columns queues filter and sort on.
CREATE TABLE tickets (
    id              TEXT PRIMARY KEY,
    number          INTEGER NOT NULL UNIQUE,
    key             TEXT NOT NULL UNIQUE,
    customer        TEXT NOT NULL,
    customer_norm   TEXT NOT NULL,
    summary         TEXT NOT NULL,
    product         TEXT NOT NULL,
    priority        TEXT,
    status          TEXT NOT NULL,
    level           TEXT NOT NULL,
    owner_id        TEXT NOT NULL REFERENCES users (id),
    team            TEXT,
    assignee_id     TEXT REFERENCES users (id),
    category        TEXT,
    escalation_type TEXT,
    management      TEXT,           -- NULL, 'pending' or 'taken' (SOP §5.3)
    manager_id      TEXT REFERENCES users (id),
    sla_state       TEXT NOT NULL DEFAULT 'ok' CHECK (sla_state IN ('ok', 'imminent', 'breached')),
    opened_at       TEXT NOT NULL,
    escalated_at    TEXT,
    updated_at      TEXT NOT NULL,
    closed_at       TEXT
);

-- Projection: the whole folded ticket as JSON, for the ticket view. Kept apart
-- so list queries over many tickets read narrow rows.
CREATE TABLE ticket_state (
    id    TEXT PRIMARY KEY REFERENCES tickets (id),
    state TEXT NOT NULL
);

CREATE INDEX tickets_by_status ON tickets (status, updated_at);
-- Queues filter by a person or team and a set of statuses, and list the most
-- recently updated first: each index walks one person's tickets in that order
-- and holds the status and priority, so a page reads only its 200 rows and a
-- count reads no rows at all.
CREATE INDEX tickets_by_owner ON tickets (owner_id, updated_at, status, priority);
CREATE INDEX tickets_by_team ON tickets (team, updated_at, status, priority);
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, updated_at, status, priority);
CREATE INDEX tickets_by_manager ON tickets (manager_id, updated_at, status, priority);
CREATE INDEX tickets_by_customer ON tickets (customer_norm, status);
CREATE INDEX tickets_by_sla ON tickets (sla_state, status);

-- Projection: summaries for search and the SOP §11 similarity check (rowid = tickets.number).
CREATE VIRTUAL TABLE ticket_search USING fts5 (summary, tokenize = 'porter unicode61');

-- Projection: refused escalations, for the SOP §13 review.
CREATE TABLE escalation_refusals (
    ticket_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    actor     TEXT NOT NULL REFERENCES users (id),
    at        TEXT NOT NULL,
    rules     TEXT NOT NULL,
    PRIMARY KEY (ticket_id, seq)
);
