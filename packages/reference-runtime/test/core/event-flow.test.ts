import { createHmac } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DbSession } from '../../src/db/session.js';
import type { Database } from '../../src/db/database.js';
import { OutboxRepository } from '../../src/core/outbox/outbox.repository.js';
import { createRuntime, type Runtime, type RuntimeConfig } from '../../src/runtime.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { describeWithRedis, redisUrl, uniquePrefix, waitFor } from '../support/servers.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';
import { TestWebSocketClient } from '../support/ws-client.js';
import { bootstrapAdministrator, createAccount, createOrganization, type Account, type Inject } from '../support/auth.js';

/**
 * The people of these tests, made through a runtime's HTTP API on the shared database: the platform administrator
 * (first-run setup, once per database) and, per organisation name, a new organisation with an administrator of its own,
 * whose session token is how its WebSocket clients and webhook calls say who they are.
 */
function directory(setupToken: string) {
  let admin: Account | undefined;
  const members = new Map<string, Account>();
  return async (inject: Inject, organization: string): Promise<Account> => {
    admin ??= await bootstrapAdministrator(inject, setupToken);
    let member = members.get(organization);
    if (!member) {
      const organizationId = await createOrganization(inject, admin.token, organization);
      members.set(organization, (member = await createAccount(inject, admin.token, { organizationId, roles: ['admin'] })));
    }
    return member;
  };
}

const SETUP_TOKEN = 'event-flow-setup-token';
const bearer = (account: Account) => ({ authorization: `Bearer ${account.token}` });

/** What a compliant service does: business write and outbox event in one transaction, then commit. */
async function publishRequirement(database: Database, organizationId: string, requirementId: string): Promise<string> {
  const db = new DbSession(database);
  const eventId = await new OutboxRepository(db).addEvent({
    eventType: 'trade_desk.requirement_published',
    aggregateType: 'requirement',
    aggregateId: requirementId,
    organizationId,
    payload: { requirementId, commodity: 'cotton', quantity: 250, unit: 'bales' },
  });
  await db.commit();
  return eventId;
}

function expectSignedBy(secret: string, request: ReceivedWebhook): void {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64');
  expect(request.headers['webhook-signature']).toBe(`v1,${expected}`);
}

describe('the event flow: outbox → relay → broker → WebSocket and webhooks', () => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  const runtimes: Runtime[] = [];
  const clients: TestWebSocketClient[] = [];

  const start = async (config: RuntimeConfig = {}) => {
    const runtime = await createRuntime({
      database: db.database,
      env: {}, // the embedded stand-ins, whatever this shell has set
      port: 0,
      host: '127.0.0.1',
      webhooks: { egress: { allowLoopback: true }, pollIntervalMs: 20, onError: () => undefined },
      setupToken: SETUP_TOKEN,
      ...config,
    });
    runtimes.push(runtime);
    return { runtime, address: await runtime.start() };
  };
  const people = directory(SETUP_TOKEN);
  /** The administrator of `organization`, made through `runtime`'s API the first time it is asked for. */
  const member = (runtime: Runtime, organization: string) => people((request) => runtime.app.inject(request), organization);
  const connect = async (wsUrl: string, account: Account) => {
    const client = await TestWebSocketClient.connect(wsUrl, { headers: bearer(account) });
    clients.push(client);
    return client;
  };
  const subscribe = async (url: string, account: Account, webhookUrl: string) => {
    const res = await fetch(`${url}/webhooks/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(account) },
      body: JSON.stringify({ url: webhookUrl, eventTypes: ['trade_desk.*'] }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string };
  };

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const runtime of runtimes.splice(0)) await runtime.stop();
    await receiver?.close();
    await db.database.exec('DELETE FROM webhook_subscriptions; DELETE FROM outbox;');
  });
  afterAll(async () => db.close());

  it('pushes a committed event to the organisation’s WebSocket clients and a signed webhook (relay.runOnce)', async () => {
    receiver = await startWebhookReceiver();
    // The relay's own loop polls once at start, then sleeps: the test drives it with runOnce.
    const { runtime, address } = await start({ relay: { pollIntervalMs: 60_000 } });
    const cotton = await member(runtime, 'org-cotton');
    const other = await member(runtime, 'org-other');
    const organizationId = cotton.organizationId!;
    const client = await connect(address.wsUrl, cotton);
    const outsider = await connect(address.wsUrl, other);
    const subscription = await subscribe(address.url, cotton, receiver.url('/erp'));

    const eventId = await publishRequirement(runtime.database, organizationId, 'req-77');
    // Other operations of the setup may have added events of their own: the one under test is among those published.
    const run = await runtime.relay.runOnce();
    expect(run.claimed).toBeGreaterThanOrEqual(1);
    expect(run.published).toBe(run.claimed);

    const pushed = await client.next((m) => m.type === 'REQUIREMENT_PUBLISHED');
    expect(pushed).toMatchObject({
      eventId,
      data: {
        eventType: 'trade_desk.requirement_published',
        aggregateType: 'requirement',
        aggregateId: 'req-77',
        payload: { requirementId: 'req-77', commodity: 'cotton', quantity: 250, unit: 'bales' },
      },
    });
    await waitFor(() => receiver.received.length === 1, 'the webhook');
    const [webhook] = receiver.received;
    expect(webhook!.path).toBe('/erp');
    expectSignedBy(subscription.secret, webhook!);
    expect(JSON.parse(webhook!.body)).toMatchObject({ type: 'trade_desk.requirement_published', eventId, data: { requirementId: 'req-77' } });
    expect(outsider.received.map((m) => m.type)).toEqual(['CONNECT']);
    const [delivery] = await runtime.webhooks.listDeliveries(organizationId);
    await waitFor(async () => (await runtime.webhooks.getDelivery(organizationId, delivery!.id)).status === 'SUCCESS', 'SUCCESS');
  });

  it('does all of it by itself once started', async () => {
    receiver = await startWebhookReceiver();
    const { runtime, address } = await start({ relay: { pollIntervalMs: 20 } });
    const rice = await member(runtime, 'org-rice');
    const client = await connect(address.wsUrl, rice);
    const subscription = await subscribe(address.url, rice, receiver.url());

    const first = await publishRequirement(runtime.database, rice.organizationId!, 'req-1');
    const second = await publishRequirement(runtime.database, rice.organizationId!, 'req-1');

    await waitFor(() => client.ofType('REQUIREMENT_PUBLISHED').length === 2, 'both pushes');
    expect(client.ofType('REQUIREMENT_PUBLISHED').map((m) => m.eventId)).toEqual([first, second]);
    await waitFor(() => receiver.received.length === 2, 'both webhooks');
    for (const request of receiver.received) expectSignedBy(subscription.secret, request);
    expect(await db.database.query("SELECT 1 FROM outbox WHERE status = 'pending'").then((r) => r.rows)).toEqual([]);
  });

  it('answers /health and stops cleanly, closing WebSockets with 1001', async () => {
    const { runtime, address } = await start();
    const health = await fetch(`${address.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const client = await connect(address.wsUrl, await member(runtime, 'org'));
    await runtime.stop();
    runtimes.splice(runtimes.indexOf(runtime), 1);
    expect(await client.waitForClose()).toBe(1001);
    await expect(fetch(`${address.url}/health`)).rejects.toThrow();
  });
});

describeWithRedis('the event flow across two nodes over Redis', () => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  let admin: Redis;
  const runtimes: Runtime[] = [];
  const clients: TestWebSocketClient[] = [];

  beforeAll(async () => {
    db = await openTestDatabase();
    admin = new Redis(redisUrl());
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const runtime of runtimes) await runtime.stop();
    await receiver?.close();
    await db.close();
    await admin.quit();
  });

  it('relays on one node and reaches clients on both, with one webhook delivery', async () => {
    receiver = await startWebhookReceiver();
    const namespace = uniquePrefix('runtime');
    const node = async () => {
      const runtime = await createRuntime({
        database: db.database,
        env: {},
        redisUrl: redisUrl(),
        redisNamespace: namespace,
        port: 0,
        relay: { pollIntervalMs: 20 },
        webhooks: { egress: { allowLoopback: true }, pollIntervalMs: 20, onError: () => undefined },
        setupToken: SETUP_TOKEN,
      });
      runtimes.push(runtime);
      return { runtime, address: await runtime.start() };
    };
    const a = await node();
    const b = await node();
    // One account of org-wheat, signed in through node A, connected to both nodes: the session lives in the database.
    const wheat = await directory(SETUP_TOKEN)((request) => a.runtime.app.inject(request), 'org-wheat');
    const onA = await TestWebSocketClient.connect(a.address.wsUrl, { headers: bearer(wheat) });
    const onB = await TestWebSocketClient.connect(b.address.wsUrl, { headers: bearer(wheat) });
    clients.push(onA, onB);
    const organizationId = wheat.organizationId!;
    const created = await a.runtime.webhooks.createSubscription({ organizationId, url: receiver.url(), eventTypes: ['*'] });

    const eventId = await publishRequirement(db.database, organizationId, 'req-wheat-1');

    for (const client of [onA, onB]) {
      const pushed = await client.next((m) => m.type === 'REQUIREMENT_PUBLISHED');
      expect(pushed.eventId).toBe(eventId);
    }
    await waitFor(() => receiver.received.length === 1, 'the webhook');
    expectSignedBy(created.secret, receiver.received[0]!);
    expect(await admin.xlen(`${namespace}:outbox-events`)).toBe(1);
    expect(onA.ofType('REQUIREMENT_PUBLISHED')).toHaveLength(1);
    expect(onB.ofType('REQUIREMENT_PUBLISHED')).toHaveLength(1);

    for (const runtime of runtimes.splice(0)) await runtime.stop();
    await admin.del(`${namespace}:outbox-events`, `${namespace}:outbox-events:dead`);
  });
});
