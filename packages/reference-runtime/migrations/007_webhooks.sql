-- Outgoing webhooks: per-organisation subscriptions and the deliveries made to them.

CREATE TABLE webhook_subscriptions (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id text        NOT NULL,
  url             text        NOT NULL CHECK (url ~ '^https?://'),
  description     text,
  -- Exact types ('requirement.published'), prefixes ('requirement.*') or '*'.
  event_types     text[]      NOT NULL CHECK (cardinality(event_types) > 0),
  -- Standard Webhooks secret, 'whsec_' + base64 of the key.
  secret          text        NOT NULL,
  -- During a rotation deliveries are signed with both secrets until the old one expires.
  previous_secret text,
  previous_secret_expires_at timestamptz,
  active          boolean     NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_org_idx ON webhook_subscriptions (organization_id);

CREATE TABLE webhook_deliveries (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The webhook-id header: one per delivery, the same on every retry so receivers can deduplicate.
  message_id       text        NOT NULL UNIQUE,
  subscription_id  uuid        NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
  organization_id  text        NOT NULL,
  event_id         text        NOT NULL,
  event_type       text        NOT NULL,
  -- The exact bytes sent (and signed) on every attempt.
  body             text        NOT NULL,
  priority         text        NOT NULL CHECK (priority IN ('HIGH', 'MEDIUM', 'LOW')),
  -- PENDING: waiting for its first attempt; FAILED: an attempt failed and a retry is scheduled;
  -- SUCCESS: delivered; DEAD_LETTER: every retry failed, kept for inspection and manual replay.
  status           text        NOT NULL DEFAULT 'PENDING'
                               CHECK (status IN ('PENDING', 'FAILED', 'SUCCESS', 'DEAD_LETTER')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  locked_by        text,
  locked_until     timestamptz,
  last_status_code integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  dead_lettered_at timestamptz,
  -- The relay delivers events at least once; an event reaches a subscription once.
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status IN ('PENDING', 'FAILED');
CREATE INDEX webhook_deliveries_org_idx ON webhook_deliveries (organization_id, created_at);

CREATE TABLE webhook_delivery_attempts (
  id          bigserial   PRIMARY KEY,
  delivery_id uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt     integer     NOT NULL,
  status_code integer,
  error       text,
  duration_ms integer     NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, attempt);
