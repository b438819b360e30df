import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { bootstrapAdministrator, createAccount, createOrganization, type Account, type Inject } from '../support/auth.js';
import { TestWebSocketClient } from '../support/ws-client.js';
import { waitFor } from '../support/servers.js';

/**
 * WebSocket impostors, against the real runtime (its HTTP server, /ws, relay and event dispatch): a client is who its
 * session token says — not what its query string or headers claim — and hears its own organisation only.
 */
let db: TestDatabase;
let runtime: Runtime;
let wsUrl: string;
let inject: Inject;
let admin: Account;
let orgA: string;
let orgB: string;
let memberA: Account;
let memberB: Account;
const clients: TestWebSocketClient[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  runtime = await createRuntime({
    database: db.database,
    env: {}, // the embedded stand-ins, whatever this shell has set
    port: 0,
    host: '127.0.0.1',
    setupToken: 'websocket-security-setup',
    relay: { pollIntervalMs: 20 },
    // Sessions are checked again this often (a minute by default), so that the test below need not wait long.
    websocket: { sessionRecheckMs: 50 },
  });
  ({ wsUrl } = await runtime.start());
  inject = (request) => runtime.app.inject(request);
  admin = await bootstrapAdministrator(inject, 'websocket-security-setup');
  orgA = await createOrganization(inject, admin.token, 'WS A');
  orgB = await createOrganization(inject, admin.token, 'WS B');
  memberA = await createAccount(inject, admin.token, { organizationId: orgA, roles: ['admin'] });
  memberB = await createAccount(inject, admin.token, { organizationId: orgB, roles: ['admin'] });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await runtime?.stop();
  await db?.close();
});

async function connect(url: string, headers: Record<string, string> = {}, protocols?: string[]): Promise<TestWebSocketClient> {
  const client = await TestWebSocketClient.connect(url, { headers }, protocols);
  clients.push(client);
  return client;
}
const bearer = (account: Account) => ({ authorization: `Bearer ${account.token}` });

/** What a connection attempt is answered: the refused upgrade's status. */
const refusal = (url: string, headers: Record<string, string> = {}, protocols?: string[]) =>
  connect(url, headers, protocols).then(
    () => 'connected',
    (error: { statusCode?: number }) => error.statusCode,
  );

describe('WebSocket authentication', () => {
  it('refuses (401) a client without a valid session: none, claimed in the query or headers, forged, logged out', async () => {
    const leaver = await createAccount(inject, admin.token, { organizationId: orgA });
    await inject({ method: 'POST', url: '/auth/logout', headers: bearer(leaver) });
    const before = runtime.ws.connectionCount;

    expect(await refusal(wsUrl)).toBe(401);
    expect(await refusal(`${wsUrl}?userId=${memberA.userId}&organizationId=${orgA}`)).toBe(401);
    expect(await refusal(wsUrl, { 'x-user-id': memberA.userId, 'x-organization-id': orgA })).toBe(401);
    expect(await refusal(wsUrl, { authorization: `Bearer ${'A'.repeat(43)}${'B'.repeat(43)}` })).toBe(401);
    expect(await refusal(wsUrl, bearer(leaver))).toBe(401);
    expect(await refusal(wsUrl, {}, ['bearer', 'not-a-token'])).toBe(401);
    expect(runtime.ws.connectionCount).toBe(before);
  });

  it('closes a connection (1008) once its session ends', async () => {
    const leaving = await createAccount(inject, admin.token, { organizationId: orgA });
    const client = await connect(wsUrl, bearer(leaving));
    expect((await inject({ method: 'POST', url: '/auth/logout', headers: bearer(leaving) })).statusCode).toBe(204);
    expect(await client.waitForClose()).toBe(1008);
  });

  it('takes the identity from the session, whatever the query string claims', async () => {
    const client = await connect(`${wsUrl}?userId=${memberA.userId}&organizationId=${orgA}`, bearer(memberB));
    expect(client.received[0]).toMatchObject({ type: 'CONNECT', data: { userId: memberB.userId, organizationId: orgB } });
  });

  it('accepts the token as the subprotocols "bearer, <token>" (browsers), answering "bearer" only', async () => {
    const client = await connect(wsUrl, {}, ['bearer', memberA.token]);
    expect(client.socket.protocol).toBe('bearer');
    expect(client.received[0]).toMatchObject({ type: 'CONNECT', data: { userId: memberA.userId, organizationId: orgA } });
  });
});

describe('a WebSocket impostor receives nothing', () => {
  it("another organisation's member, even asking for A's channels, hears none of A's events; A's member hears them", async () => {
    const insider = await connect(wsUrl, bearer(memberA));
    const impostor = await connect(`${wsUrl}?organizationId=${orgA}`, bearer(memberB));
    const platform = await connect(wsUrl, bearer(admin));
    for (const channel of [`org:${orgA}`, `org:${orgA}:requirements`, `user:${memberA.userId}`]) {
      impostor.send({ type: 'SUBSCRIBE', channel });
      await impostor.next((m) => m.type === 'ERROR' && (m.data as { channel?: string }).channel === channel);
    }
    insider.send({ type: 'SUBSCRIBE', channel: `org:${orgA}:requirements` });
    await insider.next((m) => m.type === 'SUBSCRIBE');

    // A's desk publishes a requirement through HTTP: a channel push, an organisation push, and the outbox event the
    // relay carries to the organisation's clients.
    const asA = { ...bearer(memberA), 'content-type': 'application/json' };
    const partner = (await inject({ method: 'POST', url: '/partners', headers: asA, payload: { partnerType: 'buyer', legalName: 'Buyer A', pan: 'AAACW1234W' } })).json();
    const requirement = (
      await inject({
        method: 'POST',
        url: '/requirements',
        headers: asA,
        payload: { buyerPartnerId: partner.id, commodityCode: 'COTTON', quantity: 10, unit: 'BALES', maxPricePerUnit: 100, deliveryLocation: 'Surat', deliveryStateCode: 'GJ' },
      })
    ).json();
    expect((await inject({ method: 'POST', url: `/requirements/${requirement.id}/publish`, headers: asA, payload: {} })).statusCode).toBe(200);

    await insider.next((m) => m.type === 'REQUIREMENT_CREATED');
    await waitFor(() => insider.ofType('REQUIREMENT_PUBLISHED').length >= 2, 'the push and the relayed outbox event');
    // Whatever reached A's member has had time to reach everyone else: a heartbeat round trip on each socket.
    for (const client of [impostor, platform]) {
      client.send({ type: 'HEARTBEAT' });
      await client.next((m) => m.type === 'PONG');
    }
    const heard = (client: TestWebSocketClient) => client.received.map((m) => m.type).filter((t) => !['CONNECT', 'ERROR', 'PONG'].includes(t));
    expect(heard(impostor)).toEqual([]);
    expect(heard(platform)).toEqual([]);
    expect(JSON.stringify(impostor.received)).not.toContain(requirement.id);
  });
});
