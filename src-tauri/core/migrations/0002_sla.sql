-- Escalator schema 2: SLA scheduling and notifier state.

-- The next instant the scheduler must look at a ticket (its earliest warning
-- or breach not yet recorded) and its nearest deadline. Both are derived from
-- the log and the SLA config; NULL when no clock runs.
ALTER TABLE tickets ADD COLUMN sla_next_at TEXT;
ALTER TABLE tickets ADD COLUMN sla_due_at TEXT;

-- The scheduler's only question, "what falls due next?", is one index probe.
CREATE INDEX tickets_by_sla_next ON tickets (sla_next_at) WHERE sla_next_at IS NOT NULL;
-- The tray's "most urgent tickets": those with an alert, nearest deadline first.
CREATE INDEX tickets_by_sla_due ON tickets (sla_state, sla_due_at) WHERE sla_state <> 'ok';

-- Small facts the app keeps between runs: how far the notifier has read the
-- log, which SLA config the projections were computed with.
CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
