-- Organisations (the tenants of the platform) and what each one keeps about itself: branches, bank accounts, GST
-- registrations, financial years, document numbering, settings, logo and contacts.
-- Everything below an organisation goes with it (ON DELETE CASCADE); rows of other modules that point at an
-- organisation are theirs to constrain.

CREATE TABLE organizations (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text        NOT NULL CHECK (length(btrim(name)) > 0),
  legal_name  text,
  org_type    text        NOT NULL CHECK (org_type IN ('trader', 'broker', 'ginner', 'miller', 'exporter', 'importer', 'processor')),
  -- Permanent Account Number: five letters, four digits, a letter. Every GSTIN of the organisation embeds it.
  pan         text        UNIQUE CONSTRAINT organizations_pan_format CHECK (pan ~ '^[A-Z]{5}[0-9]{4}[A-Z]$'),
  cin         text,
  email       text,
  phone       text,
  website     text,
  status      text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organization_branches (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  code            text        NOT NULL,
  name            text        NOT NULL,
  address_line    text,
  city            text        NOT NULL,
  -- Two-digit GST state code ('27' Maharashtra, '24' Gujarat, ...).
  state_code      text        NOT NULL CONSTRAINT organization_branches_state_code_format CHECK (state_code ~ '^[0-9]{2}$'),
  pincode         text        CONSTRAINT organization_branches_pincode_format CHECK (pincode ~ '^[1-9][0-9]{5}$'),
  is_head_office  boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, code)
);
-- One registered head office per organisation.
CREATE UNIQUE INDEX organization_branches_one_head_office ON organization_branches (organization_id) WHERE is_head_office;

CREATE TABLE organization_bank_accounts (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  branch_id       uuid        REFERENCES organization_branches (id) ON DELETE SET NULL,
  account_holder  text        NOT NULL,
  bank_name       text        NOT NULL,
  account_number  text        NOT NULL CONSTRAINT organization_bank_accounts_account_number_format CHECK (account_number ~ '^[0-9]{9,18}$'),
  ifsc            text        NOT NULL CONSTRAINT organization_bank_accounts_ifsc_format CHECK (ifsc ~ '^[A-Z]{4}0[A-Z0-9]{6}$'),
  account_type    text        NOT NULL DEFAULT 'current' CHECK (account_type IN ('current', 'savings', 'cash_credit', 'overdraft')),
  is_primary      boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, ifsc, account_number)
);
-- Payments default to the primary account, so there is at most one.
CREATE UNIQUE INDEX organization_bank_accounts_one_primary ON organization_bank_accounts (organization_id) WHERE is_primary;

CREATE TABLE organization_gst_registrations (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id   uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  gstin             text        NOT NULL UNIQUE
                                CONSTRAINT organization_gst_registrations_gstin_format
                                CHECK (gstin ~ '^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$'),
  state_code        text        NOT NULL,
  registration_type text        NOT NULL DEFAULT 'regular' CHECK (registration_type IN ('regular', 'composition', 'sez', 'isd')),
  trade_name        text,
  effective_from    date        NOT NULL,
  status            text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'cancelled')),
  cancelled_on      date,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organization_gst_registrations_state_matches_gstin CHECK (state_code = substr(gstin, 1, 2)),
  CONSTRAINT organization_gst_registrations_cancelled_on_after_start CHECK (cancelled_on IS NULL OR cancelled_on >= effective_from)
);

-- Indian financial years run from 1 April to 31 March ('2024-25').
CREATE TABLE financial_years (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  label           text        NOT NULL,
  starts_on       date        NOT NULL,
  ends_on         date        NOT NULL,
  status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_at       timestamptz,
  closed_by       text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT financial_years_range CHECK (ends_on > starts_on),
  UNIQUE (organization_id, label),
  -- document_series points at (id, organization_id) so a series cannot borrow another organisation's year.
  UNIQUE (id, organization_id)
);

-- Numbering of contracts, invoices, delivery orders... per organisation, document type and (optionally) year.
CREATE TABLE document_series (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id   uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  financial_year_id uuid,
  document_type     text        NOT NULL CHECK (document_type IN
                      ('sales_contract', 'purchase_contract', 'invoice', 'credit_note', 'debit_note', 'delivery_order', 'weighment_slip')),
  prefix            text        NOT NULL DEFAULT '',
  padding           integer     NOT NULL DEFAULT 4 CHECK (padding BETWEEN 1 AND 10),
  next_number       integer     NOT NULL DEFAULT 1 CHECK (next_number >= 1),
  is_active         boolean     NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (financial_year_id, organization_id) REFERENCES financial_years (id, organization_id) ON DELETE CASCADE,
  UNIQUE NULLS NOT DISTINCT (organization_id, document_type, financial_year_id)
);

CREATE TABLE organization_settings (
  organization_id            uuid        PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  base_currency              text        NOT NULL DEFAULT 'INR' CHECK (base_currency ~ '^[A-Z]{3}$'),
  timezone                   text        NOT NULL DEFAULT 'Asia/Kolkata',
  default_payment_terms_days integer     NOT NULL DEFAULT 30 CHECK (default_payment_terms_days BETWEEN 0 AND 365),
  weighbridge_tolerance_kg   numeric(10, 2) NOT NULL DEFAULT 50 CHECK (weighbridge_tolerance_kg >= 0),
  allow_negative_stock       boolean     NOT NULL DEFAULT false,
  invoice_footer             text,
  updated_at                 timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organization_logos (
  organization_id uuid        PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  content_type    text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  data            bytea       NOT NULL,
  byte_size       integer     NOT NULL,
  sha256          text        NOT NULL,
  uploaded_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organization_contacts (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name            text        NOT NULL,
  designation     text,
  email           text,
  phone           text,
  is_primary      boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organization_contacts_reachable CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE INDEX organization_contacts_org_idx ON organization_contacts (organization_id);
