CREATE TABLE comments (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id  uuid        NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
  body       text        NOT NULL,
  status     text        NOT NULL DEFAULT 'visible' CHECK (status IN ('visible', 'hidden')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE comment_moderation (
  id         bigserial   PRIMARY KEY,
  comment_id uuid        NOT NULL,
  action     text        NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
