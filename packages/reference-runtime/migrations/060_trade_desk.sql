-- Trade desk: what sellers offer (availabilities) and what buyers need (requirements).
--
-- Organisations, partners and commodities are other modules' tables. The trade desk keeps their ids and codes as
-- plain columns, without cross-module foreign keys, like the legacy backend's modules do: each module's migrations
-- stand on their own and a module can be reset without cascading into another's data.
--
-- Actors (created_by, approved_by, ...) are user ids from the settings module, nullable for system actions.
-- Quantities are in the row's own unit; matching converts through kilograms (a cotton bale is 170 kg).

CREATE TABLE requirements (
  id                  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id     uuid          NOT NULL,
  buyer_partner_id    uuid          NOT NULL,
  commodity_code      text          NOT NULL CHECK (commodity_code <> ''),
  variety             text,
  quantity            numeric(14,3) NOT NULL CHECK (quantity > 0),
  fulfilled_quantity  numeric(14,3) NOT NULL DEFAULT 0 CHECK (fulfilled_quantity >= 0),
  unit                text          NOT NULL CHECK (unit IN ('KG', 'QTL', 'MT', 'BALES')),
  max_price_per_unit  numeric(14,2) NOT NULL CHECK (max_price_per_unit > 0),
  currency            char(3)       NOT NULL DEFAULT 'INR',
  delivery_location   text          NOT NULL CHECK (delivery_location <> ''),
  delivery_state_code char(2)       NOT NULL,
  -- Acceptable ranges per quality parameter: {"staple_length_mm": {"min": 28}, "moisture_pct": {"max": 8}}
  quality_spec        jsonb         NOT NULL DEFAULT '{}'::jsonb,
  required_by         date,
  status              text          NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'published', 'partially_fulfilled', 'fulfilled', 'cancelled')),
  created_by          uuid,
  published_at        timestamptz,
  fulfilled_at        timestamptz,
  cancelled_at        timestamptz,
  cancellation_reason text,
  created_at          timestamptz   NOT NULL DEFAULT now(),
  updated_at          timestamptz   NOT NULL DEFAULT now(),
  CONSTRAINT requirements_fulfilled_within_quantity CHECK (fulfilled_quantity <= quantity)
);
CREATE INDEX requirements_org_status_idx ON requirements (organization_id, status);
CREATE INDEX requirements_open_by_commodity_idx ON requirements (commodity_code)
  WHERE status IN ('published', 'partially_fulfilled');

CREATE TABLE availabilities (
  id                uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id   uuid          NOT NULL,
  seller_partner_id uuid          NOT NULL,
  commodity_code    text          NOT NULL CHECK (commodity_code <> ''),
  variety           text,
  quantity          numeric(14,3) NOT NULL CHECK (quantity > 0),
  reserved_quantity numeric(14,3) NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
  unit              text          NOT NULL CHECK (unit IN ('KG', 'QTL', 'MT', 'BALES')),
  price_per_unit    numeric(14,2) NOT NULL CHECK (price_per_unit > 0),
  currency          char(3)       NOT NULL DEFAULT 'INR',
  location          text          NOT NULL CHECK (location <> ''),
  state_code        char(2)       NOT NULL,
  -- Measured quality of the lot: {"staple_length_mm": 29.5, "micronaire": 4.1, "moisture_pct": 7.2}
  quality           jsonb         NOT NULL DEFAULT '{}'::jsonb,
  available_from    date,
  available_until   date,
  status            text          NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'withdrawn')),
  created_by        uuid,
  approved_by       uuid,
  approved_at       timestamptz,
  withdrawn_at      timestamptz,
  withdrawal_reason text,
  created_at        timestamptz   NOT NULL DEFAULT now(),
  updated_at        timestamptz   NOT NULL DEFAULT now(),
  CONSTRAINT availabilities_reserved_within_quantity CHECK (reserved_quantity <= quantity),
  CONSTRAINT availabilities_window_ordered
    CHECK (available_from IS NULL OR available_until IS NULL OR available_until >= available_from)
);
CREATE INDEX availabilities_org_status_idx ON availabilities (organization_id, status);
CREATE INDEX availabilities_approved_by_commodity_idx ON availabilities (commodity_code) WHERE status = 'approved';

-- A hold on part of an availability (for a deal being negotiated); the reference makes a retried hold harmless.
CREATE TABLE availability_reservations (
  id              uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  availability_id uuid          NOT NULL REFERENCES availabilities (id) ON DELETE CASCADE,
  requirement_id  uuid          REFERENCES requirements (id),
  quantity        numeric(14,3) NOT NULL CHECK (quantity > 0),
  reference       text          NOT NULL CHECK (reference <> ''),
  reserved_by     uuid,
  created_at      timestamptz   NOT NULL DEFAULT now(),
  UNIQUE (availability_id, reference)
);

-- Deliveries or contracts recorded against a requirement; their sum is requirements.fulfilled_quantity.
CREATE TABLE requirement_fulfillments (
  id              uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  requirement_id  uuid          NOT NULL REFERENCES requirements (id) ON DELETE CASCADE,
  availability_id uuid          REFERENCES availabilities (id),
  quantity        numeric(14,3) NOT NULL CHECK (quantity > 0),
  reference       text          NOT NULL CHECK (reference <> ''),
  recorded_at     timestamptz   NOT NULL DEFAULT now(),
  UNIQUE (requirement_id, reference)
);
