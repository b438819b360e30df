CREATE TABLE invoices (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer     text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
  paid_at      timestamptz
);
