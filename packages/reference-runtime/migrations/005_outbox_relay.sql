-- The relay claims due rows in a short transaction (FOR UPDATE SKIP LOCKED) and takes a lease on them, then
-- publishes outside that transaction. The lease keeps other relays off a row while it is being published, and a
-- relay that dies mid-batch loses its rows when the lease runs out, so they are published again (at least once).
-- replay_count: how often a row came back from the dead-letter table; it goes with the row if it dies again.
ALTER TABLE outbox
  ADD COLUMN locked_by    text,
  ADD COLUMN locked_until timestamptz,
  ADD COLUMN replay_count integer NOT NULL DEFAULT 0;

-- Per-aggregate order: a row is claimable only when no earlier row of its aggregate is still pending.
CREATE INDEX outbox_pending_aggregate_idx ON outbox (aggregate_type, aggregate_id, id) WHERE status = 'pending';

-- The attempt history that goes with a row into the dead-letter table. `round` counts replays, so the history of a
-- row that died, was replayed and died again reads unambiguously.
ALTER TABLE outbox_attempts ADD COLUMN round integer NOT NULL DEFAULT 0;
CREATE INDEX outbox_attempts_outbox_idx ON outbox_attempts (outbox_id, attempt);

ALTER TABLE outbox_dead_letter
  ADD COLUMN last_error text,
  ADD COLUMN replay_count integer NOT NULL DEFAULT 0;
