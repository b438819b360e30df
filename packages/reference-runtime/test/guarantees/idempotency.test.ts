import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../../src/app.js';
import type { Database } from '../../src/db/database.js';
import { DbSession } from '../../src/db/session.js';
import { InProcessBroker } from '../../src/core/broker/broker.js';
import {
  hashRequest,
  IdempotencyStore,
  idempotencyError,
  idempotencyScope,
} from '../../src/core/idempotency/idempotency-store.js';
import { OutboxRepository } from '../../src/core/outbox/outbox.repository.js';
import { MemoryRedis } from '../../src/core/redis/client.js';
import { WebhookManager } from '../../src/core/webhooks/manager.js';
import { ConnectionManager } from '../../src/core/websocket/manager.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { PATIENCE_MS } from '../support/servers.js';

/**
 * Guarantee 1 (DESIGN.md): an idempotency key is claimed in the same transaction as the business row and the outbox
 * row. The legacy operations do not use the store yet (the codemods wire it in), so the HTTP half runs against a
 * test-only route on the real app — its Fastify instance, its per-request DbSession and error handler, its database —
 * that uses the store exactly as a migrated operation will: claim → business row → outbox row → complete → commit.
 */

const ORDERS_TABLE = 'CREATE TABLE guarantee_orders (id bigserial PRIMARY KEY, organization_id text NOT NULL, sku text NOT NULL, quantity integer NOT NULL)';

/** The body of a created order; its keys are NOT in jsonb's order (shorter keys first), which a replay must keep. */
const orderResponse = (id: string, organizationId: string, body: { sku: string; quantity: number }) => ({
  orderId: id,
  organizationId,
  sku: body.sku,
  quantity: body.quantity,
  status: 'created',
  createdAt: new Date().toISOString(),
});

/** The route under test. `x-test-crash`: `throw` fails after COMMIT, `drop` cuts the connection after COMMIT. */
function registerOrderRoute(app: FastifyInstance): void {
  app.post(
    '/guarantees/orders',
    {
      // A test-only route about the idempotency store, not about authentication: open, its tenant a test header.
      config: { policy: { access: 'public' } },
      schema: {
        body: {
          type: 'object',
          required: ['sku', 'quantity'],
          additionalProperties: false,
          properties: { sku: { type: 'string' }, quantity: { type: 'integer' } },
        },
      },
    },
    async (request, reply) => {
      const organizationId = String(request.headers['x-organization-id'] ?? '');
      const key = String(request.headers['idempotency-key'] ?? '');
      const body = request.body as { sku: string; quantity: number };
      const { db } = request;
      const idempotency = new IdempotencyStore(db, { wait: request.headers['x-test-wait'] !== 'no' });
      const scope = idempotencyScope(organizationId, 'guarantees.create_order');
      const claim = await idempotency.begin(scope, key, hashRequest('POST', '/guarantees/orders', body));
      if (claim.state === 'replay') return reply.status(claim.status).header('idempotent-replayed', 'true').send(claim.body);
      if (claim.state !== 'claimed') throw idempotencyError(claim);

      const { rows } = await db.execute<{ id: string }>(
        'INSERT INTO guarantee_orders (organization_id, sku, quantity) VALUES ($1, $2, $3) RETURNING id::text',
        [organizationId, body.sku, body.quantity],
      );
      const result = orderResponse(rows[0]!.id, organizationId, body);
      await new OutboxRepository(db).addEvent({
        eventType: 'guarantees.order_created',
        aggregateType: 'guarantee_order',
        aggregateId: rows[0]!.id,
        organizationId,
        payload: result,
      });
      await idempotency.complete(scope, key, 201, result);
      await db.commit();

      // The process "dies" after COMMIT, before the response leaves.
      if (request.headers['x-test-crash'] === 'throw') throw new Error('crashed after commit');
      if (request.headers['x-test-crash'] === 'drop') {
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      return reply.status(201).send(result);
    },
  );
}

describe('idempotency guarantees (store and HTTP)', () => {
  let testDb: TestDatabase;
  let database: Database;
  let app: FastifyInstance;
  let deps: AppDeps;

  beforeAll(async () => {
    testDb = await openTestDatabase({ poolSize: 20 });
    database = testDb.database;
    await database.exec(ORDERS_TABLE);
    deps = {
      database,
      redis: new MemoryRedis(),
      broker: new InProcessBroker(),
      ws: new ConnectionManager(),
      webhooks: new WebhookManager({ database }),
    };
    app = await buildApp(deps);
    registerOrderRoute(app);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await deps?.ws.close();
    await testDb?.close();
  });
  beforeEach(async () => {
    await database.exec('DELETE FROM guarantee_orders; DELETE FROM outbox; DELETE FROM idempotency_keys;');
  });

  const post = (organizationId: string, key: string, body: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/guarantees/orders',
      headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-organization-id': organizationId, ...headers },
      payload: JSON.stringify(body),
    });
  const count = async (table: string, where = 'true', params: unknown[] = []) =>
    Number((await database.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`, params)).rows[0]!.n);

  it('store: 100 concurrent claims of one key make 1 business row and 1 outbox row; the rest replay', async () => {
    const scope = idempotencyScope('org-a', 'guarantees.store');
    const key = randomUUID();
    const attempt = async () => {
      const db = new DbSession(database);
      try {
        const store = new IdempotencyStore(db);
        const claim = await store.begin(scope, key, hashRequest('POST', '/store', { sku: 'cotton', quantity: 1 }));
        if (claim.state === 'replay') return { state: 'replay', body: JSON.stringify(claim.body) };
        if (claim.state !== 'claimed') return { state: claim.state, body: '' };
        const { rows } = await db.execute<{ id: string }>(
          "INSERT INTO guarantee_orders (organization_id, sku, quantity) VALUES ('org-a', 'cotton', 1) RETURNING id::text",
        );
        const result = orderResponse(rows[0]!.id, 'org-a', { sku: 'cotton', quantity: 1 });
        await new OutboxRepository(db).addEvent({
          eventType: 'guarantees.order_created',
          aggregateType: 'guarantee_order',
          aggregateId: rows[0]!.id,
          payload: result,
        });
        await store.complete(scope, key, 201, result);
        await db.commit();
        return { state: 'claimed', body: JSON.stringify(result) };
      } finally {
        await db.close();
      }
    };
    const results = await Promise.all(Array.from({ length: 100 }, attempt));

    expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
    const original = results.find((r) => r.state === 'claimed')!.body;
    // With wait (the default) nobody is told 409: each duplicate waits for the claimer and replays its response.
    for (const r of results.filter((r) => r.state !== 'claimed')) expect(r).toEqual({ state: 'replay', body: original });
    expect(await count('guarantee_orders')).toBe(1);
    expect(await count('outbox', "event_type = 'guarantees.order_created'")).toBe(1);
  });

  it.each([
    ['waiting for the claimer', 'yes'],
    ['answering 409 at once', 'no'],
  ])(
    'HTTP: 100 concurrent requests with one key and one body (%s) → 1 order, 1 outbox row; the other 99 replay byte for byte or get 409; a 101st replays',
    async (mode, wait) => {
      const key = randomUUID();
      const body = { sku: 'cotton-29mm', quantity: 120 };
      const responses = await Promise.all(Array.from({ length: 100 }, () => post('org-a', key, body, { 'x-test-wait': wait })));

      const created = responses.filter((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined);
      expect(created).toHaveLength(1);
      const original = created[0]!.body;
      const others = responses.filter((r) => r !== created[0]);
      for (const r of others) {
        expect([201, 409], r.body).toContain(r.statusCode);
        if (r.statusCode === 201) expect(r.body).toBe(original); // byte-identical, key order included
        else expect(r.json()).toMatchObject({ error: 'idempotency_in_flight' });
      }
      if (wait === 'yes') expect(others.every((r) => r.statusCode === 201)).toBe(true);
      console.info(
        `[guarantees] idempotency HTTP (${mode}): 1 created, ${others.filter((r) => r.statusCode === 201).length} byte-identical replays, ` +
          `${others.filter((r) => r.statusCode === 409).length} × 409`,
      );
      expect(await count('guarantee_orders')).toBe(1);
      expect(await count('outbox', "event_type = 'guarantees.order_created'")).toBe(1);

      const late = await post('org-a', key, body);
      expect(late.statusCode).toBe(201);
      expect(late.headers['idempotent-replayed']).toBe('true');
      expect(late.body).toBe(original);
      expect(await count('guarantee_orders')).toBe(1);
      expect(await count('outbox')).toBe(1);
    },
  );

  it('HTTP: the same key with a different body is 422 and writes no row', async () => {
    const key = randomUUID();
    expect((await post('org-a', key, { sku: 'cotton', quantity: 10 })).statusCode).toBe(201);
    const reused = await post('org-a', key, { sku: 'cotton', quantity: 11 });
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ error: 'idempotency_key_reused' });
    expect(await count('guarantee_orders')).toBe(1);
    expect(await count('guarantee_orders', 'quantity = 11')).toBe(0);
    expect(await count('outbox')).toBe(1);
    // A reused key on a first request (nothing stored yet for it in this scope) is simply a new operation.
    const fresh = await post('org-a', randomUUID(), { sku: 'cotton', quantity: 11 });
    expect(fresh.statusCode).toBe(201);
  });

  it('HTTP: keys are scoped per organisation — the same key from two organisations makes two operations', async () => {
    const key = randomUUID();
    const body = { sku: 'wheat', quantity: 5 };
    const [a, b] = await Promise.all([post('org-a', key, body), post('org-b', key, body)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.headers['idempotent-replayed']).toBeUndefined();
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.json().orderId).not.toBe(b.json().orderId);
    expect(await count('guarantee_orders', "organization_id = 'org-a'")).toBe(1);
    expect(await count('guarantee_orders', "organization_id = 'org-b'")).toBe(1);
    expect(await count('outbox')).toBe(2);
    expect(await count('idempotency_keys', 'key = $1', [key])).toBe(2);
  });

  it('HTTP: a process that dies after COMMIT and before answering — the retry gets the stored response, still 1 row', async () => {
    const key = randomUUID();
    const body = { sku: 'maize', quantity: 7 };
    const crashed = await post('org-a', key, body, { 'x-test-crash': 'throw' });
    expect(crashed.statusCode).toBe(500); // the client never saw the result
    expect(await count('guarantee_orders')).toBe(1);

    const retry = await post('org-a', key, body);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const stored = (await database.query<{ text: string }>("SELECT response_body #>> '{}' AS text FROM idempotency_keys WHERE key = $1", [key])).rows[0]!.text;
    expect(retry.body).toBe(stored);
    expect(retry.json()).toMatchObject({ sku: 'maize', quantity: 7, organizationId: 'org-a' });
    expect(await count('guarantee_orders')).toBe(1);
    expect(await count('outbox')).toBe(1);
  });

  it('HTTP over a socket: the connection drops after COMMIT — the retry gets the stored response, still 1 row', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' }).then(() => app.server.address() as AddressInfo);
    try {
      const key = randomUUID();
      const payload = JSON.stringify({ sku: 'soy', quantity: 3 });
      const send = (crash: boolean) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port: address.port,
              path: '/guarantees/orders',
              method: 'POST',
              agent: false,
              timeout: PATIENCE_MS, // a hang fails the test with 'timed out' rather than at the test's own timeout
              headers: {
                'content-type': 'application/json',
                'idempotency-key': key,
                'x-organization-id': 'org-a',
                ...(crash ? { 'x-test-crash': 'drop' } : {}),
              },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            },
          );
          req.on('timeout', () => req.destroy(new Error('timed out')));
          req.on('error', reject);
          req.end(payload);
        });

      await expect(send(true)).rejects.toThrow(/socket hang up|ECONNRESET/);
      expect(await count('guarantee_orders')).toBe(1);
      const retry = await send(false);
      expect(retry.status).toBe(201);
      expect(JSON.parse(retry.body)).toMatchObject({ sku: 'soy', quantity: 3 });
      expect(await count('guarantee_orders')).toBe(1);
      expect(await count('outbox')).toBe(1);
    } finally {
      await app.server.close();
    }
  });

  it('replays keep the exact bytes of the first response (jsonb would reorder the keys)', async () => {
    const key = randomUUID();
    const first: LightMyRequestResponse = await post('org-a', key, { sku: 'jute', quantity: 2 });
    expect(Object.keys(first.json())).toEqual(['orderId', 'organizationId', 'sku', 'quantity', 'status', 'createdAt']);
    const again = await post('org-a', key, { quantity: 2, sku: 'jute' }); // same body, keys in another order
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
  });
});
