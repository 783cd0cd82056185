-- Escalator schema 4: the customer update cadence (SOP §7) as its own queue.

-- 1 while the running customer update clock has a recorded warning or
-- breach: the customer is owed an update, and "Customer update due" lists
-- the ticket until one is sent. Derived from the log like sla_state; the
-- desk recomputes it for every open ticket when it first opens this schema.
ALTER TABLE tickets ADD COLUMN update_due INTEGER NOT NULL DEFAULT 0;

-- Like tickets_by_sla: the queue asks by equality, so the planner picks this
-- index over the owner's (measured in benches/queues.rs).
CREATE INDEX tickets_by_update_due ON tickets (update_due, status);
