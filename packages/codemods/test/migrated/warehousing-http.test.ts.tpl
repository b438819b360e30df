// Written by outbox-codemod's legacy-module test into the MIGRATED copy of the reference runtime that holds the legacy
// warehousing module (test/codemod/), and run there: the module's routes through HTTP on the real app (Fastify, an
// embedded PGlite database migrated by the runtime's own migrations), then a retry probe over every mutating route.
//
// The module came without its wiring, as a module added to a copy does: its tables are made here, its routes are
// registered on the app with a policy each (signed in), in the app's one policy table.
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../../src/app.js';
import { ROUTE_POLICIES, type RoutePolicy } from '../../src/core/auth/policy.js';
import { InProcessBroker } from '../../src/core/broker/broker.js';
import { MemoryRedis } from '../../src/core/redis/client.js';
import { WebhookManager } from '../../src/core/webhooks/manager.js';
import { ConnectionManager } from '../../src/core/websocket/manager.js';
import { registerWarehousingRoutes } from '../../src/modules/warehousing/router.js';
import { bootstrapAdministrator } from '../support/auth.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';

const SCHEMA = `
CREATE TABLE stock_lots (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id text NOT NULL,
  warehouse_id    text NOT NULL,
  commodity_code  text NOT NULL,
  quantity        integer NOT NULL CHECK (quantity >= 0),
  price_per_unit  integer NOT NULL,
  reference       text NOT NULL,
  status          text NOT NULL,
  block_reason    text,
  reserved        integer NOT NULL DEFAULT 0,
  hold_until      timestamptz,
  UNIQUE (organization_id, reference)
);
CREATE TABLE storage_bins (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  warehouse_id text NOT NULL,
  code         text NOT NULL,
  capacity     integer NOT NULL,
  occupied     integer NOT NULL DEFAULT 0
);
`;

const signedIn: RoutePolicy = { access: 'any' };
const ROUTES = [
  'GET /lots/:lotId',
  'POST /lots',
  'POST /lots/:lotId/block',
  'POST /lots/transfers',
  'POST /lots/reservations',
  'POST /lots/holds/release',
  'DELETE /lots/:lotId',
  'PUT /lots/:lotId/count',
  'PUT /lots/:lotId/price',
  'GET /bins/:binId',
  'POST /bins',
  'PATCH /bins/:binId',
  'DELETE /bins/:binId',
  'POST /bins/:binId/occupancy',
];

let db: TestDatabase;
let app: FastifyInstance;
let deps: AppDeps;
let token: string;

beforeAll(async () => {
  db = await openTestDatabase({ poolSize: 10 });
  await db.database.exec(SCHEMA);
  for (const route of ROUTES) (ROUTE_POLICIES as Record<string, RoutePolicy>)[route] = signedIn;
  deps = {
    database: db.database,
    redis: new MemoryRedis(),
    broker: new InProcessBroker(),
    ws: new ConnectionManager(),
    webhooks: new WebhookManager({ database: db.database }),
  };
  const setupToken = randomBytes(24).toString('base64url');
  app = await buildApp(deps, { setupToken });
  registerWarehousingRoutes(app, deps);
  await app.ready();
  ({ token } = await bootstrapAdministrator((request) => app.inject(request), setupToken));
});

afterAll(async () => {
  await app?.close();
  await deps?.ws.close();
  await deps?.broker.close();
  await db?.close();
});

function send(method: string, url: string, body?: unknown, key: string | null = randomUUID()): Promise<LightMyRequestResponse> {
  return app.inject({
    method: method as 'GET',
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(key !== null && method !== 'GET' ? { 'idempotency-key': key } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

async function rows<R = Record<string, any>>(sql: string, params: unknown[] = []): Promise<R[]> {
  return (await db.database.query(sql, params)).rows as R[];
}

/** The outbox events written since `after` (an outbox id), oldest first. */
async function eventsAfter(after: number): Promise<{ event_type: string; aggregate_id: string; payload: any }[]> {
  return rows('SELECT event_type, aggregate_id, payload FROM outbox WHERE id > $1 ORDER BY id', [after]);
}

async function lastOutboxId(): Promise<number> {
  const [row] = await rows<{ id: string | null }>('SELECT max(id)::text AS id FROM outbox');
  return Number(row?.id ?? 0);
}

let serial = 0;
const organization = randomUUID();

/** A lot made straight in the database (arrangement, not under test). */
async function lot(values: { quantity?: number; status?: string; held?: boolean; organizationId?: string } = {}): Promise<string> {
  const [row] = await rows<{ id: string }>(
    `INSERT INTO stock_lots (organization_id, warehouse_id, commodity_code, quantity, price_per_unit, reference, status, reserved, hold_until)
     VALUES ($1, 'wh-1', 'COTTON', $2, 100, $3, $4, $5, $6) RETURNING id`,
    [values.organizationId ?? organization, values.quantity ?? 50, `ref-${serial++}`, values.status ?? 'active', values.held ? 5 : 0, values.held ? new Date(Date.now() - 60_000) : null],
  );
  return row!.id;
}

async function bin(values: { capacity?: number; occupied?: number } = {}): Promise<string> {
  const [row] = await rows<{ id: string }>(
    "INSERT INTO storage_bins (warehouse_id, code, capacity, occupied) VALUES ('wh-1', $1, $2, $3) RETURNING id",
    [`B-${serial++}`, values.capacity ?? 100, values.occupied ?? 0],
  );
  return row!.id;
}

const lotRow = async (id: string) => (await rows('SELECT * FROM stock_lots WHERE id = $1', [id]))[0];
const binRow = async (id: string) => (await rows('SELECT * FROM storage_bins WHERE id = $1', [id]))[0];

describe('the legacy warehousing module through HTTP, after outbox-codemod all --write', () => {
  it('POST /lots receives stock: 201 with the new lot; the same reference again answers with that lot', async () => {
    const body = { organizationId: organization, warehouseId: 'wh-1', commodityCode: 'WHEAT', quantity: 10, pricePerUnit: 7, reference: `r-${randomUUID()}` };
    const res = await send('POST', '/lots', body);
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ organization_id: organization, quantity: 10, status: 'active' });
    const again = await send('POST', '/lots', body);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().id).toBe(created.id);
    expect(await rows('SELECT id FROM stock_lots WHERE reference = $1', [body.reference])).toHaveLength(1);
    expect((await send('POST', '/lots', { ...body, reference: 'x', quantity: 0 })).statusCode).toBe(400);
  });

  it('GET /lots/:lotId reads a lot; an unknown one is a 404', async () => {
    const id = await lot();
    const res = await send('GET', `/lots/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().id).toBe(id);
    expect((await send('GET', `/lots/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('POST /lots/:lotId/block blocks and releases a lot; an archived lot is a 409', async () => {
    const id = await lot();
    const blocked = await send('POST', `/lots/${id}/block`, { blocked: true, reason: 'inspection' });
    expect(blocked.statusCode, blocked.body).toBe(200);
    expect(await lotRow(id)).toMatchObject({ status: 'blocked', block_reason: 'inspection' });
    const released = await send('POST', `/lots/${id}/block`, { blocked: false });
    expect(released.statusCode, released.body).toBe(200);
    expect(await lotRow(id)).toMatchObject({ status: 'active', block_reason: null });
    const archived = await lot({ status: 'archived' });
    expect((await send('POST', `/lots/${archived}/block`, { blocked: true })).statusCode).toBe(409);
  });

  it('POST /lots/transfers moves quantity between lots, all or nothing', async () => {
    const from = await lot({ quantity: 30 });
    const to = await lot({ quantity: 5 });
    const res = await send('POST', '/lots/transfers', { fromLotId: from, toLotId: to, quantity: 10 });
    expect(res.statusCode, res.body).toBe(200);
    expect([(await lotRow(from))!.quantity, (await lotRow(to))!.quantity]).toEqual([20, 15]);
    const tooMuch = await send('POST', '/lots/transfers', { fromLotId: from, toLotId: to, quantity: 500 });
    expect(tooMuch.statusCode).toBe(409);
    const nowhere = await send('POST', '/lots/transfers', { fromLotId: from, toLotId: randomUUID(), quantity: 1 });
    expect(nowhere.statusCode).toBe(404);
    // Neither refusal moved anything.
    expect([(await lotRow(from))!.quantity, (await lotRow(to))!.quantity]).toEqual([20, 15]);
  });

  it('POST /lots/reservations reserves several lots of the organisation in one transaction', async () => {
    const a = await lot();
    const b = await lot();
    const other = await lot({ organizationId: randomUUID() });
    const res = await send('POST', `/lots/reservations?organizationId=${organization}`, { reservations: [{ lotId: a, quantity: 2 }, { lotId: b, quantity: 3 }, { lotId: other, quantity: 4 }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ reserved: 2 });
    expect([(await lotRow(a))!.reserved, (await lotRow(b))!.reserved, (await lotRow(other))!.reserved]).toEqual([2, 3, 0]);
  });

  it('POST /lots/holds/release releases the expired holds of the organisation, each in its own transaction', async () => {
    const org = randomUUID();
    const held = [await lot({ organizationId: org, held: true }), await lot({ organizationId: org, held: true })];
    const kept = await lot({ organizationId: org });
    const res = await send('POST', `/lots/holds/release?organizationId=${org}`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ released: 2 });
    for (const id of held) expect(await lotRow(id)).toMatchObject({ reserved: 0, hold_until: null });
    expect((await lotRow(kept))!.reserved).toBe(0);
  });

  it('DELETE /lots/:lotId archives a lot (204)', async () => {
    const id = await lot();
    const res = await send('DELETE', `/lots/${id}`);
    expect(res.statusCode, res.body).toBe(204);
    expect((await lotRow(id))!.status).toBe('archived');
  });

  it('PUT /lots/:lotId/count replaces the quantity; PUT /lots/:lotId/price re-prices and answers the value', async () => {
    const id = await lot({ quantity: 40 });
    const counted = await send('PUT', `/lots/${id}/count`, { counted: 37 });
    expect(counted.statusCode, counted.body).toBe(200);
    expect((await lotRow(id))!.quantity).toBe(37);
    const priced = await send('PUT', `/lots/${id}/price`, { pricePerUnit: 3 });
    expect(priced.statusCode, priced.body).toBe(200);
    expect(priced.json()).toEqual({ lotId: id, quantity: 37, value: 111 });
    expect((await send('PUT', `/lots/${randomUUID()}/price`, { pricePerUnit: 3 })).statusCode).toBe(404);
  });

  it('storage bins: create (201), read, update, occupy within capacity, delete (204), and 404s', async () => {
    const created = await send('POST', '/bins', { warehouseId: 'wh-2', code: 'A-1', capacity: 10 });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await send('GET', `/bins/${id}`)).json()).toMatchObject({ id, code: 'A-1', capacity: 10, occupied: 0 });
    const patched = await send('PATCH', `/bins/${id}`, { capacity: 12 });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ code: 'A-1', capacity: 12 });
    const occupied = await send('POST', `/bins/${id}/occupancy`, { quantity: 12 });
    expect(occupied.statusCode, occupied.body).toBe(200);
    expect((await send('POST', `/bins/${id}/occupancy`, { quantity: 1 })).statusCode).toBe(404);
    expect((await send('DELETE', `/bins/${id}`)).statusCode).toBe(204);
    expect(await binRow(id)).toBeUndefined();
    expect((await send('GET', `/bins/${id}`)).statusCode).toBe(404);
    expect((await send('PATCH', `/bins/${id}`, { capacity: 1 })).statusCode).toBe(404);
    expect((await send('DELETE', `/bins/${id}`)).statusCode).toBe(404);
  });
});

/**
 * One mutating route: how to arrange a fresh row for it, the request, another request (same route, another body),
 * and the rows each event must name (the changed rows, by the arrangement and the first answer).
 */
interface Probe {
  route: string;
  arrange: () => Promise<Record<string, string>>;
  request: (ids: Record<string, string>) => { method: string; url: string; body?: unknown };
  /** Another request of the same route the key could be reused with (null when the route has no other in its scope). */
  other: ((ids: Record<string, string>) => { method: string; url: string; body?: unknown }) | null;
  /** The aggregate id of each event the first request must write, in order. */
  changed: (ids: Record<string, string>, answer: any) => string[];
  /** The state a second execution would change again (read after each request: it must not move on the retry). */
  state: (ids: Record<string, string>) => Promise<unknown>;
}

const PROBES: Probe[] = [
  {
    route: 'POST /lots',
    arrange: async () => ({ reference: `probe-${randomUUID()}` }),
    request: ({ reference }) => ({ method: 'POST', url: '/lots', body: { organizationId: organization, warehouseId: 'wh-9', commodityCode: 'RICE', quantity: 5, pricePerUnit: 2, reference } }),
    other: ({ reference }) => ({ method: 'POST', url: '/lots', body: { organizationId: organization, warehouseId: 'wh-9', commodityCode: 'RICE', quantity: 6, pricePerUnit: 2, reference } }),
    changed: (_ids, answer) => [answer.id],
    state: ({ reference }) => rows('SELECT id, quantity FROM stock_lots WHERE reference = $1', [reference]),
  },
  {
    route: 'POST /lots/:lotId/block',
    arrange: async () => ({ lot: await lot() }),
    request: ({ lot }) => ({ method: 'POST', url: `/lots/${lot}/block`, body: { blocked: true, reason: 'probe' } }),
    other: ({ lot }) => ({ method: 'POST', url: `/lots/${lot}/block`, body: { blocked: false } }),
    changed: ({ lot }) => [lot!],
    state: ({ lot }) => lotRow(lot!),
  },
  {
    route: 'POST /lots/transfers',
    arrange: async () => ({ from: await lot({ quantity: 30 }), to: await lot({ quantity: 0 }) }),
    request: ({ from, to }) => ({ method: 'POST', url: '/lots/transfers', body: { fromLotId: from, toLotId: to, quantity: 10 } }),
    other: ({ from, to }) => ({ method: 'POST', url: '/lots/transfers', body: { fromLotId: from, toLotId: to, quantity: 11 } }),
    // One change of two rows: the event names the lot the stock went to, its payload both.
    changed: ({ to }) => [to!],
    state: async ({ from, to }) => [(await lotRow(from!))!.quantity, (await lotRow(to!))!.quantity],
  },
  {
    route: 'POST /lots/reservations',
    arrange: async () => ({ a: await lot(), b: await lot() }),
    request: ({ a, b }) => ({ method: 'POST', url: `/lots/reservations?organizationId=${organization}`, body: { reservations: [{ lotId: a, quantity: 2 }, { lotId: b, quantity: 1 }] } }),
    other: ({ a }) => ({ method: 'POST', url: `/lots/reservations?organizationId=${organization}`, body: { reservations: [{ lotId: a, quantity: 9 }] } }),
    changed: ({ a, b }) => [a!, b!],
    state: async ({ a, b }) => [(await lotRow(a!))!.reserved, (await lotRow(b!))!.reserved],
  },
  {
    route: 'POST /lots/holds/release',
    arrange: async () => {
      const org = randomUUID();
      return { org, a: await lot({ organizationId: org, held: true }), b: await lot({ organizationId: org, held: true }) };
    },
    request: ({ org }) => ({ method: 'POST', url: `/lots/holds/release?organizationId=${org}`, body: {} }),
    // The request is its organisation and nothing else, and keys are per organisation: there is no other request
    // this key could be reused with.
    other: null,
    changed: ({ a, b }) => [a!, b!].sort(),
    state: async ({ a, b }) => [(await lotRow(a!))!.reserved, (await lotRow(b!))!.reserved],
  },
  {
    route: 'DELETE /lots/:lotId',
    arrange: async () => ({ lot: await lot(), another: await lot() }),
    request: ({ lot }) => ({ method: 'DELETE', url: `/lots/${lot}` }),
    // A delete has no body: another request is a delete of another row.
    other: ({ another }) => ({ method: 'DELETE', url: `/lots/${another}` }),
    changed: ({ lot }) => [lot!],
    state: async ({ lot }) => (await lotRow(lot!))!.status,
  },
  {
    route: 'PUT /lots/:lotId/count',
    arrange: async () => ({ lot: await lot({ quantity: 40 }) }),
    request: ({ lot }) => ({ method: 'PUT', url: `/lots/${lot}/count`, body: { counted: 33 } }),
    other: ({ lot }) => ({ method: 'PUT', url: `/lots/${lot}/count`, body: { counted: 34 } }),
    changed: ({ lot }) => [lot!],
    state: async ({ lot }) => (await lotRow(lot!))!.quantity,
  },
  {
    route: 'PUT /lots/:lotId/price',
    arrange: async () => ({ lot: await lot() }),
    request: ({ lot }) => ({ method: 'PUT', url: `/lots/${lot}/price`, body: { pricePerUnit: 9 } }),
    other: ({ lot }) => ({ method: 'PUT', url: `/lots/${lot}/price`, body: { pricePerUnit: 8 } }),
    changed: ({ lot }) => [lot!],
    state: async ({ lot }) => (await lotRow(lot!))!.price_per_unit,
  },
  {
    route: 'POST /bins',
    arrange: async () => ({ code: `P-${randomUUID().slice(0, 8)}` }),
    request: ({ code }) => ({ method: 'POST', url: '/bins', body: { warehouseId: 'wh-9', code, capacity: 4 } }),
    other: ({ code }) => ({ method: 'POST', url: '/bins', body: { warehouseId: 'wh-9', code, capacity: 5 } }),
    changed: (_ids, answer) => [answer.id],
    state: ({ code }) => rows('SELECT id FROM storage_bins WHERE code = $1', [code]),
  },
  {
    route: 'PATCH /bins/:binId',
    arrange: async () => ({ bin: await bin() }),
    request: ({ bin }) => ({ method: 'PATCH', url: `/bins/${bin}`, body: { capacity: 50 } }),
    other: ({ bin }) => ({ method: 'PATCH', url: `/bins/${bin}`, body: { capacity: 51 } }),
    changed: ({ bin }) => [bin!],
    state: ({ bin }) => binRow(bin!),
  },
  {
    route: 'DELETE /bins/:binId',
    arrange: async () => ({ bin: await bin(), another: await bin() }),
    request: ({ bin }) => ({ method: 'DELETE', url: `/bins/${bin}` }),
    other: ({ another }) => ({ method: 'DELETE', url: `/bins/${another}` }),
    changed: ({ bin }) => [bin!],
    state: ({ bin }) => binRow(bin!),
  },
  {
    route: 'POST /bins/:binId/occupancy',
    arrange: async () => ({ bin: await bin({ capacity: 10 }) }),
    request: ({ bin }) => ({ method: 'POST', url: `/bins/${bin}/occupancy`, body: { quantity: 3 } }),
    other: ({ bin }) => ({ method: 'POST', url: `/bins/${bin}/occupancy`, body: { quantity: 4 } }),
    changed: ({ bin }) => [bin!],
    state: async ({ bin }) => (await binRow(bin!))!.occupied,
  },
];

describe('retry probe: every mutating route of the module, twice with one Idempotency-Key', () => {
  it('covers every mutating route the module registers', () => {
    expect(PROBES.map((p) => p.route).sort()).toEqual(ROUTES.filter((r) => !r.startsWith('GET ')).sort());
  });

  it.each(PROBES)('$route: the retry replays the first answer byte for byte, the change happens once, with one event naming each changed row; another body with the key is a 422', async (probe) => {
    const ids = await probe.arrange();
    const key = randomUUID();
    const before = await lastOutboxId();
    const first = await send(probe.request(ids).method, probe.request(ids).url, probe.request(ids).body, key);
    expect(first.statusCode, first.body).toBeLessThan(300);
    const afterFirst = await probe.state(ids);
    const events = await eventsAfter(before);
    const answer = first.body ? first.json() : undefined;
    const changed = probe.changed(ids, answer);
    expect(events.map((e) => e.aggregate_id).sort()).toEqual([...changed].sort());

    const retry = await send(probe.request(ids).method, probe.request(ids).url, probe.request(ids).body, key);
    expect(retry.statusCode, retry.body).toBe(first.statusCode);
    expect(retry.body).toBe(first.body);
    expect(retry.headers['content-type']).toBe(first.headers['content-type']);
    expect(await probe.state(ids)).toEqual(afterFirst);
    expect(await eventsAfter(before)).toHaveLength(events.length);

    if (!probe.other) return;
    const other = probe.other(ids);
    const reused = await send(other.method, other.url, other.body, key);
    expect(reused.statusCode, reused.body).toBe(422);
    expect(await probe.state(ids)).toEqual(afterFirst);
    expect(await eventsAfter(before)).toHaveLength(events.length);
  });
});

describe('POST /lots/holds/release, which commits once per lot: a retry after a partial failure, and concurrent duplicates', () => {
  it('a retry with the key after a failure half-way releases the lots left and answers; each lot changes once, with one event; the next retry replays', async () => {
    const org = randomUUID();
    const lots = [await lot({ organizationId: org, held: true }), await lot({ organizationId: org, held: true }), await lot({ organizationId: org, held: true })];
    // The release of the second lot fails (a trigger), after or before the others were committed one by one.
    await db.database.exec(`
      CREATE TABLE IF NOT EXISTS probe_failing_lots (id uuid PRIMARY KEY);
      CREATE OR REPLACE FUNCTION probe_fail_release() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM probe_failing_lots WHERE id = NEW.id) THEN RAISE EXCEPTION 'release of % failed', NEW.id; END IF;
        RETURN NEW;
      END $$;
      DROP TRIGGER IF EXISTS probe_fail_release ON stock_lots;
      CREATE TRIGGER probe_fail_release BEFORE UPDATE ON stock_lots FOR EACH ROW EXECUTE FUNCTION probe_fail_release();
    `);
    await rows('INSERT INTO probe_failing_lots (id) VALUES ($1)', [lots[1]]);
    const key = randomUUID();
    const before = await lastOutboxId();
    const failed = await send('POST', `/lots/holds/release?organizationId=${org}`, {}, key);
    expect(failed.statusCode, failed.body).toBe(500);
    expect((await lotRow(lots[1]!))!.reserved).toBe(5);
    const doneBefore = (await eventsAfter(before)).map((e) => e.aggregate_id);

    await rows('DELETE FROM probe_failing_lots');
    const retry = await send('POST', `/lots/holds/release?organizationId=${org}`, {}, key);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual({ released: 3 - doneBefore.length });
    for (const id of lots) expect(await lotRow(id)).toMatchObject({ reserved: 0, hold_until: null });
    expect((await eventsAfter(before)).map((e) => e.aggregate_id).sort()).toEqual([...lots].sort());

    const again = await send('POST', `/lots/holds/release?organizationId=${org}`, {}, key);
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(retry.body);
    expect(await eventsAfter(before)).toHaveLength(3);
    await db.database.exec('DROP TRIGGER probe_fail_release ON stock_lots');
  });

  it('five concurrent requests with one key: every lot released once with one event, and one answer for all', async () => {
    const org = randomUUID();
    const lots = [await lot({ organizationId: org, held: true }), await lot({ organizationId: org, held: true })];
    const key = randomUUID();
    const before = await lastOutboxId();
    const answers = await Promise.all(Array.from({ length: 5 }, () => send('POST', `/lots/holds/release?organizationId=${org}`, {}, key)));
    const ok = answers.filter((res) => res.statusCode === 200);
    // Each waits for the one holding the key, then replays its answer (or is told it is in flight).
    expect(answers.every((res) => res.statusCode === 200 || res.statusCode === 409), answers.map((res) => `${res.statusCode} ${res.body}`).join('\n')).toBe(true);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((res) => res.body)).size).toBe(1);
    expect((await eventsAfter(before)).map((e) => e.aggregate_id).sort()).toEqual([...lots].sort());
    const replay = await send('POST', `/lots/holds/release?organizationId=${org}`, {}, key);
    expect(replay.body).toBe(ok[0]!.body);
  });
});
