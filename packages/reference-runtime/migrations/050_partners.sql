-- Business partners (buyers, sellers, brokers, transporters) with their KYC documents, trading capability and
-- financial details. A partner starts `pending` and is approved or rejected by the onboarding desk.

CREATE TABLE partners (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The organisation that onboarded the partner; partners of different organisations are separate records.
  organization_id  uuid,
  partner_type     text        NOT NULL CHECK (partner_type IN ('buyer', 'seller', 'trader', 'broker', 'transporter')),
  legal_name       text        NOT NULL CHECK (length(btrim(legal_name)) > 0),
  trade_name       text,
  pan              text        NOT NULL CHECK (pan ~ '^[A-Z]{5}[0-9]{4}[A-Z]$'),
  gstin            text        CHECK (gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
  contact_name     text,
  contact_email    text,
  contact_phone    text,
  address_line     text,
  city             text,
  state            text,
  pincode          text        CHECK (pincode ~ '^[1-9][0-9]{5}$'),
  status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  is_active        boolean     NOT NULL DEFAULT true,
  rejection_reason text,
  reviewed_by      uuid,
  reviewed_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- A GSTIN embeds the holder's PAN in characters 3–12; a mismatch is a typo or a borrowed registration.
  CONSTRAINT partners_gstin_matches_pan CHECK (gstin IS NULL OR substr(gstin, 3, 10) = pan)
);
-- One record per PAN and organisation (a partner without an organisation is unique on its PAN alone).
CREATE UNIQUE INDEX partners_org_pan_key
  ON partners (coalesce(organization_id, '00000000-0000-0000-0000-000000000000'::uuid), pan);
CREATE INDEX partners_status_idx ON partners (status, created_at);

CREATE TABLE partner_capabilities (
  partner_id        uuid          PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
  can_buy           boolean       NOT NULL DEFAULT false,
  can_sell          boolean       NOT NULL DEFAULT false,
  commodity_codes   text[]        NOT NULL DEFAULT '{}',
  monthly_volume_mt numeric(14,3) CHECK (monthly_volume_mt >= 0),
  has_warehouse     boolean       NOT NULL DEFAULT false,
  updated_at        timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE partner_financials (
  partner_id         uuid          PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
  bank_name          text          NOT NULL,
  account_number     text          NOT NULL CHECK (account_number ~ '^[0-9]{9,18}$'),
  ifsc               text          NOT NULL CHECK (ifsc ~ '^[A-Z]{4}0[A-Z0-9]{6}$'),
  annual_turnover    numeric(18,2) CHECK (annual_turnover >= 0),
  credit_limit       numeric(18,2) CHECK (credit_limit >= 0),
  payment_terms_days integer       NOT NULL DEFAULT 0 CHECK (payment_terms_days BETWEEN 0 AND 365),
  updated_at         timestamptz   NOT NULL DEFAULT now()
);

-- Every review decision and every (de)activation, with who made it and why.
CREATE TABLE partner_status_history (
  id         bigserial   PRIMARY KEY,
  partner_id uuid        NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  action     text        NOT NULL CHECK (action IN ('approved', 'rejected', 'activated', 'deactivated')),
  reason     text,
  actor_id   uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partner_status_history_partner_idx ON partner_status_history (partner_id, id);

CREATE TABLE partner_documents (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  partner_id    uuid        NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  document_type text        NOT NULL CHECK (document_type IN ('pan_card', 'gst_certificate', 'cancelled_cheque',
                                                              'trade_licence', 'incorporation_certificate', 'other')),
  file_name     text        NOT NULL,
  content_type  text        NOT NULL,
  size_bytes    integer     NOT NULL CHECK (size_bytes > 0),
  sha256        text        NOT NULL,
  content       bytea       NOT NULL,
  uploaded_by   uuid,
  uploaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partner_documents_partner_idx ON partner_documents (partner_id, uploaded_at);
