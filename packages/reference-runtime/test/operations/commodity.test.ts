import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';
import { define, describeOperations, describeRefusals, type Case, type Json } from '../support/cases.js';

// Commodity master data through HTTP: status codes and rows, never internals.


let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.close());

// ---------------------------------------------------------------- fixtures

let serial = 0;
const unique = (prefix: string) => `${prefix}${++serial}`;
async function created(res: LightMyRequestResponse): Promise<Json> {
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
const newHsn = (extra: Json = {}) =>
  rt.post('/hsn-codes', { code: `5201${String(++serial).padStart(4, '0')}`, description: 'Cotton, not carded or combed', gstRate: 5, ...extra }).then(created);
const newCommodity = (extra: Json = {}) =>
  rt.post('/commodities', { code: unique('KAPAS'), name: 'Kapas (raw cotton)', category: 'fibre', tradingUnit: 'candy', ...extra }).then(created);
const newVariety = (commodityId: string, extra: Json = {}) =>
  rt.post(`/commodities/${commodityId}/varieties`, { code: unique('S6-'), name: 'Shankar-6', ...extra }).then(created);
const newParameter = (commodityId: string, extra: Json = {}) =>
  rt.post(`/commodities/${commodityId}/quality-parameters`, { name: unique('Moisture '), unit: '%', maxValue: 8, ...extra }).then(created);
async function activeCommodity(): Promise<Json> {
  const hsn = await newHsn();
  const commodity = await newCommodity({ hsnCodeId: hsn.id });
  const res = await rt.post(`/commodities/${commodity.id}/status`, { status: 'active' });
  expect(res.statusCode, res.body).toBe(200);
  return commodity;
}

const one = async (sql: string, params: unknown[]) => (await rt.rows<Json>(sql, params))[0];
const MISSING = '00000000-0000-4000-8000-000000000000';

// ---------------------------------------------------------------- every operation

const operations: Case<unknown>[] = [
  define({
    name: 'POST /commodities (a draft, code in capitals)',
    arrange: newHsn,
    act: (hsn) => rt.post('/commodities', { code: 'chana', name: 'Bengal gram', category: 'pulses', tradingUnit: 'quintal', hsnCodeId: hsn.id }),
    status: 201,
    effect: async (hsn) => {
      expect(await one('SELECT name, status, hsn_code_id, trading_unit FROM commodities WHERE code = $1', ['CHANA']))
        .toEqual({ name: 'Bengal gram', status: 'draft', hsn_code_id: hsn.id, trading_unit: 'quintal' });
    },
  }),
  define({
    name: 'PATCH /commodities/:id',
    arrange: async () => ({ commodity: await newCommodity(), hsn: await newHsn() }),
    act: ({ commodity, hsn }) => rt.patch(`/commodities/${commodity.id}`, { name: 'Kapas (seed cotton)', hsnCodeId: hsn.id }),
    status: 200,
    effect: async ({ commodity, hsn }) => {
      expect(await one('SELECT name, hsn_code_id, category FROM commodities WHERE id = $1', [commodity.id]))
        .toEqual({ name: 'Kapas (seed cotton)', hsn_code_id: hsn.id, category: 'fibre' });
    },
  }),
  define({
    name: 'DELETE /commodities/:id (a draft, with its varieties)',
    arrange: async () => {
      const commodity = await newCommodity();
      await newVariety(commodity.id);
      return commodity;
    },
    act: (commodity) => rt.delete(`/commodities/${commodity.id}`),
    status: 204,
    effect: async (commodity) => {
      expect(await rt.count('commodities', 'id = $1', [commodity.id])).toBe(0);
      expect(await rt.count('commodity_varieties', 'commodity_id = $1', [commodity.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /commodities/:id/status (draft → active, recorded)',
    arrange: async () => newCommodity({ hsnCodeId: (await newHsn()).id }),
    act: (commodity) => rt.post(`/commodities/${commodity.id}/status`, { status: 'active' }),
    status: 200,
    effect: async (commodity) => {
      expect(await one('SELECT status, status_changed_at IS NOT NULL AS stamped FROM commodities WHERE id = $1', [commodity.id]))
        .toEqual({ status: 'active', stamped: true });
      expect(await rt.rows('SELECT from_status, to_status FROM commodity_status_history WHERE commodity_id = $1', [commodity.id]))
        .toEqual([{ from_status: 'draft', to_status: 'active' }]);
    },
  }),
  define({
    name: 'POST /commodities/bulk-import',
    arrange: () => newHsn({ code: '12074090', description: 'Sesamum seeds', gstRate: 5 }),
    act: () => rt.post('/commodities/bulk-import', {
      commodities: [
        { code: 'til', name: 'Sesame', category: 'oilseeds', tradingUnit: 'quintal', hsnCode: '12074090',
          varieties: [{ code: 'white', name: 'White til' }, { code: 'black', name: 'Black til' }] },
        { code: 'jeera', name: 'Cumin', category: 'spices', tradingUnit: 'kg' },
      ],
    }),
    status: 201,
    effect: async (hsn, body) => {
      expect(body).toEqual({ imported: 2, varieties: 2 });
      expect(await rt.rows("SELECT code, hsn_code_id, status FROM commodities WHERE code IN ('TIL', 'JEERA') ORDER BY code"))
        .toEqual([{ code: 'JEERA', hsn_code_id: null, status: 'draft' }, { code: 'TIL', hsn_code_id: hsn.id, status: 'draft' }]);
      expect(await rt.rows(
        "SELECT v.code FROM commodity_varieties v JOIN commodities c ON c.id = v.commodity_id WHERE c.code = 'TIL' ORDER BY v.code"))
        .toEqual([{ code: 'BLACK' }, { code: 'WHITE' }]);
    },
  }),
  define({
    name: 'POST /commodities/:id/varieties',
    arrange: newCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/varieties`, { code: 'mech-1', name: 'MECH-1', description: 'Long staple' }),
    status: 201,
    effect: async (commodity) => {
      expect(await rt.rows('SELECT code, name, is_active FROM commodity_varieties WHERE commodity_id = $1', [commodity.id]))
        .toEqual([{ code: 'MECH-1', name: 'MECH-1', is_active: true }]);
    },
  }),
  define({
    name: 'PATCH /commodities/:id/varieties/:varietyId',
    arrange: async () => {
      const commodity = await newCommodity();
      return { commodity, variety: await newVariety(commodity.id) };
    },
    act: ({ commodity, variety }) => rt.patch(`/commodities/${commodity.id}/varieties/${variety.id}`, { isActive: false }),
    status: 200,
    effect: async ({ variety }) => {
      expect(await one('SELECT is_active, name FROM commodity_varieties WHERE id = $1', [variety.id])).toEqual({ is_active: false, name: 'Shankar-6' });
    },
  }),
  define({
    name: 'DELETE /commodities/:id/varieties/:varietyId',
    arrange: async () => {
      const commodity = await newCommodity();
      return { commodity, variety: await newVariety(commodity.id) };
    },
    act: ({ commodity, variety }) => rt.delete(`/commodities/${commodity.id}/varieties/${variety.id}`),
    status: 204,
    effect: async ({ variety }) => {
      expect(await rt.count('commodity_varieties', 'id = $1', [variety.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /commodities/:id/quality-parameters',
    arrange: newCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/quality-parameters`, {
      name: 'Staple length', unit: 'mm', minValue: 27.5, maxValue: 32, standardValue: 29, isMandatory: true,
    }),
    status: 201,
    effect: async (commodity) => {
      expect(await rt.rows(
        'SELECT name, min_value::float AS min, max_value::float AS max, is_mandatory FROM quality_parameters WHERE commodity_id = $1', [commodity.id]))
        .toEqual([{ name: 'Staple length', min: 27.5, max: 32, is_mandatory: true }]);
    },
  }),
  define({
    name: 'PATCH /commodities/:id/quality-parameters/:parameterId (null removes a bound)',
    arrange: async () => {
      const commodity = await newCommodity();
      return { commodity, parameter: await newParameter(commodity.id, { minValue: 3, maxValue: 8 }) };
    },
    act: ({ commodity, parameter }) => rt.patch(`/commodities/${commodity.id}/quality-parameters/${parameter.id}`, { maxValue: null, minValue: 4 }),
    status: 200,
    effect: async ({ parameter }) => {
      expect(await one('SELECT min_value::float AS min, max_value, unit FROM quality_parameters WHERE id = $1', [parameter.id]))
        .toEqual({ min: 4, max_value: null, unit: '%' });
    },
  }),
  define({
    name: 'DELETE /commodities/:id/quality-parameters/:parameterId',
    arrange: async () => {
      const commodity = await newCommodity();
      return { commodity, parameter: await newParameter(commodity.id) };
    },
    act: ({ commodity, parameter }) => rt.delete(`/commodities/${commodity.id}/quality-parameters/${parameter.id}`),
    status: 204,
    effect: async ({ parameter }) => {
      expect(await rt.count('quality_parameters', 'id = $1', [parameter.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /hsn-codes',
    arrange: async () => null,
    act: () => rt.post('/hsn-codes', { code: '100630', description: 'Semi-milled or wholly milled rice', gstRate: 5 }),
    status: 201,
    effect: async () => {
      expect(await one("SELECT gst_rate::float AS rate, cess_rate::float AS cess FROM hsn_codes WHERE code = '100630'", []))
        .toEqual({ rate: 5, cess: 0 });
    },
  }),
  define({
    name: 'PATCH /hsn-codes/:id',
    arrange: newHsn,
    act: (hsn) => rt.patch(`/hsn-codes/${hsn.id}`, { gstRate: 18 }),
    status: 200,
    effect: async (hsn) => {
      expect(await one('SELECT gst_rate::float AS rate, description FROM hsn_codes WHERE id = $1', [hsn.id]))
        .toEqual({ rate: 18, description: 'Cotton, not carded or combed' });
    },
  }),
  define({
    name: 'DELETE /hsn-codes/:id',
    arrange: newHsn,
    act: (hsn) => rt.delete(`/hsn-codes/${hsn.id}`),
    status: 204,
    effect: async (hsn) => {
      expect(await rt.count('hsn_codes', 'id = $1', [hsn.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /trade-types',
    arrange: async () => null,
    act: () => rt.post('/trade-types', { code: 'high_seas', name: 'High seas sale', isCrossBorder: true }),
    status: 201,
    effect: async () => {
      expect(await one("SELECT name, is_cross_border, requires_contract FROM trade_types WHERE code = 'HIGH_SEAS'", []))
        .toEqual({ name: 'High seas sale', is_cross_border: true, requires_contract: true });
    },
  }),
  define({
    name: 'PATCH /trade-types/:id',
    arrange: () => rt.post('/trade-types', { code: unique('SPOT'), name: 'Spot' }).then(created),
    act: (type) => rt.patch(`/trade-types/${type.id}`, { requiresContract: false, description: 'Ready delivery against payment' }),
    status: 200,
    effect: async (type) => {
      expect(await one('SELECT requires_contract, description FROM trade_types WHERE id = $1', [type.id]))
        .toEqual({ requires_contract: false, description: 'Ready delivery against payment' });
    },
  }),
  define({
    name: 'DELETE /trade-types/:id',
    arrange: () => rt.post('/trade-types', { code: unique('FWD'), name: 'Forward' }).then(created),
    act: (type) => rt.delete(`/trade-types/${type.id}`),
    status: 204,
    effect: async (type) => {
      expect(await rt.count('trade_types', 'id = $1', [type.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /payment-terms',
    arrange: async () => null,
    act: () => rt.post('/payment-terms', { code: 'net30', name: '30 days credit', creditDays: 30, advancePercent: 10 }),
    status: 201,
    effect: async () => {
      expect(await one("SELECT credit_days, advance_percent::float AS advance FROM payment_terms WHERE code = 'NET30'", []))
        .toEqual({ credit_days: 30, advance: 10 });
    },
  }),
  define({
    name: 'PATCH /payment-terms/:id',
    arrange: () => rt.post('/payment-terms', { code: unique('NET'), name: '15 days', creditDays: 15 }).then(created),
    act: (term) => rt.patch(`/payment-terms/${term.id}`, { creditDays: 21, name: '21 days' }),
    status: 200,
    effect: async (term) => {
      expect(await one('SELECT credit_days, name FROM payment_terms WHERE id = $1', [term.id])).toEqual({ credit_days: 21, name: '21 days' });
    },
  }),
  define({
    name: 'DELETE /payment-terms/:id',
    arrange: () => rt.post('/payment-terms', { code: unique('ADV'), name: 'Full advance', creditDays: 0, advancePercent: 100 }).then(created),
    act: (term) => rt.delete(`/payment-terms/${term.id}`),
    status: 204,
    effect: async (term) => {
      expect(await rt.count('payment_terms', 'id = $1', [term.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /delivery-terms (the Incoterm implies the cost split)',
    arrange: async () => null,
    act: () => rt.post('/delivery-terms', { code: 'cif-mundra', name: 'CIF Mundra', incoterm: 'CIF' }),
    status: 201,
    effect: async () => {
      expect(await one("SELECT incoterm, freight_included, insurance_included FROM delivery_terms WHERE code = 'CIF-MUNDRA'", []))
        .toEqual({ incoterm: 'CIF', freight_included: true, insurance_included: true });
    },
  }),
  define({
    name: 'PATCH /delivery-terms/:id',
    arrange: () => rt.post('/delivery-terms', { code: unique('FOR'), name: 'FOR destination', freightIncluded: true }).then(created),
    act: (term) => rt.patch(`/delivery-terms/${term.id}`, { incoterm: 'FOB' }),
    status: 200,
    effect: async (term) => {
      expect(await one('SELECT incoterm, freight_included, insurance_included FROM delivery_terms WHERE id = $1', [term.id]))
        .toEqual({ incoterm: 'FOB', freight_included: false, insurance_included: false });
    },
  }),
  define({
    name: 'DELETE /delivery-terms/:id',
    arrange: () => rt.post('/delivery-terms', { code: unique('EXW'), name: 'Ex-warehouse', incoterm: 'EXW' }).then(created),
    act: (term) => rt.delete(`/delivery-terms/${term.id}`),
    status: 204,
    effect: async (term) => {
      expect(await rt.count('delivery_terms', 'id = $1', [term.id])).toBe(0);
    },
  }),
  define({
    name: 'POST /bargain-types',
    arrange: async () => null,
    act: () => rt.post('/bargain-types', { code: 'fixed', name: 'Fixed price', allowsCounterOffer: false }),
    status: 201,
    effect: async () => {
      expect(await one("SELECT allows_counter_offer, max_rounds, requires_approval FROM bargain_types WHERE code = 'FIXED'", []))
        .toEqual({ allows_counter_offer: false, max_rounds: 1, requires_approval: false });
    },
  }),
  define({
    name: 'PATCH /bargain-types/:id',
    arrange: () => rt.post('/bargain-types', { code: unique('NEG'), name: 'Negotiable', maxRounds: 5 }).then(created),
    act: (type) => rt.patch(`/bargain-types/${type.id}`, { maxRounds: null, requiresApproval: true }),
    status: 200,
    effect: async (type) => {
      expect(await one('SELECT max_rounds, requires_approval FROM bargain_types WHERE id = $1', [type.id]))
        .toEqual({ max_rounds: null, requires_approval: true });
    },
  }),
  define({
    name: 'DELETE /bargain-types/:id',
    arrange: () => rt.post('/bargain-types', { code: unique('AUC'), name: 'Auction' }).then(created),
    act: (type) => rt.delete(`/bargain-types/${type.id}`),
    status: 204,
    effect: async (type) => {
      expect(await rt.count('bargain_types', 'id = $1', [type.id])).toBe(0);
    },
  }),
];

// ---------------------------------------------------------------- refusals

const TABLES = [
  'commodities', 'commodity_varieties', 'quality_parameters', 'commodity_status_history', 'hsn_codes', 'trade_types',
  'payment_terms', 'delivery_terms', 'bargain_types',
];
async function snapshot(): Promise<Json> {
  const counts: Json = {};
  for (const table of TABLES) counts[table] = await rt.count(table);
  counts.byStatus = await rt.rows('SELECT status, count(*)::int AS n FROM commodities GROUP BY status ORDER BY status');
  counts.bounds = await rt.rows('SELECT id, min_value::float AS min, max_value::float AS max FROM quality_parameters ORDER BY id');
  counts.rounds = await rt.rows('SELECT id, allows_counter_offer, max_rounds FROM bargain_types ORDER BY id');
  return counts;
}

const refusals: Case<unknown>[] = [
  define({
    name: 'malformed JSON',
    arrange: async () => null,
    act: () => rt.request('POST', '/commodities', '{"code": "X",', { 'content-type': 'application/json' }),
    status: 400,
    message: 'JSON',
  }),
  define({
    name: 'missing trading unit',
    arrange: async () => null,
    act: () => rt.post('/commodities', { code: 'MOONG', name: 'Green gram', category: 'pulses' }),
    status: 400,
    message: 'tradingUnit',
  }),
  define({
    name: 'category outside the list',
    arrange: async () => null,
    act: () => rt.post('/commodities', { code: 'GOLD', name: 'Gold', category: 'bullion', tradingUnit: 'kg' }),
    status: 400,
    message: 'category',
  }),
  define({
    name: 'unknown HSN code reference',
    arrange: async () => null,
    act: () => rt.post('/commodities', { code: 'URAD', name: 'Black gram', category: 'pulses', tradingUnit: 'quintal', hsnCodeId: MISSING }),
    status: 422,
    message: 'hsnCodeId',
  }),
  define({
    name: 'a code that exists in other letters',
    arrange: () => newCommodity({ code: 'GUAR' }),
    act: () => rt.post('/commodities', { code: 'guar', name: 'Guar seed', category: 'oilseeds', tradingUnit: 'quintal' }),
    status: 409,
    message: 'GUAR',
  }),
  define({
    name: 'PATCH of an unknown commodity',
    arrange: async () => null,
    act: () => rt.patch(`/commodities/${MISSING}`, { name: 'Ghost' }),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'PATCH of the code',
    arrange: newCommodity,
    act: (commodity) => rt.patch(`/commodities/${commodity.id}`, { code: 'OTHER' }),
    status: 400,
    message: 'body',
  }),
  define({
    name: 'deleting a live commodity',
    arrange: activeCommodity,
    act: (commodity) => rt.delete(`/commodities/${commodity.id}`),
    status: 409,
    message: 'discontinue',
  }),
  define({
    name: 'deleting an unknown commodity',
    arrange: async () => null,
    act: () => rt.delete(`/commodities/${MISSING}`),
    status: 404,
  }),
  define({
    name: 'activating without an HSN code',
    arrange: newCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/status`, { status: 'active' }),
    status: 422,
    message: 'hsnCodeId',
  }),
  define({
    name: 'suspending without a reason',
    arrange: activeCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/status`, { status: 'suspended' }),
    status: 400,
    message: 'reason',
  }),
  define({
    name: 'suspending a draft',
    arrange: newCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/status`, { status: 'suspended', reason: 'Quality complaints' }),
    status: 409,
    message: 'draft',
  }),
  define({
    name: 'back to draft',
    arrange: activeCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/status`, { status: 'draft' }),
    status: 409,
  }),
  define({
    name: 'status outside the list',
    arrange: newCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/status`, { status: 'archived' }),
    status: 400,
    message: 'status',
  }),
  define({
    name: 'status of an unknown commodity',
    arrange: async () => null,
    act: () => rt.post(`/commodities/${MISSING}/status`, { status: 'active' }),
    status: 404,
  }),
  define({
    name: 'bulk import with an unknown HSN code in row 2: nothing imported',
    arrange: async () => null,
    act: () => rt.post('/commodities/bulk-import', {
      commodities: [
        { code: 'RAI', name: 'Mustard seed', category: 'oilseeds', tradingUnit: 'quintal', varieties: [{ code: 'YELLOW', name: 'Yellow' }] },
        { code: 'SOYA', name: 'Soybean', category: 'oilseeds', tradingUnit: 'quintal', hsnCode: '99999999' },
      ],
    }),
    status: 422,
    message: 'commodities[1].hsnCode',
  }),
  define({
    name: 'bulk import of a code already on file',
    arrange: () => newCommodity({ code: 'MAKAI' }),
    act: () => rt.post('/commodities/bulk-import', {
      commodities: [{ code: 'makai', name: 'Maize', category: 'cereals', tradingUnit: 'quintal' }],
    }),
    status: 422,
    message: 'commodities[0].code',
  }),
  define({
    name: 'bulk import listing a code twice',
    arrange: async () => null,
    act: () => rt.post('/commodities/bulk-import', {
      commodities: [
        { code: 'BAJRA', name: 'Pearl millet', category: 'cereals', tradingUnit: 'quintal' },
        { code: 'bajra', name: 'Pearl millet again', category: 'cereals', tradingUnit: 'quintal' },
      ],
    }),
    status: 422,
    message: 'commodities[1].code',
  }),
  define({
    name: 'bulk import row without a name',
    arrange: async () => null,
    act: () => rt.post('/commodities/bulk-import', {
      commodities: [
        { code: 'JOWAR', name: 'Sorghum', category: 'cereals', tradingUnit: 'quintal' },
        { code: 'RAGI', category: 'cereals', tradingUnit: 'quintal' },
      ],
    }),
    status: 400,
    message: "commodities/1 must have required property 'name'",
  }),
  define({
    name: 'variety of an unknown commodity',
    arrange: async () => null,
    act: () => rt.post(`/commodities/${MISSING}/varieties`, { code: 'GUJ-67', name: 'Gujarat 67' }),
    status: 404,
  }),
  define({
    name: 'the same variety code twice',
    arrange: async () => {
      const commodity = await newCommodity();
      await newVariety(commodity.id, { code: 'DCH-32' });
      return commodity;
    },
    act: (commodity) => rt.post(`/commodities/${commodity.id}/varieties`, { code: 'dch-32', name: 'DCH-32' }),
    status: 409,
  }),
  define({
    name: 'quality band upside down',
    arrange: newCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/quality-parameters`, { name: 'Trash', unit: '%', minValue: 5, maxValue: 2 }),
    status: 422,
    message: 'minValue',
  }),
  define({
    name: 'a patch that turns the band upside down',
    arrange: async () => {
      const commodity = await newCommodity();
      return { commodity, parameter: await newParameter(commodity.id, { minValue: 3, maxValue: 8 }) };
    },
    act: ({ commodity, parameter }) => rt.patch(`/commodities/${commodity.id}/quality-parameters/${parameter.id}`, { minValue: 9 }),
    status: 422,
    message: 'minNotAboveMax',
  }),
  define({
    name: 'quality parameter bound of the wrong type',
    arrange: newCommodity,
    act: (commodity) => rt.post(`/commodities/${commodity.id}/quality-parameters`, { name: 'Micronaire', unit: 'µg/in', minValue: 'low' }),
    status: 400,
    message: 'minValue',
  }),
  define({
    name: 'GST rate that is not a slab',
    arrange: async () => null,
    act: () => rt.post('/hsn-codes', { code: '0713', description: 'Dried leguminous vegetables', gstRate: 7 }),
    status: 400,
    message: 'gstRate',
  }),
  define({
    name: 'HSN code in use',
    arrange: async () => (await activeCommodity()).hsn_code_id,
    act: (hsnId) => rt.delete(`/hsn-codes/${hsnId}`),
    status: 409,
    message: 'used by 1',
  }),
  define({
    name: 'HSN update of an unknown code',
    arrange: async () => null,
    act: () => rt.patch(`/hsn-codes/${MISSING}`, { gstRate: 5 }),
    status: 404,
  }),
  define({
    name: 'full advance with a credit period',
    arrange: async () => null,
    act: () => rt.post('/payment-terms', { code: 'ODD', name: 'Odd', creditDays: 30, advancePercent: 100 }),
    status: 422,
    message: 'creditDays',
  }),
  define({
    name: 'payment term without credit days',
    arrange: async () => null,
    act: () => rt.post('/payment-terms', { code: 'NODAYS', name: 'No days' }),
    status: 400,
    message: 'creditDays',
  }),
  define({
    name: 'an Incoterm that does not exist',
    arrange: async () => null,
    act: () => rt.post('/delivery-terms', { code: 'XYZ', name: 'Unknown', incoterm: 'FOT' }),
    status: 400,
    message: 'incoterm',
  }),
  define({
    name: 'several rounds without counter-offers',
    arrange: async () => null,
    act: () => rt.post('/bargain-types', { code: 'TAKE', name: 'Take it or leave it', allowsCounterOffer: false, maxRounds: 3 }),
    status: 422,
    message: 'maxRounds',
  }),
  define({
    name: 'a patch that leaves several rounds without counter-offers',
    arrange: () => rt.post('/bargain-types', { code: unique('NEG'), name: 'Negotiable', maxRounds: 4 }).then(created),
    act: (type) => rt.patch(`/bargain-types/${type.id}`, { allowsCounterOffer: false }),
    status: 422,
    message: 'singleRoundWithoutCounterOffers',
  }),
  define({
    name: 'deleting an unknown trade type',
    arrange: async () => null,
    act: () => rt.delete(`/trade-types/${MISSING}`),
    status: 404,
    message: MISSING,
  }),
  define({
    name: 'deleting an unknown delivery term',
    arrange: async () => null,
    act: () => rt.delete(`/delivery-terms/${MISSING}`),
    status: 404,
  }),
];

describeOperations('commodity operations', operations);

describeRefusals('commodity refusals', refusals, snapshot);

describe('commodity lifecycle and reads', () => {
  it('walks a commodity through every status and keeps the history', async () => {
    const commodity = await activeCommodity();
    const steps: [string, string | undefined][] = [
      ['suspended', 'Export ban notified'],
      ['active', undefined],
      ['discontinued', 'Merged into KAPAS-LONG'],
    ];
    for (const [status, reason] of steps) {
      const res = await rt.post(`/commodities/${commodity.id}/status`, { status, ...(reason ? { reason } : {}) });
      expect(res.statusCode, res.body).toBe(200);
    }
    const history = await rt.get(`/commodities/${commodity.id}/status-history`);
    expect(history.json().items.map((h: Json) => `${h.from_status}>${h.to_status}`))
      .toEqual(['draft>active', 'active>suspended', 'suspended>active', 'active>discontinued']);
    expect((await rt.post(`/commodities/${commodity.id}/status`, { status: 'active' })).statusCode).toBe(409);
    expect((await rt.delete(`/commodities/${commodity.id}`)).statusCode).toBe(204);
  });

  it('reads commodities with their varieties, parameters and the master lists', async () => {
    const commodity = await newCommodity({ code: 'ARHAR', name: 'Pigeon pea', category: 'pulses', tradingUnit: 'quintal' });
    await newVariety(commodity.id, { code: 'LAKSHMI', name: 'Lakshmi' });
    await newParameter(commodity.id, { name: 'Damaged grains' });

    const detail = await rt.get(`/commodities/${commodity.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ code: 'ARHAR', varieties: [{ code: 'LAKSHMI' }], quality_parameters: [{ name: 'Damaged grains' }] });
    expect((await rt.get('/commodities?category=pulses&search=pigeon')).json().items.map((c: Json) => c.id)).toEqual([commodity.id]);
    expect((await rt.get(`/commodities/${MISSING}`)).statusCode).toBe(404);
    expect((await rt.get('/commodities?status=sold')).statusCode).toBe(400);

    for (const list of ['hsn-codes', 'trade-types', 'payment-terms', 'delivery-terms', 'bargain-types']) {
      const res = await rt.get(`/${list}`);
      expect(res.statusCode, list).toBe(200);
      for (const item of res.json().items) expect((await rt.get(`/${list}/${item.id}`)).json().id).toBe(item.id);
      expect((await rt.get(`/${list}/${MISSING}`)).statusCode, list).toBe(404);
    }
  });
});
