-- Where goods are: states and union territories, trading regions within them (Saurashtra, Vidarbha, ...), the
-- locations trades name (mandis, ports, ginning towns) and the warehouses at those locations.

CREATE TABLE states (
  id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  code               text        NOT NULL UNIQUE CONSTRAINT states_code_format CHECK (code ~ '^[A-Z]{2}$'),
  -- The first two digits of every GSTIN registered in the state.
  gst_state_code     text        NOT NULL UNIQUE CONSTRAINT states_gst_state_code_format CHECK (gst_state_code ~ '^[0-9]{2}$'),
  name               text        NOT NULL UNIQUE,
  is_union_territory boolean     NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE regions (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  state_id    uuid        NOT NULL REFERENCES states (id),
  name        text        NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (state_id, name),
  -- Target of locations' (region_id, state_id) reference: a location's region lies in the location's state.
  UNIQUE (id, state_id)
);

CREATE TABLE locations (
  id             uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  name           text          NOT NULL,
  location_type  text          NOT NULL CHECK (location_type IN ('mandi', 'city', 'town', 'village', 'port', 'rail_siding', 'hub')),
  state_id       uuid          NOT NULL REFERENCES states (id),
  region_id      uuid,
  district       text,
  address        text,
  pincode        text          CONSTRAINT locations_pincode_format CHECK (pincode ~ '^[1-9][0-9]{5}$'),
  latitude       numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
  longitude      numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
  geocode_source text          CHECK (geocode_source IN ('manual', 'pincode')),
  geocoded_at    timestamptz,
  created_at     timestamptz   NOT NULL DEFAULT now(),
  updated_at     timestamptz   NOT NULL DEFAULT now(),
  UNIQUE (state_id, name),
  -- Deleting a region leaves its locations in the state, without a region.
  CONSTRAINT locations_region_in_state FOREIGN KEY (region_id, state_id)
    REFERENCES regions (id, state_id) ON DELETE SET NULL (region_id),
  CONSTRAINT locations_coordinates_together CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX locations_region_idx ON locations (region_id);

-- Other names a location is known by; a merged location's name lives on here so old references still resolve.
CREATE TABLE location_aliases (
  id          bigserial   PRIMARY KEY,
  location_id uuid        NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
  alias       text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (location_id, alias)
);

CREATE TABLE warehouses (
  id                 uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
  location_id        uuid           NOT NULL REFERENCES locations (id),
  code               text           NOT NULL UNIQUE,
  name               text           NOT NULL,
  operator           text,
  capacity_mt        numeric(12, 2) NOT NULL CHECK (capacity_mt > 0),
  -- Warehousing Development and Regulatory Authority registration: receipts from it can be pledged.
  wdra_registration  text,
  is_bonded          boolean        NOT NULL DEFAULT false,
  status             text           NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  created_at         timestamptz    NOT NULL DEFAULT now(),
  updated_at         timestamptz    NOT NULL DEFAULT now(),
  CONSTRAINT warehouses_bonded_needs_wdra CHECK (NOT is_bonded OR wdra_registration IS NOT NULL)
);
CREATE INDEX warehouses_location_idx ON warehouses (location_id);
