-- Matching: proposed pairings of a buyer's requirement with a seller's availability, scored by the MatchingEngine,
-- and a log of the runs that produced them. Both sides are trade desk rows, so these are real foreign keys.

CREATE TABLE matching_runs (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid        NOT NULL,
  -- What the run matched for: a requirement against open lots, or a lot against open requirements.
  trigger_type    text        NOT NULL CHECK (trigger_type IN ('requirement', 'availability')),
  trigger_id      uuid        NOT NULL,
  candidates      integer     NOT NULL CHECK (candidates >= 0),
  matched         integer     NOT NULL CHECK (matched >= 0),
  ran_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX matching_runs_trigger_idx ON matching_runs (trigger_type, trigger_id, ran_at DESC);

CREATE TABLE matches (
  id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id  uuid          NOT NULL,
  requirement_id   uuid          NOT NULL REFERENCES requirements (id) ON DELETE CASCADE,
  availability_id  uuid          NOT NULL REFERENCES availabilities (id) ON DELETE CASCADE,
  run_id           uuid          REFERENCES matching_runs (id) ON DELETE SET NULL,
  score            numeric(5,4)  NOT NULL CHECK (score BETWEEN 0 AND 1),
  quantity_score   numeric(5,4)  NOT NULL,
  price_score      numeric(5,4)  NOT NULL,
  location_score   numeric(5,4)  NOT NULL,
  quality_score    numeric(5,4)  NOT NULL,
  edge_case        boolean       NOT NULL DEFAULT false,
  -- How much of the requirement this lot could cover, in the requirement's unit.
  matched_quantity numeric(14,3) NOT NULL CHECK (matched_quantity > 0),
  status           text          NOT NULL DEFAULT 'proposed'
                   CHECK (status IN ('proposed', 'accepted', 'superseded')),
  accepted_by      uuid,
  accepted_at      timestamptz,
  created_at       timestamptz   NOT NULL DEFAULT now(),
  updated_at       timestamptz   NOT NULL DEFAULT now(),
  UNIQUE (requirement_id, availability_id)
);
CREATE INDEX matches_availability_idx ON matches (availability_id);
CREATE INDEX matches_org_status_idx ON matches (organization_id, status, score DESC);
