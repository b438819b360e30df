-- Infrastructure shared by every module: the transactional outbox, its dead-letter table and the idempotency store.

CREATE TABLE outbox (
  id             bigserial PRIMARY KEY,
  event_id       uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  event_type     text        NOT NULL,
  aggregate_type text        NOT NULL,
  aggregate_id   text        NOT NULL,
  organization_id text,
  payload        jsonb       NOT NULL,
  status         text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
  attempts       integer     NOT NULL DEFAULT 0,
  last_error     text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at     timestamptz NOT NULL DEFAULT now(),
  sent_at        timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, id) WHERE status = 'pending';

CREATE TABLE outbox_dead_letter (
  id             bigint      PRIMARY KEY,
  event_id       uuid        NOT NULL UNIQUE,
  event_type     text        NOT NULL,
  aggregate_type text        NOT NULL,
  aggregate_id   text        NOT NULL,
  organization_id text,
  payload        jsonb       NOT NULL,
  attempts       integer     NOT NULL,
  errors         jsonb       NOT NULL DEFAULT '[]'::jsonb,
  created_at     timestamptz NOT NULL,
  dead_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outbox_attempts (
  id         bigserial PRIMARY KEY,
  outbox_id  bigint      NOT NULL,
  attempt    integer     NOT NULL,
  error      text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);

-- Present in the legacy runtime but unused by its operations (the seed: "header accepted but not enforced").
CREATE TABLE idempotency_keys (
  scope          text        NOT NULL,
  key            text        NOT NULL,
  request_hash   text        NOT NULL,
  status         text        NOT NULL DEFAULT 'in_flight' CHECK (status IN ('in_flight', 'completed')),
  response_status integer,
  response_body  jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL DEFAULT now() + interval '24 hours',
  PRIMARY KEY (scope, key)
);
