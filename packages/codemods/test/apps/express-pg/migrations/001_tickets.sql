CREATE TABLE tickets (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  title      text        NOT NULL,
  status     text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ticket_history (
  id         bigserial   PRIMARY KEY,
  ticket_id  uuid        NOT NULL,
  change     text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
