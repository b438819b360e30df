import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { InProcessBroker } from '../../src/core/broker/broker.js';
import { MemoryRedis } from '../../src/core/redis/client.js';
import { WebhookManager } from '../../src/core/webhooks/manager.js';
import { ConnectionManager, type WebSocketMessage } from '../../src/core/websocket/manager.js';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

const ORG = randomUUID();
const SELLER = randomUUID();
const BUYER = randomUUID();
const MISSING = '00000000-0000-4000-8000-000000000000';
/** The acting user: the test runtime's administrator — the actor comes from the session, never from a header. */
let USER: string;
/** Its credentials, for requests sent to an app of its own (the WebSocket tests). */
let asUser: Record<string, string> = {};

const availabilityInput = (overrides: Record<string, unknown> = {}) => ({
  organizationId: ORG,
  sellerPartnerId: SELLER,
  commodityCode: 'COTTON',
  variety: 'Shankar-6',
  quantity: 500,
  unit: 'BALES',
  pricePerUnit: 27500,
  location: 'Rajkot',
  stateCode: 'GJ',
  quality: { staple_length_mm: 29.5, micronaire: 4.1, moisture_pct: 7.5 },
  availableFrom: '2025-12-01',
  availableUntil: '2026-01-31',
  ...overrides,
});

const requirementInput = (overrides: Record<string, unknown> = {}) => ({
  organizationId: ORG,
  buyerPartnerId: BUYER,
  commodityCode: 'COTTON',
  quantity: 200,
  unit: 'BALES',
  maxPricePerUnit: 28000,
  deliveryLocation: 'Coimbatore',
  deliveryStateCode: 'TN',
  qualitySpec: { staple_length_mm: { min: 28 }, moisture_pct: { max: 8 } },
  requiredBy: '2026-02-15',
  ...overrides,
});

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
  USER = rt.admin.userId;
  asUser = { authorization: `Bearer ${rt.admin.token}` };
});
afterAll(async () => rt.close());

function ok(res: LightMyRequestResponse, status = 200): Record<string, any> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json();
}

const given = {
  availability: async (overrides?: Record<string, unknown>) => ok(await rt.post('/availabilities', availabilityInput(overrides), asUser), 201),
  approvedAvailability: async (overrides?: Record<string, unknown>) => {
    const availability = await given.availability(overrides);
    ok(await rt.post(`/availabilities/${availability.id}/approve`, {}, asUser));
    return availability;
  },
  requirement: async (overrides?: Record<string, unknown>) => ok(await rt.post('/requirements', requirementInput(overrides), asUser), 201),
  publishedRequirement: async (overrides?: Record<string, unknown>) => {
    const requirement = await given.requirement(overrides);
    ok(await rt.post(`/requirements/${requirement.id}/publish`, {}, asUser));
    return requirement;
  },
};

const availabilityRow = async (id: string) =>
  (await rt.rows<Record<string, any>>(
    `SELECT status, quantity::float8 AS quantity, reserved_quantity::float8 AS reserved, price_per_unit::float8 AS price,
            approved_by::text AS approved_by, approved_at, withdrawal_reason, quality, created_by::text AS created_by
       FROM availabilities WHERE id = $1`,
    [id],
  ))[0];

const requirementRow = async (id: string) =>
  (await rt.rows<Record<string, any>>(
    `SELECT status, quantity::float8 AS quantity, fulfilled_quantity::float8 AS fulfilled,
            max_price_per_unit::float8 AS max_price, published_at, cancelled_at, cancellation_reason, fulfilled_at
       FROM requirements WHERE id = $1`,
    [id],
  ))[0];

interface OperationCase {
  operation: string;
  arrange: () => Promise<string | undefined>;
  method: 'POST' | 'PATCH';
  url: (id: string) => string;
  body?: unknown;
  status: number;
  effect: (id: string, body: Record<string, any>) => Promise<void>;
  /** The event a compliant operation commits with its rows. */
  event?: string;
}

const operations: OperationCase[] = [
  {
    operation: 'AvailabilityService.createAvailability',
    arrange: async () => undefined,
    method: 'POST',
    url: () => '/availabilities',
    body: availabilityInput(),
    status: 201,
    effect: async (_, body) => {
      expect(await availabilityRow(body.id)).toMatchObject({
        status: 'draft',
        quantity: 500,
        reserved: 0,
        price: 27500,
        created_by: USER,
        quality: { staple_length_mm: 29.5, micronaire: 4.1, moisture_pct: 7.5 },
      });
    },
  },
  {
    operation: 'AvailabilityService.updateAvailability',
    arrange: async () => (await given.availability()).id,
    method: 'PATCH',
    url: (id) => `/availabilities/${id}`,
    body: { quantity: 450, pricePerUnit: 27250, quality: { staple_length_mm: 30 } },
    status: 200,
    effect: async (id) => {
      expect(await availabilityRow(id)).toMatchObject({ status: 'draft', quantity: 450, price: 27250, quality: { staple_length_mm: 30 } });
    },
  },
  {
    operation: 'AvailabilityService.approveAvailability',
    arrange: async () => (await given.availability()).id,
    method: 'POST',
    url: (id) => `/availabilities/${id}/approve`,
    status: 200,
    effect: async (id, body) => {
      expect(body).toMatchObject({ availabilityId: id, status: 'approved', approvedBy: USER });
      expect(await availabilityRow(id)).toMatchObject({ status: 'approved', approved_by: USER });
    },
    event: 'availability.approved',
  },
  {
    operation: 'AvailabilityService.withdrawAvailability',
    arrange: async () => (await given.approvedAvailability()).id,
    method: 'POST',
    url: (id) => `/availabilities/${id}/withdraw`,
    body: { reason: 'lot sold outside the platform' },
    status: 200,
    effect: async (id) => {
      expect(await availabilityRow(id)).toMatchObject({ status: 'withdrawn', withdrawal_reason: 'lot sold outside the platform' });
    },
  },
  {
    operation: 'AvailabilityService.reserveQuantity',
    arrange: async () => (await given.approvedAvailability()).id,
    method: 'POST',
    url: (id) => `/availabilities/${id}/reservations`,
    body: { quantity: 120, reference: 'DEAL-2025-0042' },
    status: 201,
    effect: async (id, body) => {
      expect(body).toMatchObject({ reserved: true, availableQuantity: 380 });
      expect(await availabilityRow(id)).toMatchObject({ status: 'approved', reserved: 120 });
      expect(await rt.count('availability_reservations', 'availability_id = $1 AND reference = $2', [id, 'DEAL-2025-0042'])).toBe(1);
    },
  },
  {
    operation: 'RequirementService.createRequirement',
    arrange: async () => undefined,
    method: 'POST',
    url: () => '/requirements',
    body: requirementInput(),
    status: 201,
    effect: async (_, body) => {
      expect(body).toMatchObject({ status: 'draft', quantity: 200, remainingQuantity: 200, requiredBy: '2026-02-15' });
      expect(await requirementRow(body.id)).toMatchObject({ status: 'draft', quantity: 200, fulfilled: 0, max_price: 28000 });
    },
  },
  {
    operation: 'RequirementService.updateRequirement',
    arrange: async () => (await given.requirement()).id,
    method: 'PATCH',
    url: (id) => `/requirements/${id}`,
    body: { quantity: 260, maxPricePerUnit: 28400 },
    status: 200,
    effect: async (id) => {
      expect(await requirementRow(id)).toMatchObject({ status: 'draft', quantity: 260, max_price: 28400 });
    },
  },
  {
    operation: 'RequirementService.publishRequirement',
    arrange: async () => (await given.requirement()).id,
    method: 'POST',
    url: (id) => `/requirements/${id}/publish`,
    status: 200,
    effect: async (id, body) => {
      expect(body).toMatchObject({ id, status: 'published' });
      const row = await requirementRow(id);
      expect(row).toMatchObject({ status: 'published' });
      expect(row!.published_at).not.toBeNull();
    },
    event: 'requirement.published',
  },
  {
    operation: 'RequirementService.cancelRequirement',
    arrange: async () => (await given.publishedRequirement()).id,
    method: 'POST',
    url: (id) => `/requirements/${id}/cancel`,
    body: { reason: 'mill shut for maintenance' },
    status: 200,
    effect: async (id) => {
      expect(await requirementRow(id)).toMatchObject({ status: 'cancelled', cancellation_reason: 'mill shut for maintenance' });
    },
    event: 'requirement.cancelled',
  },
  {
    operation: 'RequirementService.updateFulfillment',
    arrange: async () => (await given.publishedRequirement()).id,
    method: 'POST',
    url: (id) => `/requirements/${id}/fulfillments`,
    body: { quantity: 80, reference: 'CN-7781' },
    status: 201,
    effect: async (id, body) => {
      expect(body.requirement).toMatchObject({ status: 'partially_fulfilled', fulfilledQuantity: 80, remainingQuantity: 120 });
      expect(await requirementRow(id)).toMatchObject({ status: 'partially_fulfilled', fulfilled: 80 });
      expect(await rt.count('requirement_fulfillments', 'requirement_id = $1', [id])).toBe(1);
    },
  },
];

describe('trade desk operations', () => {
  it.each(operations)('$operation: $method answers $status and writes its rows', async (c) => {
    const id = (await c.arrange()) ?? '';
    const res = await rt.request(c.method, c.url(id), c.body ?? {}, asUser);
    const body = ok(res, c.status);
    await c.effect(id, body);
    if (c.event) {
      const aggregateId = id || body.id;
      expect(await rt.count('outbox', 'event_type = $1 AND aggregate_id = $2', [c.event, aggregateId])).toBe(1);
    }
  });

  it.each(operations.filter((c) => c.event))('$operation replays a repeated Idempotency-Key without writing again', async (c) => {
    const id = (await c.arrange())!;
    const headers = { ...asUser, 'idempotency-key': `key-${randomUUID()}` };
    const first = await rt.request(c.method, c.url(id), c.body ?? {}, headers);
    const stamp = await rt.rows(`SELECT updated_at FROM ${c.url(id).split('/')[1]} WHERE id = $1`, [id]);
    const second = await rt.request(c.method, c.url(id), c.body ?? {}, headers);

    expect(first.statusCode, first.body).toBe(200);
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(await rt.count('outbox', 'event_type = $1 AND aggregate_id = $2', [c.event, id])).toBe(1);
    expect(await rt.rows(`SELECT updated_at FROM ${c.url(id).split('/')[1]} WHERE id = $1`, [id])).toEqual(stamp);
  });
});

describe('availability rules', () => {
  it('answers 409 with what is left when a hold asks for more, and writes nothing', async () => {
    const { id } = await given.approvedAvailability({ quantity: 100 });
    ok(await rt.post(`/availabilities/${id}/reservations`, { quantity: 70, reference: 'DEAL-A' }), 201);

    const res = await rt.post(`/availabilities/${id}/reservations`, { quantity: 40, reference: 'DEAL-B' });

    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'insufficient_quantity', availableQuantity: 30 });
    expect(res.json().message).toContain('quantity 40');
    expect(await availabilityRow(id)).toMatchObject({ reserved: 70 });
    expect(await rt.count('availability_reservations', 'availability_id = $1', [id])).toBe(1);
  });

  it('checks a hold with validateOnly without keeping it', async () => {
    const { id } = await given.approvedAvailability({ quantity: 100 });
    const body = ok(await rt.post(`/availabilities/${id}/reservations`, { quantity: 100, reference: 'DEAL-DRY', validateOnly: true }));
    expect(body).toMatchObject({ reserved: true, committed: false, availableQuantity: 0 });
    expect(await availabilityRow(id)).toMatchObject({ reserved: 0 });
    expect(await rt.count('availability_reservations', 'availability_id = $1', [id])).toBe(0);
  });

  it('refuses a second hold under the same reference', async () => {
    const { id } = await given.approvedAvailability();
    ok(await rt.post(`/availabilities/${id}/reservations`, { quantity: 10, reference: 'DEAL-DUP' }), 201);
    const res = await rt.post(`/availabilities/${id}/reservations`, { quantity: 10, reference: 'DEAL-DUP' });
    expect(res.statusCode).toBe(409);
    expect(await availabilityRow(id)).toMatchObject({ reserved: 10 });
  });

  it.each([
    { name: 'reserve a draft', arrange: () => given.availability(), url: (id: string) => `/availabilities/${id}/reservations`, body: { quantity: 1, reference: 'X' } },
    { name: 'edit an approved offer', arrange: () => given.approvedAvailability(), url: (id: string) => `/availabilities/${id}`, method: 'PATCH', body: { quantity: 1 } },
    { name: 'approve twice', arrange: () => given.approvedAvailability(), url: (id: string) => `/availabilities/${id}/approve`, body: {} },
  ])('refuses to $name with 409 and leaves the row alone', async ({ arrange, url, body, method }) => {
    const { id } = await arrange();
    const before = await availabilityRow(id);
    const res = await rt.request(method ?? 'POST', url(id), body);
    expect(res.statusCode, res.body).toBe(409);
    expect(await availabilityRow(id)).toEqual(before);
  });

  it('refuses to withdraw a lot with holds on it', async () => {
    const { id } = await given.approvedAvailability();
    ok(await rt.post(`/availabilities/${id}/reservations`, { quantity: 5, reference: 'HOLD-1' }), 201);
    const res = await rt.post(`/availabilities/${id}/withdraw`, { reason: 'changed my mind' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('on hold');
    expect(await availabilityRow(id)).toMatchObject({ status: 'approved' });
  });
});

describe('requirement rules', () => {
  it('closes a requirement with the fulfilment that covers it', async () => {
    const { id } = await given.publishedRequirement({ quantity: 100 });
    ok(await rt.post(`/requirements/${id}/fulfillments`, { quantity: 33.333, reference: 'CN-1' }), 201);
    const last = ok(await rt.post(`/requirements/${id}/fulfillments`, { quantity: 66.667, reference: 'CN-2' }), 201);
    expect(last.requirement).toMatchObject({ status: 'fulfilled', remainingQuantity: 0 });
    const row = await requirementRow(id);
    expect(row).toMatchObject({ status: 'fulfilled', fulfilled: 100 });
    expect(row!.fulfilled_at).not.toBeNull();
  });

  it.each([
    { name: 'fulfil more than remains', status: 409, arrange: () => given.publishedRequirement({ quantity: 10 }), url: (id: string) => `/requirements/${id}/fulfillments`, body: { quantity: 11, reference: 'CN-X' } },
    { name: 'fulfil a draft', status: 409, arrange: () => given.requirement(), url: (id: string) => `/requirements/${id}/fulfillments`, body: { quantity: 1, reference: 'CN-Y' } },
    { name: 'publish twice', status: 409, arrange: () => given.publishedRequirement(), url: (id: string) => `/requirements/${id}/publish`, body: {} },
    { name: 'edit a cancelled requirement', status: 409, method: 'PATCH', arrange: async () => { const r = await given.requirement(); ok(await rt.post(`/requirements/${r.id}/cancel`, { reason: 'dup' })); return r; }, url: (id: string) => `/requirements/${id}`, body: { quantity: 5 } },
    { name: 'accept a quality range with min above max', status: 400, method: 'PATCH', arrange: () => given.requirement(), url: (id: string) => `/requirements/${id}`, body: { qualitySpec: { micronaire: { min: 5, max: 3.5 } } } },
  ])('refuses to $name and leaves the row alone', async ({ status, arrange, url, body, method }) => {
    const { id } = await arrange();
    const before = await requirementRow(id);
    const res = await rt.request(method ?? 'POST', url(id), body);
    expect(res.statusCode, res.body).toBe(status);
    expect(await requirementRow(id)).toEqual(before);
    expect(await rt.count('requirement_fulfillments', 'requirement_id = $1', [id])).toBe(0);
  });

  it('keeps the quantity above what was already delivered', async () => {
    const { id } = await given.publishedRequirement({ quantity: 50 });
    ok(await rt.post(`/requirements/${id}/fulfillments`, { quantity: 20, reference: 'CN-20' }), 201);
    const res = await rt.patch(`/requirements/${id}`, { quantity: 20 });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('quantity 20');
    ok(await rt.patch(`/requirements/${id}`, { quantity: 45 }));
    expect(await requirementRow(id)).toMatchObject({ quantity: 45, fulfilled: 20, status: 'partially_fulfilled' });
  });
});

describe('trade desk reads', () => {
  it('lists and filters availabilities and requirements, and reads one with its children', async () => {
    const org = randomUUID();
    const draft = await given.availability({ organizationId: org, commodityCode: 'wheat', unit: 'QTL', quantity: 900, pricePerUnit: 2450 });
    const approved = await given.approvedAvailability({ organizationId: org, commodityCode: 'WHEAT', unit: 'QTL', quantity: 300, pricePerUnit: 2500 });
    ok(await rt.post(`/availabilities/${approved.id}/reservations`, { quantity: 50, reference: 'R-1' }), 201);

    const all = ok(await rt.get(`/availabilities?organizationId=${org}`));
    expect(all.map((a: { id: string }) => a.id).sort()).toEqual([draft.id, approved.id].sort());
    const onlyApproved = ok(await rt.get(`/availabilities?organizationId=${org}&status=approved&commodityCode=wheat`));
    expect(onlyApproved).toHaveLength(1);
    expect(onlyApproved[0]).toMatchObject({ id: approved.id, reservedQuantity: 50, availableQuantity: 250 });

    const one = ok(await rt.get(`/availabilities/${approved.id}`));
    expect(one.reservations).toEqual([expect.objectContaining({ reference: 'R-1', quantity: 50 })]);

    const requirement = await given.publishedRequirement({ organizationId: org });
    ok(await rt.post(`/requirements/${requirement.id}/fulfillments`, { quantity: 5, reference: 'CN-5' }), 201);
    const listed = ok(await rt.get(`/requirements?organizationId=${org}&status=partially_fulfilled&limit=10`));
    expect(listed.map((r: { id: string }) => r.id)).toEqual([requirement.id]);
    const read = ok(await rt.get(`/requirements/${requirement.id}`));
    expect(read.fulfillments).toEqual([expect.objectContaining({ reference: 'CN-5', quantity: 5 })]);
  });

  it.each(['/availabilities/', '/requirements/'])('answers 404 for an unknown id under %s and 400 for a malformed one', async (base) => {
    expect((await rt.get(`${base}${MISSING}`)).statusCode).toBe(404);
    const bad = await rt.get(`${base}not-a-uuid`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/Id must match format "uuid"/);
    expect((await rt.get(`${base.slice(0, -1)}?limit=0`)).statusCode).toBe(400);
  });
});

describe('trade desk bad input', () => {
  const tables = ['availabilities', 'availability_reservations', 'requirements', 'requirement_fulfillments', 'outbox'];
  const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await rt.count(t)])));

  it.each([
    { url: '/availabilities', payload: '{"organizationId": ' },
    { url: '/requirements', payload: '{"quantity": 10,,}' },
  ])('answers malformed JSON on $url with 400 and writes nothing', async ({ url, payload }) => {
    const before = await snapshot();
    const res = await rt.request('POST', url, payload, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ...['organizationId', 'sellerPartnerId', 'commodityCode', 'quantity', 'unit', 'pricePerUnit', 'location', 'stateCode'].map((field) => ({
      url: '/availabilities',
      body: Object.fromEntries(Object.entries(availabilityInput()).filter(([k]) => k !== field)),
      field,
    })),
    ...['organizationId', 'buyerPartnerId', 'quantity', 'maxPricePerUnit', 'deliveryLocation', 'deliveryStateCode'].map((field) => ({
      url: '/requirements',
      body: Object.fromEntries(Object.entries(requirementInput()).filter(([k]) => k !== field)),
      field,
    })),
  ])('answers 400 naming $field when $url is sent without it', async ({ url, body, field }) => {
    const before = await snapshot();
    const res = await rt.post(url, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    { url: '/availabilities', body: availabilityInput({ quantity: 'lots' }), field: 'quantity' },
    { url: '/availabilities', body: availabilityInput({ pricePerUnit: -5 }), field: 'pricePerUnit' },
    { url: '/availabilities', body: availabilityInput({ unit: 'TONNES' }), field: 'unit' },
    { url: '/availabilities', body: availabilityInput({ sellerPartnerId: 'seller-1' }), field: 'sellerPartnerId' },
    { url: '/availabilities', body: availabilityInput({ availableFrom: '2026-02-01', availableUntil: '2026-01-01' }), field: 'availableUntil' },
    { url: '/availabilities', body: availabilityInput({ quality: { moisture_pct: 'dry' } }), field: 'quality' },
    { url: '/requirements', body: requirementInput({ deliveryStateCode: 'Tamil Nadu' }), field: 'deliveryStateCode' },
    { url: '/requirements', body: requirementInput({ requiredBy: '15/02/2026' }), field: 'requiredBy' },
    { url: '/requirements', body: requirementInput({ qualitySpec: { moisture_pct: { below: 8 } } }), field: 'qualitySpec' },
  ])('answers 400 naming $field for a bad value on $url', async ({ url, body, field }) => {
    const before = await snapshot();
    const res = await rt.post(url, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toContain(field);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    { method: 'PATCH', url: `/availabilities/${MISSING}`, body: { quantity: 5 } },
    { method: 'POST', url: `/availabilities/${MISSING}/approve`, body: {} },
    { method: 'POST', url: `/availabilities/${MISSING}/withdraw`, body: { reason: 'gone' } },
    { method: 'POST', url: `/availabilities/${MISSING}/reservations`, body: { quantity: 5, reference: 'R' } },
    { method: 'PATCH', url: `/requirements/${MISSING}`, body: { quantity: 5 } },
    { method: 'POST', url: `/requirements/${MISSING}/publish`, body: {} },
    { method: 'POST', url: `/requirements/${MISSING}/cancel`, body: { reason: 'gone' } },
    { method: 'POST', url: `/requirements/${MISSING}/fulfillments`, body: { quantity: 5, reference: 'CN' } },
  ])('answers 404 for $method $url and writes nothing', async ({ method, url, body }) => {
    const before = await snapshot();
    const res = await rt.request(method, url, body);
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().message).toContain(MISSING);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 400 naming the field of a partial update that is missing its reason', async () => {
    const { id } = await given.approvedAvailability();
    const res = await rt.post(`/availabilities/${id}/withdraw`, {});
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('reason');
    expect(await availabilityRow(id)).toMatchObject({ status: 'approved' });
  });

  it('answers 413 to an oversized body and writes nothing', async () => {
    const before = await snapshot();
    const res = await rt.post('/availabilities', availabilityInput({ location: 'x'.repeat(300 * 1024) }));
    expect(res.statusCode).toBe(413);
    expect(await snapshot()).toEqual(before);
  });
});

describe('requirement updates over WebSocket', () => {
  /** Records what the services push instead of writing to sockets. */
  class RecordingConnectionManager extends ConnectionManager {
    readonly sent: { to: string; audience: 'organization' | 'channel' | 'user'; message: WebSocketMessage }[] = [];
    override async broadcastToOrganization(organizationId: string, message: WebSocketMessage): Promise<void> {
      this.sent.push({ to: organizationId, audience: 'organization', message });
    }
    override async broadcastToChannel(channel: string, message: WebSocketMessage): Promise<void> {
      this.sent.push({ to: channel, audience: 'channel', message });
    }
    override async sendPersonalMessage(userId: string, message: WebSocketMessage): Promise<void> {
      this.sent.push({ to: userId, audience: 'user', message });
    }
  }

  it('pushes each committed change to the organisation, the board, the requirement and its buyer', async () => {
    const ws = new RecordingConnectionManager();
    const app = await buildApp({ database: rt.database, redis: new MemoryRedis(), broker: new InProcessBroker(), ws, webhooks: new WebhookManager() });
    try {
      const org = randomUUID();
      const send = async (method: string, url: string, body: unknown, status: number) => {
        const res = await app.inject({ method: method as 'POST', url, payload: body as object, headers: { ...asUser, 'idempotency-key': randomUUID() } });
        return ok(res, status);
      };
      const requirement = await send('POST', '/requirements', requirementInput({ organizationId: org, quantity: 10 }), 201);
      await send('PATCH', `/requirements/${requirement.id}`, { maxPricePerUnit: 28100 }, 200);
      await send('POST', `/requirements/${requirement.id}/publish`, {}, 200);
      await send('POST', `/requirements/${requirement.id}/fulfillments`, { quantity: 10, reference: 'CN-WS' }, 201);
      // A refused change pushes nothing.
      const again = await app.inject({ method: 'POST', url: `/requirements/${requirement.id}/publish`, payload: {}, headers: { ...asUser, 'idempotency-key': randomUUID() } });
      expect(again.statusCode).toBe(409);

      const board = `org:${org}:requirements`;
      const own = `org:${org}:requirements:${requirement.id}`;
      expect(ws.sent.map(({ to, audience, message }) => [audience, to, message.type])).toEqual([
        ['channel', board, 'REQUIREMENT_CREATED'],
        ['channel', board, 'REQUIREMENT_UPDATED'],
        ['channel', own, 'REQUIREMENT_UPDATED'],
        ['organization', org, 'REQUIREMENT_PUBLISHED'],
        ['channel', own, 'REQUIREMENT_FULFILLMENT_UPDATED'],
        ['organization', org, 'REQUIREMENT_FULFILLED'],
        ['user', USER, 'REQUIREMENT_FULFILLED'],
      ]);
      expect(ws.sent[3]!.message.data).toMatchObject({ requirementId: requirement.id, status: 'published' });
    } finally {
      await app.close();
    }
  });

  it('still answers when a push fails after the commit', async () => {
    class BrokenConnectionManager extends ConnectionManager {
      override async broadcastToChannel(): Promise<void> {
        throw new Error('socket gone');
      }
    }
    const app = await buildApp({
      database: rt.database,
      redis: new MemoryRedis(),
      broker: new InProcessBroker(),
      ws: new BrokenConnectionManager(),
      webhooks: new WebhookManager(),
    });
    try {
      const res = await app.inject({ method: 'POST', url: '/requirements', payload: requirementInput(), headers: { ...asUser, 'idempotency-key': randomUUID() } });
      const body = ok(res, 201);
      expect(await requirementRow(body.id)).toMatchObject({ status: 'draft' });
    } finally {
      await app.close();
    }
  });
});
