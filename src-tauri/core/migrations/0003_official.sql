-- Escalator schema 3: the outbox of official notifications (SOP §6 Step 4).

-- One row per queued notification and channel, derived from the ticket's
-- OfficialNotification* events (the log stays the source of truth). `state`
-- is pending, delivered or given_up; a given-up row stays, so nothing is lost
-- silently. `next_attempt_at` is NULL unless a delivery is pending.
CREATE TABLE official_outbox (
    ticket_id       TEXT NOT NULL,
    queued_seq      INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'given_up')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT,
    queued_at       TEXT NOT NULL,
    PRIMARY KEY (ticket_id, queued_seq, channel)
);

-- The delivery worker's only question, "what is due?", is one index range scan.
CREATE INDEX official_outbox_due ON official_outbox (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;
-- What is not delivered (pending or given up), for the desk to show.
CREATE INDEX official_outbox_undelivered ON official_outbox (state) WHERE state <> 'delivered';
