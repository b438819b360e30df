import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../app.js';
import { HttpError, conflict, notFound, unprocessable } from '../../core/http/errors.js';
import { approximateCoordinates } from './offline-geocoder.js';

// States, regions, locations and warehouses. Like the other master-data modules this one has no service layer:
// handlers take the session off the request and run their SQL in it. Updates read the row under a lock, merge the
// change into it and write the whole row back, so rules that span fields (coordinates that go stale with the
// address, a region that must sit in the location's state) are checked on what will actually be stored.

const LOCATION_TYPES = ['mandi', 'city', 'town', 'village', 'port', 'rail_siding', 'hub'] as const;
type LocationType = (typeof LOCATION_TYPES)[number];

const uuid = { type: 'string', format: 'uuid' } as const;
const name = { type: 'string', minLength: 1, maxLength: 120 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const pincode = { type: 'string', pattern: '^[1-9][0-9]{5}$' } as const;
const latitude = { type: 'number', minimum: -90, maximum: 90 } as const;
const longitude = { type: 'number', minimum: -180, maximum: 180 } as const;
const patch = (properties: Record<string, unknown>) =>
  ({ type: 'object', minProperties: 1, additionalProperties: false, properties }) as const;

type IdParams = { id: string };

interface StateRow {
  id: string;
  code: string;
  gst_state_code: string;
  name: string;
  is_union_territory: boolean;
}
interface RegionRow {
  id: string;
  state_id: string;
  name: string;
  description: string | null;
}
interface LocationRow {
  id: string;
  name: string;
  location_type: LocationType;
  state_id: string;
  region_id: string | null;
  district: string | null;
  address: string | null;
  pincode: string | null;
  latitude: string | null;
  longitude: string | null;
  geocode_source: 'manual' | 'pincode' | null;
}
interface WarehouseRow {
  id: string;
  location_id: string;
  code: string;
  name: string;
  operator: string | null;
  capacity_mt: string;
  wdra_registration: string | null;
  is_bonded: boolean;
  status: 'active' | 'inactive';
}

interface LocationInput {
  name: string;
  locationType: LocationType;
  stateId: string;
  regionId?: string | null;
  district?: string | null;
  address?: string | null;
  pincode?: string | null;
}
interface WarehouseInput {
  locationId: string;
  code: string;
  name: string;
  operator?: string | null;
  capacityMt: number;
  wdraRegistration?: string | null;
  isBonded?: boolean;
  status?: 'active' | 'inactive';
}

/** Treats a bare POST as an empty JSON object, for routes whose body is entirely optional. */
const bodyIsOptional = async (request: FastifyRequest) => {
  request.body ??= {};
};

export function registerLocationRoutes(app: FastifyInstance, deps: AppDeps): void {
  void deps; // locations are plain master data

  // ---------------------------------------------------------------- states

  app.get('/states', async function listStates(request) {
    const { db } = request;
    const { rows } = await db.execute('SELECT * FROM states ORDER BY name');
    return { items: rows };
  });

  app.get<{ Params: IdParams }>('/states/:id', { schema: { params: idParams } }, async function getState(request) {
    const { db } = request;
    const { rows } = await db.execute('SELECT * FROM states WHERE id = $1', [request.params.id]);
    if (rows.length === 0) throw notFound('state', request.params.id);
    return rows[0];
  });

  app.post<{ Body: { code: string; gstStateCode: string; name: string; isUnionTerritory?: boolean } }>(
    '/states',
    {
      schema: {
        body: {
          type: 'object',
          required: ['code', 'gstStateCode', 'name'],
          properties: {
            code: { type: 'string', pattern: '^[A-Z]{2}$' },
            gstStateCode: { type: 'string', pattern: '^[0-9]{2}$' },
            name,
            isUnionTerritory: { type: 'boolean' },
          },
        },
      },
    },
    async function createState(request, reply) {
      const { db } = request;
      const { code, gstStateCode, name: stateName, isUnionTerritory = false } = request.body;
      const { rows } = await db.execute(
        'INSERT INTO states (code, gst_state_code, name, is_union_territory) VALUES ($1, $2, $3, $4) RETURNING *',
        [code, gstStateCode, stateName, isUnionTerritory],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<{ code: string; gstStateCode: string; name: string; isUnionTerritory: boolean }> }>(
    '/states/:id',
    {
      schema: {
        params: idParams,
        body: patch({
          code: { type: 'string', pattern: '^[A-Z]{2}$' },
          gstStateCode: { type: 'string', pattern: '^[0-9]{2}$' },
          name,
          isUnionTerritory: { type: 'boolean' },
        }),
      },
    },
    async function updateState(request) {
      const { db } = request;
      const { rows } = await db.execute<StateRow>('SELECT * FROM states WHERE id = $1 FOR UPDATE', [request.params.id]);
      const current = rows[0];
      if (!current) throw notFound('state', request.params.id);
      const change = request.body;
      const next = {
        code: change.code ?? current.code,
        gstStateCode: change.gstStateCode ?? current.gst_state_code,
        name: change.name ?? current.name,
        isUnionTerritory: change.isUnionTerritory ?? current.is_union_territory,
      };
      const updated = await db.execute(
        `UPDATE states SET code = $2, gst_state_code = $3, name = $4, is_union_territory = $5, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [current.id, next.code, next.gstStateCode, next.name, next.isUnionTerritory],
      );
      await db.commit();
      return updated.rows[0];
    },
  );

  // A state still holding regions or locations is refused by their foreign keys (422 naming the referencing table).
  app.delete<{ Params: IdParams }>('/states/:id', { schema: { params: idParams } }, async function deleteState(request, reply) {
    const { db } = request;
    const { rowCount } = await db.execute('DELETE FROM states WHERE id = $1', [request.params.id]);
    if (rowCount === 0) throw notFound('state', request.params.id);
    await db.commit();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- regions

  app.get<{ Querystring: { stateId?: string } }>(
    '/regions',
    { schema: { querystring: { type: 'object', properties: { stateId: uuid } } } },
    async function listRegions(request) {
      const { db } = request;
      const { rows } = await db.execute(
        `SELECT r.*, s.name AS state_name FROM regions r JOIN states s ON s.id = r.state_id
          WHERE $1::uuid IS NULL OR r.state_id = $1 ORDER BY s.name, r.name`,
        [request.query.stateId ?? null],
      );
      return { items: rows };
    },
  );

  app.get<{ Params: IdParams }>('/regions/:id', { schema: { params: idParams } }, async function getRegion(request) {
    const { db } = request;
    const { rows } = await db.execute('SELECT * FROM regions WHERE id = $1', [request.params.id]);
    if (rows.length === 0) throw notFound('region', request.params.id);
    return rows[0];
  });

  app.post<{ Body: { stateId: string; name: string; description?: string } }>(
    '/regions',
    {
      schema: {
        body: {
          type: 'object',
          required: ['stateId', 'name'],
          properties: { stateId: uuid, name, description: { type: 'string', maxLength: 1000 } },
        },
      },
    },
    async function createRegion(request, reply) {
      const { db } = request;
      const { stateId, name: regionName, description } = request.body;
      const { rows } = await db.execute(
        'INSERT INTO regions (state_id, name, description) VALUES ($1, $2, $3) RETURNING *',
        [stateId, regionName, description ?? null],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<{ stateId: string; name: string; description: string | null }> }>(
    '/regions/:id',
    {
      schema: {
        params: idParams,
        body: patch({ stateId: uuid, name, description: { type: ['string', 'null'], maxLength: 1000 } }),
      },
    },
    async function updateRegion(request) {
      const { db } = request;
      const { rows } = await db.execute<RegionRow>('SELECT * FROM regions WHERE id = $1 FOR UPDATE', [request.params.id]);
      const current = rows[0];
      if (!current) throw notFound('region', request.params.id);
      const next = { ...current, ...pickDefined({ state_id: request.body.stateId, name: request.body.name, description: request.body.description }) };
      // Moving a region to another state would strand its locations on the wrong side of the border.
      if (next.state_id !== current.state_id) {
        const inUse = await db.execute('SELECT 1 FROM locations WHERE region_id = $1 LIMIT 1', [current.id]);
        if (inUse.rows.length > 0) throw conflict(`stateId: region ${current.name} has locations; move them first`);
      }
      const updated = await db.execute(
        'UPDATE regions SET state_id = $2, name = $3, description = $4, updated_at = now() WHERE id = $1 RETURNING *',
        [current.id, next.state_id, next.name, next.description],
      );
      await db.commit();
      return updated.rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/regions/:id', { schema: { params: idParams } }, async function deleteRegion(request, reply) {
    const { db } = request;
    // Its locations stay where they are, without a region (ON DELETE SET NULL (region_id)).
    const { rows } = await db.execute('DELETE FROM regions WHERE id = $1 RETURNING id', [request.params.id]);
    if (rows.length === 0) throw notFound('region', request.params.id);
    await db.commit();
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- locations

  app.get<{ Querystring: { stateId?: string; regionId?: string; type?: LocationType; search?: string } }>(
    '/locations',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            stateId: uuid,
            regionId: uuid,
            type: { type: 'string', enum: LOCATION_TYPES },
            search: { type: 'string', minLength: 2, maxLength: 100 },
          },
        },
      },
    },
    async function listLocations(request) {
      const { db } = request;
      const { stateId, regionId, type, search } = request.query;
      // A search also finds a location by the names of the places merged into it.
      const { rows } = await db.execute(
        `SELECT l.* FROM locations l
          WHERE ($1::uuid IS NULL OR l.state_id = $1) AND ($2::uuid IS NULL OR l.region_id = $2)
            AND ($3::text IS NULL OR l.location_type = $3)
            AND ($4::text IS NULL OR l.name ILIKE '%' || $4 || '%'
                 OR EXISTS (SELECT 1 FROM location_aliases a WHERE a.location_id = l.id AND a.alias ILIKE '%' || $4 || '%'))
          ORDER BY l.name`,
        [stateId ?? null, regionId ?? null, type ?? null, search ?? null],
      );
      return { items: rows };
    },
  );

  app.get<{ Params: IdParams }>('/locations/:id', { schema: { params: idParams } }, async function getLocation(request) {
    const { db } = request;
    const { rows } = await db.execute('SELECT * FROM locations WHERE id = $1', [request.params.id]);
    if (rows.length === 0) throw notFound('location', request.params.id);
    const warehouses = await db.execute('SELECT * FROM warehouses WHERE location_id = $1 ORDER BY code', [request.params.id]);
    const aliases = await db.execute<{ alias: string }>(
      'SELECT alias FROM location_aliases WHERE location_id = $1 ORDER BY alias',
      [request.params.id],
    );
    return { ...rows[0], aliases: aliases.rows.map((a) => a.alias), warehouses: warehouses.rows };
  });

  const locationProperties = {
    name,
    locationType: { type: 'string', enum: LOCATION_TYPES },
    stateId: uuid,
    regionId: { type: ['string', 'null'], format: 'uuid' },
    district: { type: ['string', 'null'], maxLength: 80 },
    address: { type: ['string', 'null'], maxLength: 500 },
    pincode: { ...pincode, type: ['string', 'null'] },
  } as const;

  app.post<{ Body: LocationInput }>(
    '/locations',
    { schema: { body: { type: 'object', required: ['name', 'locationType', 'stateId'], properties: locationProperties } } },
    async function createLocation(request, reply) {
      const { db } = request;
      const l = request.body;
      // An unknown state, or a region of another state, is refused by the foreign keys (422 naming the key).
      const { rows } = await db.execute(
        `INSERT INTO locations (name, location_type, state_id, region_id, district, address, pincode)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [l.name, l.locationType, l.stateId, l.regionId ?? null, l.district ?? null, l.address ?? null, l.pincode ?? null],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<LocationInput> }>(
    '/locations/:id',
    { schema: { params: idParams, body: patch(locationProperties) } },
    async function updateLocation(request) {
      const { db } = request;
      const { rows } = await db.execute<LocationRow>('SELECT * FROM locations WHERE id = $1 FOR UPDATE', [request.params.id]);
      const current = rows[0];
      if (!current) throw notFound('location', request.params.id);
      const change = request.body;
      const next: LocationRow = {
        ...current,
        ...pickDefined({
          name: change.name,
          location_type: change.locationType,
          state_id: change.stateId,
          region_id: change.regionId,
          district: change.district,
          address: change.address,
          pincode: change.pincode,
        }),
      };
      // A region belongs to one state: moving the location to another state drops a region the caller did not restate.
      if (next.state_id !== current.state_id && change.regionId === undefined) next.region_id = null;
      // Coordinates computed from the old address are wrong for the new one; typed-in ones are the user's to keep.
      const addressChanged = next.pincode !== current.pincode || next.address !== current.address;
      if (addressChanged && current.geocode_source === 'pincode') {
        next.latitude = null;
        next.longitude = null;
        next.geocode_source = null;
      }
      const updated = await db.execute(
        `UPDATE locations SET name = $2, location_type = $3, state_id = $4, region_id = $5, district = $6, address = $7,
                pincode = $8, latitude = $9, longitude = $10, geocode_source = $11,
                geocoded_at = CASE WHEN $11::text IS NULL THEN NULL ELSE geocoded_at END, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [current.id, next.name, next.location_type, next.state_id, next.region_id, next.district, next.address,
          next.pincode, next.latitude, next.longitude, next.geocode_source],
      );
      await db.commit();
      return updated.rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/locations/:id', { schema: { params: idParams } }, async function deleteLocation(request, reply) {
    const { db } = request;
    const warehouses = await db.execute<{ n: number }>(
      'SELECT count(*)::int AS n FROM warehouses WHERE location_id = $1',
      [request.params.id],
    );
    if (warehouses.rows[0]!.n > 0) {
      throw conflict(`location ${request.params.id} has ${warehouses.rows[0]!.n} warehouses; merge it into another location instead`);
    }
    const { rowCount } = await db.execute('DELETE FROM locations WHERE id = $1', [request.params.id]);
    if (rowCount === 0) throw notFound('location', request.params.id);
    await db.commit();
    return reply.code(204).send();
  });

  // Sets a location's coordinates: the ones given, or (with an empty body) ones computed offline from its address.
  app.post<{ Params: IdParams; Body: { latitude?: number; longitude?: number } }>(
    '/locations/:id/geocode',
    {
      schema: { params: idParams, body: { type: 'object', additionalProperties: false, properties: { latitude, longitude } } },
      preValidation: bodyIsOptional,
    },
    async function geocodeLocation(request) {
      const { db } = request;
      const { latitude: lat, longitude: lng } = request.body;
      if ((lat === undefined) !== (lng === undefined)) {
        throw new HttpError(400, `${lat === undefined ? 'latitude' : 'longitude'}: send both coordinates or neither`);
      }
      const { rows } = await db.execute<LocationRow>('SELECT * FROM locations WHERE id = $1 FOR UPDATE', [request.params.id]);
      const location = rows[0];
      if (!location) throw notFound('location', request.params.id);
      let point: { latitude: number; longitude: number; source: 'manual' | 'pincode' };
      if (lat !== undefined && lng !== undefined) {
        point = { latitude: lat, longitude: lng, source: 'manual' };
      } else {
        const computed = approximateCoordinates(location);
        if (!computed.ok) throw unprocessable(`${computed.field}: ${computed.reason}`);
        point = { latitude: computed.latitude, longitude: computed.longitude, source: 'pincode' };
      }
      const updated = await db.execute(
        `UPDATE locations SET latitude = $2, longitude = $3, geocode_source = $4, geocoded_at = now(), updated_at = now()
          WHERE id = $1 RETURNING *`,
        [location.id, point.latitude, point.longitude, point.source],
      );
      await db.commit();
      return updated.rows[0];
    },
  );

  // Two records for one place (typed twice, spelt two ways): the duplicate's warehouses and aliases move to the
  // location that stays, its name becomes an alias, gaps in the survivor's address are filled from it, and it is
  // deleted - all in one transaction.
  app.post<{ Params: IdParams; Body: { duplicateId: string } }>(
    '/locations/:id/merge',
    {
      schema: {
        params: idParams,
        body: { type: 'object', required: ['duplicateId'], properties: { duplicateId: uuid } },
      },
    },
    async function mergeLocations(request) {
      const { db } = request;
      const survivorId = request.params.id;
      const { duplicateId } = request.body;
      if (duplicateId === survivorId) throw unprocessable('duplicateId: a location cannot be merged into itself');
      // Lock both rows in id order, so two merges of the same pair wait for each other instead of deadlocking.
      const { rows } = await db.execute<LocationRow>(
        'SELECT * FROM locations WHERE id IN ($1, $2) ORDER BY id FOR UPDATE',
        [survivorId, duplicateId],
      );
      const survivor = rows.find((row) => row.id === survivorId);
      const duplicate = rows.find((row) => row.id === duplicateId);
      if (!survivor) throw notFound('location', survivorId);
      if (!duplicate) throw notFound('location', duplicateId);
      if (duplicate.state_id !== survivor.state_id) {
        throw unprocessable('duplicateId: the locations are in different states, so they are not the same place');
      }

      const moved = await db.execute(
        'UPDATE warehouses SET location_id = $1, updated_at = now() WHERE location_id = $2',
        [survivorId, duplicateId],
      );
      await db.execute(
        `INSERT INTO location_aliases (location_id, alias)
         SELECT $1::uuid, a.alias FROM location_aliases a WHERE a.location_id = $2
         UNION SELECT $1::uuid, $3::text WHERE $3::text <> $4::text
         ON CONFLICT (location_id, alias) DO NOTHING`,
        [survivorId, duplicateId, duplicate.name, survivor.name],
      );
      const merged = await db.execute(
        `UPDATE locations SET region_id = COALESCE(region_id, $2), district = COALESCE(district, $3),
                address = COALESCE(address, $4), pincode = COALESCE(pincode, $5), updated_at = now()
          WHERE id = $1 RETURNING *`,
        [survivorId, duplicate.region_id, duplicate.district, duplicate.address, duplicate.pincode],
      );
      await db.execute('DELETE FROM locations WHERE id = $1', [duplicateId]);
      await db.commit();
      return { location: merged.rows[0], mergedLocationId: duplicateId, warehousesMoved: moved.rowCount };
    },
  );

  // ---------------------------------------------------------------- warehouses

  app.get<{ Querystring: { locationId?: string } }>(
    '/warehouses',
    { schema: { querystring: { type: 'object', properties: { locationId: uuid } } } },
    async function listWarehouses(request) {
      const { db } = request;
      const { rows } = await db.execute(
        `SELECT w.*, l.name AS location_name FROM warehouses w JOIN locations l ON l.id = w.location_id
          WHERE $1::uuid IS NULL OR w.location_id = $1 ORDER BY w.code`,
        [request.query.locationId ?? null],
      );
      return { items: rows };
    },
  );

  app.get<{ Params: IdParams }>('/warehouses/:id', { schema: { params: idParams } }, async function getWarehouse(request) {
    const { db } = request;
    const { rows } = await db.execute('SELECT * FROM warehouses WHERE id = $1', [request.params.id]);
    if (rows.length === 0) throw notFound('warehouse', request.params.id);
    return rows[0];
  });

  const warehouseProperties = {
    locationId: uuid,
    code: { type: 'string', pattern: '^[A-Z0-9-]{3,20}$' },
    name,
    operator: { type: ['string', 'null'], maxLength: 120 },
    capacityMt: { type: 'number', exclusiveMinimum: 0, maximum: 10_000_000 },
    wdraRegistration: { type: ['string', 'null'], pattern: '^[A-Z0-9/-]{4,40}$' },
    isBonded: { type: 'boolean' },
    status: { type: 'string', enum: ['active', 'inactive'] },
  } as const;

  app.post<{ Body: WarehouseInput }>(
    '/warehouses',
    {
      schema: {
        body: { type: 'object', required: ['locationId', 'code', 'name', 'capacityMt'], properties: warehouseProperties },
      },
    },
    async function createWarehouse(request, reply) {
      const { db } = request;
      const w = request.body;
      if (w.isBonded && !w.wdraRegistration) throw unprocessable('wdraRegistration: a bonded warehouse needs its WDRA registration');
      const { rows } = await db.execute(
        `INSERT INTO warehouses (location_id, code, name, operator, capacity_mt, wdra_registration, is_bonded, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [w.locationId, w.code, w.name, w.operator ?? null, w.capacityMt, w.wdraRegistration ?? null, w.isBonded ?? false,
          w.status ?? 'active'],
      );
      await db.commit();
      return reply.code(201).send(rows[0]);
    },
  );

  app.patch<{ Params: IdParams; Body: Partial<WarehouseInput> }>(
    '/warehouses/:id',
    { schema: { params: idParams, body: patch(warehouseProperties) } },
    async function updateWarehouse(request) {
      const { db } = request;
      const { rows } = await db.execute<WarehouseRow>('SELECT * FROM warehouses WHERE id = $1 FOR UPDATE', [request.params.id]);
      const current = rows[0];
      if (!current) throw notFound('warehouse', request.params.id);
      const change = request.body;
      const next: WarehouseRow = {
        ...current,
        ...pickDefined({
          location_id: change.locationId,
          code: change.code,
          name: change.name,
          operator: change.operator,
          capacity_mt: change.capacityMt === undefined ? undefined : String(change.capacityMt),
          wdra_registration: change.wdraRegistration,
          is_bonded: change.isBonded,
          status: change.status,
        }),
      };
      // Bonded storage is licensed by customs against a WDRA-registered warehouse.
      if (next.is_bonded && !next.wdra_registration) {
        throw unprocessable('wdraRegistration: a bonded warehouse needs its WDRA registration');
      }
      const updated = await db.execute(
        `UPDATE warehouses SET location_id = $2, code = $3, name = $4, operator = $5, capacity_mt = $6,
                wdra_registration = $7, is_bonded = $8, status = $9, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [current.id, next.location_id, next.code, next.name, next.operator, next.capacity_mt, next.wdra_registration,
          next.is_bonded, next.status],
      );
      await db.commit();
      return updated.rows[0];
    },
  );

  app.delete<{ Params: IdParams }>('/warehouses/:id', { schema: { params: idParams } }, async function deleteWarehouse(request, reply) {
    const { db } = request;
    const { rowCount } = await db.execute('DELETE FROM warehouses WHERE id = $1', [request.params.id]);
    if (rowCount === 0) throw notFound('warehouse', request.params.id);
    await db.commit();
    return reply.code(204).send();
  });
}

/** The fields of a PATCH that were actually sent (`null` included: it clears the column). */
function pickDefined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
