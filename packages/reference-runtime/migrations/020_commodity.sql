-- Commodity master data shared by every organisation on the platform: what is traded (commodities, their varieties
-- and the quality parameters a lot is tested on), how it is taxed (HSN codes) and the vocabulary of a contract
-- (trade types, payment terms, delivery terms, bargain types).

CREATE TABLE hsn_codes (
  id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Harmonised System of Nomenclature: 4, 6 or 8 digits ('5201' raw cotton, '10063020' basmati rice).
  code        text          NOT NULL UNIQUE CONSTRAINT hsn_codes_code_format CHECK (code ~ '^[0-9]{4}([0-9]{2}){0,2}$'),
  description text          NOT NULL,
  -- Percent. 40 is the rate for demerit goods since the 2025 rationalisation; 12 and 28 remain on older contracts.
  gst_rate    numeric(5, 2) NOT NULL CONSTRAINT hsn_codes_gst_rate_range CHECK (gst_rate >= 0 AND gst_rate <= 40),
  cess_rate   numeric(5, 2) NOT NULL DEFAULT 0 CHECK (cess_rate >= 0),
  created_at  timestamptz   NOT NULL DEFAULT now(),
  updated_at  timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE commodities (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  code              text        NOT NULL UNIQUE,
  name              text        NOT NULL,
  category          text        NOT NULL CHECK (category IN ('fibre', 'cereals', 'pulses', 'oilseeds', 'spices', 'edible_oils', 'sugar')),
  -- The unit prices are quoted in: cotton by the candy (356 kg), grains by the quintal, lint by the bale.
  trading_unit      text        NOT NULL CHECK (trading_unit IN ('kg', 'quintal', 'mt', 'bale', 'candy')),
  hsn_code_id       uuid        REFERENCES hsn_codes (id),
  description       text,
  status            text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'suspended', 'discontinued')),
  status_reason     text,
  status_changed_at timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE commodity_status_history (
  id           bigserial   PRIMARY KEY,
  commodity_id uuid        NOT NULL REFERENCES commodities (id) ON DELETE CASCADE,
  from_status  text        NOT NULL,
  to_status    text        NOT NULL,
  reason       text,
  changed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE commodity_varieties (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  commodity_id uuid        NOT NULL REFERENCES commodities (id) ON DELETE CASCADE,
  code         text        NOT NULL,
  name         text        NOT NULL,
  description  text,
  is_active    boolean     NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (commodity_id, code)
);

-- What a lot of the commodity is tested on (moisture, staple length, micronaire, foreign matter...) and the band a
-- contract accepts.
CREATE TABLE quality_parameters (
  id             uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  commodity_id   uuid          NOT NULL REFERENCES commodities (id) ON DELETE CASCADE,
  name           text          NOT NULL,
  unit           text          NOT NULL,
  min_value      numeric(12, 4),
  max_value      numeric(12, 4),
  standard_value numeric(12, 4),
  is_mandatory   boolean       NOT NULL DEFAULT false,
  created_at     timestamptz   NOT NULL DEFAULT now(),
  updated_at     timestamptz   NOT NULL DEFAULT now(),
  UNIQUE (commodity_id, name),
  CONSTRAINT quality_parameters_min_not_above_max CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value),
  CONSTRAINT quality_parameters_standard_within_band CHECK (
    standard_value IS NULL
    OR ((min_value IS NULL OR standard_value >= min_value) AND (max_value IS NULL OR standard_value <= max_value)))
);

CREATE TABLE trade_types (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  code              text        NOT NULL UNIQUE,
  name              text        NOT NULL,
  description       text,
  is_cross_border   boolean     NOT NULL DEFAULT false,
  requires_contract boolean     NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payment_terms (
  id              uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  code            text          NOT NULL UNIQUE,
  name            text          NOT NULL,
  credit_days     integer       NOT NULL CHECK (credit_days BETWEEN 0 AND 365),
  advance_percent numeric(5, 2) NOT NULL DEFAULT 0 CHECK (advance_percent BETWEEN 0 AND 100),
  description     text,
  created_at      timestamptz   NOT NULL DEFAULT now(),
  updated_at      timestamptz   NOT NULL DEFAULT now(),
  -- Fully paid in advance leaves nothing to pay on credit.
  CONSTRAINT payment_terms_advance_or_credit CHECK (advance_percent < 100 OR credit_days = 0)
);

CREATE TABLE delivery_terms (
  id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  code               text        NOT NULL UNIQUE,
  name               text        NOT NULL,
  -- The Incoterms 2020 rule it corresponds to, when it is one (domestic terms such as FOR destination are not).
  incoterm           text        CHECK (incoterm IN ('EXW', 'FCA', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP', 'FAS', 'FOB', 'CFR', 'CIF')),
  freight_included   boolean     NOT NULL DEFAULT false,
  insurance_included boolean     NOT NULL DEFAULT false,
  description        text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bargain_types (
  id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  code                 text        NOT NULL UNIQUE,
  name                 text        NOT NULL,
  description          text,
  allows_counter_offer boolean     NOT NULL DEFAULT true,
  requires_approval    boolean     NOT NULL DEFAULT false,
  max_rounds           integer     CHECK (max_rounds IS NULL OR max_rounds BETWEEN 1 AND 50),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  -- A take-it-or-leave-it bargain is a single round.
  CONSTRAINT bargain_types_single_round_without_counter_offers CHECK (allows_counter_offer OR max_rounds = 1)
);
