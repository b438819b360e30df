-- Expired idempotency keys are purged in bulk; a claim of an expired key replaces it.
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
