CREATE TABLE outbox (id bigserial PRIMARY KEY, event_type text NOT NULL, aggregate_type text NOT NULL, aggregate_id text NOT NULL, payload jsonb NOT NULL, sent_at timestamptz);
CREATE TABLE idempotency_keys (scope text NOT NULL, key text NOT NULL, request_hash text NOT NULL, PRIMARY KEY (scope, key));
