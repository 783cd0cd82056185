-- Escalator schema 4: the customer update cadence (SOP §7) as its own queue.

-- `ok`, `imminent` or `breached`: the recorded alerts of the running customer
-- update clock alone, so "Customer update due" lists the tickets whose
-- customer is owed an update. Derived from the log like sla_state; the desk
-- recomputes it for every open ticket when it first opens this schema.
ALTER TABLE tickets ADD COLUMN update_state TEXT NOT NULL DEFAULT 'ok';

CREATE INDEX tickets_by_update_state ON tickets (update_state) WHERE update_state <> 'ok';
