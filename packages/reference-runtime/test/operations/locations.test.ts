import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { define, describeOperations, describeRefusals, type Case, type Json } from '../support/cases.js';

// States, regions, locations and warehouses through HTTP: status codes and rows.


let rt: TestRuntime;
/** Two states most cases share; cases about states themselves make their own. */
const shared: { gujarat: Json; maharashtra: Json } = { gujarat: {}, maharashtra: {} };

async function created(res: LightMyRequestResponse): Promise<Json> {
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

beforeAll(async () => {
  rt = await startTestRuntime();
  shared.gujarat = await created(await rt.post('/states', { code: 'GJ', gstStateCode: '24', name: 'Gujarat' }));
  shared.maharashtra = await created(await rt.post('/states', { code: 'MH', gstStateCode: '27', name: 'Maharashtra' }));
});
afterAll(async () => rt.close());

// ---------------------------------------------------------------- fixtures

let serial = 0;
const letter = (n: number) => String.fromCharCode(65 + (Math.floor(n) % 26));
/** A state nobody else uses: codes QA, QB, … and GST codes from 40 up. */
const newState = () => {
  serial++;
  return rt.post('/states', { code: `Q${letter(serial)}`, gstStateCode: String(40 + serial), name: `Test state ${serial}` }).then(created);
};
const newRegion = (stateId: string, name = `Region ${++serial}`) => rt.post('/regions', { stateId, name }).then(created);
const newLocation = (extra: Json = {}) =>
  rt.post('/locations', { name: `Mandi ${++serial}`, locationType: 'mandi', stateId: shared.gujarat.id, ...extra }).then(created);
const newWarehouse = (locationId: string, extra: Json = {}) =>
  rt.post('/warehouses', { locationId, code: `WH-${++serial}`, name: 'Central warehouse', capacityMt: 5000, ...extra }).then(created);

const one = async (sql: string, params: unknown[]) => (await rt.rows<Json>(sql, params))[0];
const MISSING = '00000000-0000-4000-8000-000000000000';

// ---------------------------------------------------------------- every operation

const operations: Case<unknown>[] = [
  define({
    name: 'POST /locations',
    arrange: () => newRegion(shared.gujarat.id, 'Saurashtra'),
    act: (region) => rt.post('/locations', {
      name: 'Gondal APMC', locationType: 'mandi', stateId: shared.gujarat.id, regionId: region.id, district: 'Rajkot',
      address: 'Market yard, National Highway 27', pincode: '360311',
    }),
    status: 201,
    effect: async (region, body) => {
      expect(await one('SELECT name, region_id, pincode, latitude FROM locations WHERE id = $1', [body.id]))
        .toEqual({ name: 'Gondal APMC', region_id: region.id, pincode: '360311', latitude: null });
    },
  }),
  define({
    name: 'PATCH /locations/:id (a new PIN drops coordinates computed from the old one)',
    arrange: async () => {
      const location = await newLocation({ pincode: '360001' });
      expect((await rt.post(`/locations/${location.id}/geocode`)).statusCode).toBe(200);
      return location;
    },
    act: (location) => rt.patch(`/locations/${location.id}`, { pincode: '360370', district: 'Rajkot' }),
    status: 200,
    effect: async (location) => {
      expect(await one('SELECT pincode, district, latitude, longitude, geocode_source FROM locations WHERE id = $1', [location.id]))
        .toEqual({ pincode: '360370', district: 'Rajkot', latitude: null, longitude: null, geocode_source: null });
    },
  }),
  define({
    name: 'DELETE /locations/:id',
    arrange: () => newLocation(),
    act: (location) => rt.delete(`/locations/${location.id}`),
    status: 204,
    effect: async (location) => {
      expect(await rt.count('locations', 'id = $1', [location.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /states',
    arrange: async () => null,
    act: () => rt.post('/states', { code: 'DN', gstStateCode: '26', name: 'Dadra and Nagar Haveli and Daman and Diu', isUnionTerritory: true }),
    status: 201,
    effect: async () => {
      expect(await one("SELECT gst_state_code, is_union_territory FROM states WHERE code = 'DN'", []))
        .toEqual({ gst_state_code: '26', is_union_territory: true });
    },
  }),
  define({
    name: 'PATCH /states/:id',
    arrange: newState,
    act: (state) => rt.patch(`/states/${state.id}`, { name: 'Renamed state', isUnionTerritory: true }),
    status: 200,
    effect: async (state) => {
      expect(await one('SELECT name, is_union_territory, code FROM states WHERE id = $1', [state.id]))
        .toEqual({ name: 'Renamed state', is_union_territory: true, code: state.code });
    },
  }),
  define({
    name: 'DELETE /states/:id',
    arrange: newState,
    act: (state) => rt.delete(`/states/${state.id}`),
    status: 204,
    effect: async (state) => {
      expect(await rt.count('states', 'id = $1', [state.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /regions',
    arrange: async () => null,
    act: () => rt.post('/regions', { stateId: shared.maharashtra.id, name: 'Vidarbha', description: 'Cotton belt of Maharashtra' }),
    status: 201,
    effect: async () => {
      expect(await one("SELECT state_id, description FROM regions WHERE name = 'Vidarbha'", []))
        .toEqual({ state_id: shared.maharashtra.id, description: 'Cotton belt of Maharashtra' });
    },
  }),
  define({
    name: 'PATCH /regions/:id',
    arrange: () => newRegion(shared.maharashtra.id),
    act: (region) => rt.patch(`/regions/${region.id}`, { name: 'Marathwada', description: null }),
    status: 200,
    effect: async (region) => {
      expect(await one('SELECT name, description, state_id FROM regions WHERE id = $1', [region.id]))
        .toEqual({ name: 'Marathwada', description: null, state_id: shared.maharashtra.id });
    },
  }),
  define({
    name: 'DELETE /regions/:id (its locations stay, without a region)',
    arrange: async () => {
      const region = await newRegion(shared.gujarat.id);
      return { region, location: await newLocation({ regionId: region.id }) };
    },
    act: ({ region }) => rt.delete(`/regions/${region.id}`),
    status: 204,
    effect: async ({ region, location }) => {
      expect(await rt.count('regions', 'id = $1', [region.id])).toBe(0);
      expect(await one('SELECT region_id, state_id FROM locations WHERE id = $1', [location.id]))
        .toEqual({ region_id: null, state_id: shared.gujarat.id });
    },
  }),
  define({
    name: 'POST /warehouses',
    arrange: () => newLocation({ locationType: 'port', name: 'Mundra port' }),
    act: (location) => rt.post('/warehouses', {
      locationId: location.id, code: 'MUN-CFS-1', name: 'Mundra CFS', operator: 'Adani Logistics', capacityMt: 25000,
      isBonded: true, wdraRegistration: 'WDRA/GJ/2021/0042',
    }),
    status: 201,
    effect: async (location) => {
      expect(await one("SELECT location_id, capacity_mt::float AS capacity, is_bonded, status FROM warehouses WHERE code = 'MUN-CFS-1'", []))
        .toEqual({ location_id: location.id, capacity: 25000, is_bonded: true, status: 'active' });
    },
  }),
  define({
    name: 'PATCH /warehouses/:id',
    arrange: async () => newWarehouse((await newLocation()).id),
    act: (warehouse) => rt.patch(`/warehouses/${warehouse.id}`, { capacityMt: 7500.5, status: 'inactive' }),
    status: 200,
    effect: async (warehouse) => {
      expect(await one('SELECT capacity_mt::float AS capacity, status, name FROM warehouses WHERE id = $1', [warehouse.id]))
        .toEqual({ capacity: 7500.5, status: 'inactive', name: 'Central warehouse' });
    },
  }),
  define({
    name: 'DELETE /warehouses/:id',
    arrange: async () => newWarehouse((await newLocation()).id),
    act: (warehouse) => rt.delete(`/warehouses/${warehouse.id}`),
    status: 204,
    effect: async (warehouse) => {
      expect(await rt.count('warehouses', 'id = $1', [warehouse.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /locations/:id/geocode (computed from the PIN, repeatably)',
    arrange: () => newLocation({ name: 'Amreli', pincode: '365601', address: 'Station road' }),
    act: (location) => rt.post(`/locations/${location.id}/geocode`),
    status: 200,
    effect: async (location, body) => {
      const row = await one('SELECT latitude::float AS lat, longitude::float AS lng, geocode_source, geocoded_at IS NOT NULL AS stamped FROM locations WHERE id = $1', [location.id]);
      expect(row).toMatchObject({ geocode_source: 'pincode', stamped: true });
      // PIN 36xxxx is Saurashtra; Amreli itself is at about 21.6 N, 71.2 E.
      expect(row!.lat).toBeGreaterThan(21);
      expect(row!.lat).toBeLessThan(23);
      expect(row!.lng).toBeGreaterThan(70);
      expect(row!.lng).toBeLessThan(72);
      expect(Number(body.latitude)).toBeCloseTo(row!.lat, 6);
      const again = await rt.post(`/locations/${location.id}/geocode`, {});
      expect([Number(again.json().latitude), Number(again.json().longitude)]).toEqual([row!.lat, row!.lng]);
    },
  }),
  define({
    name: 'POST /locations/:id/merge (warehouses move, the duplicate goes, its name stays as an alias)',
    arrange: async () => {
      const survivor = await newLocation({ name: 'Unjha APMC' });
      const duplicate = await newLocation({ name: 'Unjha Market Yard', pincode: '384170', district: 'Mehsana' });
      const warehouses = [await newWarehouse(duplicate.id), await newWarehouse(duplicate.id)];
      return { survivor, duplicate, warehouses };
    },
    act: ({ survivor, duplicate }) => rt.post(`/locations/${survivor.id}/merge`, { duplicateId: duplicate.id }),
    status: 200,
    effect: async ({ survivor, duplicate, warehouses }, body) => {
      expect(body.warehousesMoved).toBe(2);
      expect(await rt.count('locations', 'id = $1', [duplicate.id])).toBe(0);
      expect(await rt.count('warehouses', 'location_id = $1 AND id = ANY($2::uuid[])', [survivor.id, warehouses.map((w) => w.id)])).toBe(2);
      expect(await rt.rows('SELECT alias FROM location_aliases WHERE location_id = $1', [survivor.id])).toEqual([{ alias: 'Unjha Market Yard' }]);
      expect(await one('SELECT pincode, district FROM locations WHERE id = $1', [survivor.id])).toEqual({ pincode: '384170', district: 'Mehsana' });
    },
  }),
];

// ---------------------------------------------------------------- refusals

const TABLES = ['states', 'regions', 'locations', 'location_aliases', 'warehouses'];
async function snapshot(): Promise<Json> {
  const counts: Json = {};
  for (const table of TABLES) counts[table] = await rt.count(table);
  counts.placement = await rt.rows('SELECT id, location_id, is_bonded FROM warehouses ORDER BY id');
  counts.geocoded = await rt.count('locations', 'latitude IS NOT NULL');
  counts.regionStates = await rt.rows('SELECT id, state_id FROM regions ORDER BY id');
  return counts;
}

const refusals: Case<unknown>[] = [
  define({
    name: 'malformed JSON',
    arrange: async () => null,
    act: () => rt.request('POST', '/states', '{"code": ', { 'content-type': 'application/json' }),
    status: 400,
    message: 'JSON',
  }),
  define({
    name: 'state without its GST code',
    arrange: async () => null,
    act: () => rt.post('/states', { code: 'RJ', name: 'Rajasthan' }),
    status: 400,
    message: 'gstStateCode',
  }),
  define({
    name: 'state code in small letters',
    arrange: async () => null,
    act: () => rt.post('/states', { code: 'rj', gstStateCode: '08', name: 'Rajasthan' }),
    status: 400,
    message: 'code',
  }),
  define({
    name: 'a GST state code already taken',
    arrange: async () => null,
    act: () => rt.post('/states', { code: 'GU', gstStateCode: '24', name: 'Gujarat again' }),
    status: 409,
    message: 'gstStateCode',
  }),
  define({
    name: 'deleting a state that still has regions',
    arrange: async () => {
      const state = await newState();
      await newRegion(state.id);
      return state;
    },
    act: (state) => rt.delete(`/states/${state.id}`),
    status: 409,
    message: 'regions',
  }),
  define({
    name: 'PATCH of an unknown state',
    arrange: async () => null,
    act: () => rt.patch(`/states/${MISSING}`, { name: 'Nowhere' }),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'region in an unknown state',
    arrange: async () => null,
    act: () => rt.post('/regions', { stateId: MISSING, name: 'Nowhere' }),
    status: 422,
    message: 'stateId',
  }),
  define({
    name: 'region without a name',
    arrange: async () => null,
    act: () => rt.post('/regions', { stateId: shared.gujarat.id }),
    status: 400,
    message: 'name',
  }),
  define({
    name: 'moving a region that has locations to another state',
    arrange: async () => {
      const region = await newRegion(shared.gujarat.id);
      await newLocation({ regionId: region.id });
      return region;
    },
    act: (region) => rt.patch(`/regions/${region.id}`, { stateId: shared.maharashtra.id }),
    status: 409,
    message: 'stateId',
  }),
  define({
    name: 'deleting an unknown region',
    arrange: async () => null,
    act: () => rt.delete(`/regions/${MISSING}`),
    status: 404,
  }),
  define({
    name: 'location in a region of another state',
    arrange: () => newRegion(shared.maharashtra.id),
    act: (region) => rt.post('/locations', { name: 'Misplaced', locationType: 'town', stateId: shared.gujarat.id, regionId: region.id }),
    status: 422,
    message: 'regionId',
  }),
  define({
    name: 'location type outside the list',
    arrange: async () => null,
    act: () => rt.post('/locations', { name: 'Airport', locationType: 'airport', stateId: shared.gujarat.id }),
    status: 400,
    message: 'locationType',
  }),
  define({
    name: 'malformed PIN code',
    arrange: async () => null,
    act: () => rt.post('/locations', { name: 'Short PIN', locationType: 'town', stateId: shared.gujarat.id, pincode: '36031' }),
    status: 400,
    message: 'pincode',
  }),
  define({
    name: 'location id that is not a uuid',
    arrange: async () => null,
    act: () => rt.patch('/locations/unjha', { district: 'Mehsana' }),
    status: 400,
    message: 'params/id',
  }),
  define({
    name: 'PATCH of an unknown location',
    arrange: async () => null,
    act: () => rt.patch(`/locations/${MISSING}`, { district: 'Mehsana' }),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'deleting a location that has warehouses',
    arrange: async () => {
      const location = await newLocation();
      await newWarehouse(location.id);
      return location;
    },
    act: (location) => rt.delete(`/locations/${location.id}`),
    status: 409,
    message: 'merge',
  }),
  define({
    name: 'geocoding a location without a PIN code',
    arrange: () => newLocation(),
    act: (location) => rt.post(`/locations/${location.id}/geocode`),
    status: 422,
    message: 'pincode',
  }),
  define({
    name: 'geocoding an Army Postal Service PIN',
    arrange: () => newLocation({ pincode: '930001' }),
    act: (location) => rt.post(`/locations/${location.id}/geocode`),
    status: 422,
    message: 'pincode',
  }),
  define({
    name: 'half a coordinate',
    arrange: () => newLocation({ pincode: '360311' }),
    act: (location) => rt.post(`/locations/${location.id}/geocode`, { latitude: 21.96 }),
    status: 400,
    message: 'longitude',
  }),
  define({
    name: 'a latitude off the globe',
    arrange: () => newLocation(),
    act: (location) => rt.post(`/locations/${location.id}/geocode`, { latitude: 121.96, longitude: 70.8 }),
    status: 400,
    message: 'latitude',
  }),
  define({
    name: 'geocoding an unknown location',
    arrange: async () => null,
    act: () => rt.post(`/locations/${MISSING}/geocode`, { latitude: 21.96, longitude: 70.8 }),
    status: 404,
  }),
  define({
    name: 'merging a location into itself',
    arrange: () => newLocation(),
    act: (location) => rt.post(`/locations/${location.id}/merge`, { duplicateId: location.id }),
    status: 422,
    message: 'duplicateId',
  }),
  define({
    name: 'merging locations of two states',
    arrange: async () => {
      const survivor = await newLocation();
      const duplicate = await newLocation({ stateId: shared.maharashtra.id });
      await newWarehouse(duplicate.id);
      return { survivor, duplicate };
    },
    act: ({ survivor, duplicate }) => rt.post(`/locations/${survivor.id}/merge`, { duplicateId: duplicate.id }),
    status: 422,
    message: 'different states',
  }),
  define({
    name: 'merging an unknown duplicate',
    arrange: async () => {
      const survivor = await newLocation();
      await newWarehouse(survivor.id);
      return survivor;
    },
    act: (survivor) => rt.post(`/locations/${survivor.id}/merge`, { duplicateId: MISSING }),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'merge without saying what to merge',
    arrange: () => newLocation(),
    act: (location) => rt.post(`/locations/${location.id}/merge`, {}),
    status: 400,
    message: 'duplicateId',
  }),
  define({
    name: 'warehouse with no capacity',
    arrange: () => newLocation(),
    act: (location) => rt.post('/warehouses', { locationId: location.id, code: 'ZERO-1', name: 'Empty', capacityMt: 0 }),
    status: 400,
    message: 'capacityMt',
  }),
  define({
    name: 'warehouse at an unknown location',
    arrange: async () => null,
    act: () => rt.post('/warehouses', { locationId: MISSING, code: 'LOST-1', name: 'Lost', capacityMt: 10 }),
    status: 422,
    message: 'locationId',
  }),
  define({
    name: 'bonded warehouse without its WDRA registration',
    arrange: () => newLocation(),
    act: (location) => rt.post('/warehouses', { locationId: location.id, code: 'BOND-1', name: 'Bonded', capacityMt: 100, isBonded: true }),
    status: 422,
    message: 'wdraRegistration',
  }),
  define({
    name: 'making a warehouse bonded without its WDRA registration',
    arrange: async () => newWarehouse((await newLocation()).id),
    act: (warehouse) => rt.patch(`/warehouses/${warehouse.id}`, { isBonded: true }),
    status: 422,
    message: 'wdraRegistration',
  }),
  define({
    name: 'the same warehouse code twice',
    arrange: async () => newWarehouse((await newLocation()).id),
    act: (warehouse) => rt.post('/warehouses', { locationId: warehouse.location_id, code: warehouse.code, name: 'Copy', capacityMt: 10 }),
    status: 409,
    message: 'code',
  }),
  define({
    name: 'deleting an unknown warehouse',
    arrange: async () => null,
    act: () => rt.delete(`/warehouses/${MISSING}`),
    status: 404,
    message: MISSING,
  }),
];

describeOperations('locations operations', operations);

describeRefusals('locations refusals', refusals, snapshot);

describe('locations reads', () => {
  it('finds a merged place by its old name and lists what is where', async () => {
    const region = await newRegion(shared.maharashtra.id, 'Khandesh');
    const survivor = await newLocation({ name: 'Jalgaon APMC', stateId: shared.maharashtra.id, regionId: region.id, locationType: 'mandi' });
    const duplicate = await newLocation({ name: 'Jalgaon Cotton Market', stateId: shared.maharashtra.id });
    const warehouse = await newWarehouse(duplicate.id, { code: 'JLG-01' });
    expect((await rt.post(`/locations/${survivor.id}/merge`, { duplicateId: duplicate.id })).statusCode).toBe(200);

    const found = await rt.get('/locations?search=cotton%20market');
    expect(found.json().items.map((l: Json) => l.id)).toEqual([survivor.id]);
    expect((await rt.get(`/locations?regionId=${region.id}&type=mandi`)).json().items.map((l: Json) => l.id)).toEqual([survivor.id]);

    const detail = (await rt.get(`/locations/${survivor.id}`)).json();
    expect(detail.aliases).toEqual(['Jalgaon Cotton Market']);
    expect(detail.warehouses.map((w: Json) => w.id)).toEqual([warehouse.id]);

    expect((await rt.get(`/warehouses?locationId=${survivor.id}`)).json().items).toMatchObject([{ code: 'JLG-01', location_name: 'Jalgaon APMC' }]);
    expect((await rt.get(`/warehouses/${warehouse.id}`)).json().location_id).toBe(survivor.id);
    expect((await rt.get(`/regions?stateId=${shared.maharashtra.id}`)).json().items.map((r: Json) => r.name)).toContain('Khandesh');
    expect((await rt.get(`/regions/${region.id}`)).json().name).toBe('Khandesh');
    expect((await rt.get('/states')).json().items.map((s: Json) => s.code)).toEqual(expect.arrayContaining(['GJ', 'MH']));
    expect((await rt.get(`/states/${shared.gujarat.id}`)).json().gst_state_code).toBe('24');
    for (const path of ['states', 'regions', 'locations', 'warehouses']) {
      expect((await rt.get(`/${path}/${MISSING}`)).statusCode, path).toBe(404);
    }
    expect((await rt.get('/locations?stateId=gujarat')).statusCode).toBe(400);
  });

  it('keeps typed-in coordinates when the address changes', async () => {
    const location = await newLocation({ pincode: '384170' });
    expect((await rt.post(`/locations/${location.id}/geocode`, { latitude: 23.8, longitude: 72.39 })).statusCode).toBe(200);
    expect((await rt.patch(`/locations/${location.id}`, { pincode: '384002' })).statusCode).toBe(200);
    expect(await one('SELECT latitude::float AS lat, longitude::float AS lng, geocode_source FROM locations WHERE id = $1', [location.id]))
      .toEqual({ lat: 23.8, lng: 72.39, geocode_source: 'manual' });
  });
});
