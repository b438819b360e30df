-- Risk: assessments of requirements, availabilities, partners and trades; credit limits and their ledger; alerts,
-- overrides, recorded scores and partner blocks. Partners are referenced by id only (they live in the partners
-- module); assessed requirements and availabilities are the trade desk's and are read from its tables.

CREATE TABLE risk_assessments (
  id              uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid         NOT NULL,
  subject_type    text         NOT NULL CHECK (subject_type IN ('requirement', 'availability', 'partner', 'trade')),
  -- The requirement, availability or partner assessed; a trade has no row of its own yet, so its id is minted here.
  subject_id      uuid         NOT NULL,
  partner_id      uuid,
  score           numeric(5,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
  grade           text         NOT NULL CHECK (grade IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  decision        text         NOT NULL CHECK (decision IN ('APPROVE', 'REVIEW', 'REJECT')),
  -- True when the score sits close enough to a decision threshold that a second opinion would be worth having.
  edge_case       boolean      NOT NULL DEFAULT false,
  factors         jsonb        NOT NULL,
  status          text         NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'overridden')),
  assessed_by     uuid,
  assessed_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX risk_assessments_subject_idx ON risk_assessments (subject_type, subject_id, assessed_at DESC);
CREATE INDEX risk_assessments_partner_idx ON risk_assessments (partner_id, assessed_at DESC);

CREATE TABLE credit_limits (
  id              uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid          NOT NULL,
  partner_id      uuid          NOT NULL,
  limit_amount    numeric(16,2) NOT NULL CHECK (limit_amount >= 0),
  utilized_amount numeric(16,2) NOT NULL DEFAULT 0 CHECK (utilized_amount >= 0),
  currency        char(3)       NOT NULL DEFAULT 'INR',
  basis           text          NOT NULL CHECK (basis IN ('manual', 'assessed')),
  valid_until     date,
  set_by          uuid,
  created_at      timestamptz   NOT NULL DEFAULT now(),
  updated_at      timestamptz   NOT NULL DEFAULT now(),
  UNIQUE (organization_id, partner_id),
  CONSTRAINT credit_limits_utilization_within_limit CHECK (utilized_amount <= limit_amount)
);

-- Every change to a limit or its utilisation, with the balances after it: the audit trail credit control asks for.
CREATE TABLE credit_ledger (
  id              bigserial     PRIMARY KEY,
  credit_limit_id uuid          NOT NULL REFERENCES credit_limits (id) ON DELETE CASCADE,
  entry_type      text          NOT NULL CHECK (entry_type IN ('limit_set', 'utilization', 'release')),
  amount          numeric(16,2) NOT NULL,
  limit_after     numeric(16,2) NOT NULL,
  utilized_after  numeric(16,2) NOT NULL,
  reference       text,
  created_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX credit_ledger_limit_idx ON credit_ledger (credit_limit_id, id);

CREATE TABLE risk_alerts (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid        NOT NULL,
  partner_id      uuid,
  subject_type    text,
  subject_id      uuid,
  alert_type      text        NOT NULL CHECK (alert_type IN ('HIGH_RISK', 'CREDIT_LIMIT_WARNING', 'PARTNER_BLOCKED', 'MANUAL')),
  severity        text        NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  message         text        NOT NULL CHECK (message <> ''),
  status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  raised_by       uuid,
  resolved_by     uuid,
  resolution_note text,
  resolved_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX risk_alerts_open_idx ON risk_alerts (organization_id, created_at DESC) WHERE status = 'open';

-- A person taking responsibility for going ahead despite an assessment; at most one in force per assessment.
CREATE TABLE risk_overrides (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  assessment_id   uuid        NOT NULL REFERENCES risk_assessments (id) ON DELETE CASCADE,
  organization_id uuid        NOT NULL,
  reason          text        NOT NULL CHECK (reason <> ''),
  approved_by     uuid        NOT NULL,
  expires_at      timestamptz,
  status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_by      uuid,
  revoke_reason   text,
  revoked_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX risk_overrides_one_active_idx ON risk_overrides (assessment_id) WHERE status = 'active';

-- Scores from the periodic scoring run (or an analyst), with the factors that made them up.
CREATE TABLE partner_risk_scores (
  id              uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid         NOT NULL,
  partner_id      uuid         NOT NULL,
  score           numeric(5,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
  grade           text         NOT NULL CHECK (grade IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  model_version   text         NOT NULL,
  recorded_by     uuid,
  recorded_at     timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX partner_risk_scores_partner_idx ON partner_risk_scores (organization_id, partner_id, recorded_at DESC);

CREATE TABLE partner_risk_score_factors (
  id            bigserial    PRIMARY KEY,
  risk_score_id uuid         NOT NULL REFERENCES partner_risk_scores (id) ON DELETE CASCADE,
  factor        text         NOT NULL,
  value         numeric(7,4) NOT NULL CHECK (value BETWEEN 0 AND 1),
  weight        numeric(7,4) NOT NULL CHECK (weight > 0),
  contribution  numeric(7,4) NOT NULL,
  UNIQUE (risk_score_id, factor)
);

CREATE TABLE partner_blocks (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid        NOT NULL,
  partner_id      uuid        NOT NULL,
  reason          text        NOT NULL CHECK (reason <> ''),
  blocked_by      uuid,
  blocked_at      timestamptz NOT NULL DEFAULT now(),
  lifted_by       uuid,
  lifted_at       timestamptz
);
CREATE UNIQUE INDEX partner_blocks_one_active_idx ON partner_blocks (organization_id, partner_id) WHERE lifted_at IS NULL;
