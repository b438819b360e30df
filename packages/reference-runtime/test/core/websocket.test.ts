import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryRedis } from '../../src/core/redis/client.js';
import { createPubSub, type PubSub } from '../../src/core/redis/pubsub.js';
import { claimedIdentity, ConnectionManager } from '../../src/core/websocket/manager.js';
import { WebSocketEventType, toWebSocketEventType } from '../../src/core/websocket/events.js';
import { describeWithRedis, redisUrl, sleep, uniquePrefix, waitFor } from '../support/servers.js';
import { TestWebSocketClient } from '../support/ws-client.js';

/**
 * A manager served on a loopback HTTP server, as the runtime serves it on Fastify's — but taking the client's claimed
 * identity, so these tests exercise the manager alone (the runtime's token check: test/security/websocket.test.ts).
 */
async function serve(manager: ConnectionManager) {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  manager.attach(server, { authenticate: claimedIdentity });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clients: TestWebSocketClient[] = [];
  return {
    url: (query = '') => `ws://127.0.0.1:${port}/ws${query}`,
    client: async (userId: string, organizationId: string) => {
      const client = await TestWebSocketClient.connect(`ws://127.0.0.1:${port}/ws?userId=${userId}&organizationId=${organizationId}`);
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await manager.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type Served = Awaited<ReturnType<typeof serve>>;

describe('WebSocket event types', () => {
  it('has the seed event types', () => {
    expect(Object.keys(WebSocketEventType)).toEqual([
      'CONNECT', 'DISCONNECT', 'SUBSCRIBE', 'UNSUBSCRIBE', 'MESSAGE', 'BROADCAST', 'HEARTBEAT', 'PONG', 'ERROR',
      'TRADE_UPDATE', 'PRICE_UPDATE', 'ORDER_UPDATE', 'NOTIFICATION',
      'REQUIREMENT_CREATED', 'REQUIREMENT_PUBLISHED', 'REQUIREMENT_UPDATED', 'REQUIREMENT_FULFILLMENT_UPDATED',
      'REQUIREMENT_FULFILLED', 'REQUIREMENT_CANCELLED', 'REQUIREMENT_AI_ADJUSTED', 'REQUIREMENT_RISK_ALERT',
    ]);
  });

  it.each([
    ['requirement.published', 'REQUIREMENT_PUBLISHED'],
    ['trade_desk.requirement_published', 'REQUIREMENT_PUBLISHED'],
    ['requirement.fulfillment_updated', 'REQUIREMENT_FULFILLMENT_UPDATED'],
    ['trade_desk.requirement.cancelled', 'REQUIREMENT_CANCELLED'],
    ['risk.requirement_risk_alert', 'REQUIREMENT_RISK_ALERT'],
    ['requirement.reopened', 'REQUIREMENT_UPDATED'],
    ['trade.executed', 'TRADE_UPDATE'],
    ['orders.order_filled', 'ORDER_UPDATE'],
    ['partners.partner_approved', 'NOTIFICATION'],
    ['system.connect', 'NOTIFICATION'],
  ])('maps the outbox event %s to %s', (eventType, expected) => {
    expect(toWebSocketEventType(eventType)).toBe(expected);
  });
});

describe('ConnectionManager', () => {
  let manager: ConnectionManager;
  let served: Served;

  beforeAll(async () => {
    manager = new ConnectionManager();
    served = await serve(manager);
  });
  afterAll(async () => served.close());

  it('is constructible with no arguments and sends without clients', async () => {
    const bare = new ConnectionManager();
    await bare.broadcastToOrganization('org-1', { type: 'NOTIFICATION' });
    await bare.broadcastToChannel('org:org-1', { type: 'NOTIFICATION' });
    await bare.sendPersonalMessage('u-1', { type: 'NOTIFICATION' });
    await bare.close();
  });

  it('greets a connection with CONNECT and tracks it per user until it closes', async () => {
    const tab1 = await served.client('alice', 'org-a');
    const tab2 = await served.client('alice', 'org-a');
    const hello = tab1.ofType('CONNECT')[0]!;
    expect(hello.data).toMatchObject({ userId: 'alice', organizationId: 'org-a' });
    expect(manager.userConnectionIds('alice')).toHaveLength(2);
    expect(manager.userConnectionIds('alice')).toContain((hello.data as { connectionId: string }).connectionId);

    await tab1.close();
    await waitFor(() => manager.userConnectionIds('alice').length === 1, 'the closed tab to be forgotten');
    await tab2.close();
    await waitFor(() => manager.connectionCount === 0, 'no connections');
  });

  it('refuses an upgrade without a user and an organisation (401), and serves only /ws', async () => {
    await expect(TestWebSocketClient.connect(served.url('?userId=bob'))).rejects.toMatchObject({ statusCode: 401 });
    await expect(TestWebSocketClient.connect(served.url('?userId=b%20b&organizationId=o'))).rejects.toMatchObject({ statusCode: 401 });
    await expect(TestWebSocketClient.connect(served.url().replace('/ws', '/elsewhere'))).rejects.toMatchObject({ statusCode: 404 });
    const viaHeaders = await TestWebSocketClient.connect(served.url(), { headers: { 'x-user-id': 'bob', 'x-organization-id': 'org-b' } });
    expect(viaHeaders.ofType('CONNECT')[0]!.data).toMatchObject({ userId: 'bob', organizationId: 'org-b' });
    await viaHeaders.close();
  });

  it('subscribes to a channel, receives its broadcasts, and stops after unsubscribing', async () => {
    const client = await served.client('carol', 'org-c');
    client.send({ type: 'SUBSCRIBE', channel: 'org:org-c:requirements' });
    await client.next((m) => m.type === 'SUBSCRIBE' && m.channel === 'org:org-c:requirements');
    expect(manager.channelSubscriberCount('org:org-c:requirements')).toBe(1);

    await manager.broadcastToChannel('org:org-c:requirements', { type: 'REQUIREMENT_PUBLISHED', data: { id: 'r-1' } });
    const update = await client.next((m) => m.type === 'REQUIREMENT_PUBLISHED');
    expect(update).toMatchObject({ channel: 'org:org-c:requirements', data: { id: 'r-1' } });
    expect(Date.parse(update.timestamp!)).not.toBeNaN();

    client.send({ type: 'UNSUBSCRIBE', channel: 'org:org-c:requirements' });
    await client.next((m) => m.type === 'UNSUBSCRIBE');
    await manager.broadcastToChannel('org:org-c:requirements', { type: 'REQUIREMENT_UPDATED' });
    await sleep(50);
    expect(client.ofType('REQUIREMENT_UPDATED')).toHaveLength(0);
    expect(manager.channelSubscriberCount('org:org-c:requirements')).toBe(0);
    await client.close();
  });

  it("keeps organisations apart: no subscribing to another's channels, no receiving its broadcasts", async () => {
    const mallory = await served.client('mallory', 'org-m');
    const dave = await served.client('dave', 'org-d');
    dave.send({ type: 'SUBSCRIBE', channel: 'org:org-d:risk' });
    await dave.next((m) => m.type === 'SUBSCRIBE');

    mallory.send({ type: 'SUBSCRIBE', channel: 'org:org-d:risk' });
    const denied = await mallory.next((m) => m.type === 'ERROR');
    expect(denied.data).toMatchObject({ code: 'subscribe_denied', channel: 'org:org-d:risk' });
    expect((denied.data as { message: string }).message).toContain('another organisation');
    mallory.send({ type: 'SUBSCRIBE', channel: 'user:dave' });
    await mallory.next((m) => m.type === 'ERROR' && (m.data as { message: string }).message.includes('another user'));

    await manager.broadcastToChannel('org:org-d:risk', { type: 'REQUIREMENT_RISK_ALERT', data: { level: 'high' } });
    await manager.broadcastToOrganization('org-d', { type: 'NOTIFICATION', data: { for: 'org-d' } });
    await dave.next((m) => m.type === 'REQUIREMENT_RISK_ALERT');
    await dave.next((m) => m.type === 'NOTIFICATION');
    await sleep(50);
    expect(mallory.received.filter((m) => m.type !== 'CONNECT' && m.type !== 'ERROR')).toEqual([]);
    expect(manager.channelsOf(manager.userConnectionIds('mallory')[0]!)).toEqual([]);
    await Promise.all([mallory.close(), dave.close()]);
  });

  it('sends a personal message to every connection of that user and no one else', async () => {
    const phone = await served.client('erin', 'org-e');
    const laptop = await served.client('erin', 'org-e');
    const colleague = await served.client('frank', 'org-e');

    await manager.sendPersonalMessage('erin', { type: 'NOTIFICATION', data: { text: 'credit limit raised' } });

    for (const client of [phone, laptop]) await client.next((m) => m.type === 'NOTIFICATION');
    await sleep(50);
    expect(colleague.ofType('NOTIFICATION')).toHaveLength(0);
    await Promise.all([phone, laptop, colleague].map((c) => c.close()));
  });

  it('answers HEARTBEAT with PONG and bad messages with ERROR', async () => {
    const client = await served.client('gina', 'org-g');
    client.send({ type: 'HEARTBEAT' });
    await client.next((m) => m.type === 'PONG');
    client.send('not json');
    await client.next((m) => m.type === 'ERROR' && (m.data as { code: string }).code === 'bad_message');
    client.send({ type: 'BROADCAST', data: 'to everyone' });
    await client.next((m) => m.type === 'ERROR' && (m.data as { code: string }).code === 'unsupported_type');
    client.send({ type: 'SUBSCRIBE', channel: 'bad channel!' });
    await client.next((m) => m.type === 'ERROR' && (m.data as { code: string }).code === 'subscribe_denied');
    await client.close();
  });

  it('closes every connection with 1001 on close()', async () => {
    const own = new ConnectionManager();
    const ownServed = await serve(own);
    const client = await ownServed.client('hank', 'org-h');
    await own.close();
    expect(await client.waitForClose()).toBe(1001);
    await ownServed.close();
  });

  it('close() waits for a session recheck still running, and never runs two at once for a connection', async () => {
    const own = new ConnectionManager({ sessionRecheckMs: 10 });
    const server: Server = createServer((_req, res) => res.writeHead(404).end());
    let calls = 0;
    let running = 0;
    let mostAtOnce = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    own.attach(server, {
      // The first call admits the connection; every recheck after it hangs until released, as a slow query would.
      authenticate: async (request, url) => {
        if (calls++ === 0) return claimedIdentity(request, url);
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await released;
        running--;
        return claimedIdentity(request, url);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const client = await TestWebSocketClient.connect(`ws://127.0.0.1:${port}/ws?userId=ivy&organizationId=org-i`);
    await waitFor(() => running === 1, 'a recheck to start');
    await sleep(60); // several more intervals pass while it hangs
    expect(calls).toBe(2);

    let closed = false;
    const closing = own.close().then(() => (closed = true));
    await sleep(30);
    expect(closed).toBe(false); // still waiting for the recheck
    release();
    await closing;
    expect(running).toBe(0);
    expect(mostAtOnce).toBe(1);
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('ConnectionManager keeping memory bounded', () => {
  it('drops a peer that stops answering pings, and keeps one that answers them', async () => {
    // Heartbeats are counted, not timed: the interval only has to leave the healthy client, in this same process, time
    // to answer a ping before the next heartbeat looks for its pong.
    const manager = new ConnectionManager({ heartbeatIntervalMs: 500 });
    const served = await serve(manager);
    const silent = await TestWebSocketClient.connect(served.url('?userId=ivan&organizationId=org-i'), { autoPong: false });
    const healthy = await served.client('judy', 'org-i');
    let pings = 0;
    healthy.socket.on('ping', () => pings++);

    await silent.waitForClose();
    expect(manager.userConnectionIds('ivan')).toEqual([]);
    // Two more heartbeats reach the healthy client: the second comes only if the first found its pong.
    const seen = pings;
    await waitFor(() => pings >= seen + 2, 'two more heartbeats for the healthy client');
    expect(manager.userConnectionIds('judy')).toHaveLength(1);
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    await served.close();
  });

  it('disconnects a client whose unsent backlog passes the limit instead of buffering for it', async () => {
    const manager = new ConnectionManager({ maxBufferedBytes: 64 * 1024 });
    // A socket whose peer has stopped reading: everything sent piles up in bufferedAmount.
    const stalled = Object.assign(new EventEmitter(), {
      readyState: WebSocket.OPEN,
      bufferedAmount: 0,
      send: vi.fn(function (this: { bufferedAmount: number }, frame: string) {
        this.bufferedAmount += frame.length;
      }),
      terminate: vi.fn(),
      close: vi.fn(),
      ping: vi.fn(),
    });
    manager.connect(stalled as unknown as WebSocket, { userId: 'slow', organizationId: 'org-s' });
    const served = await serve(manager);
    const reader = await served.client('fast', 'org-s');

    const payload = 'x'.repeat(10_000);
    for (let i = 0; i < 20; i++) await manager.broadcastToOrganization('org-s', { type: 'PRICE_UPDATE', data: { i, payload } });

    expect(stalled.terminate).toHaveBeenCalledOnce();
    expect(stalled.bufferedAmount).toBeLessThanOrEqual(64 * 1024);
    expect(manager.userConnectionIds('slow')).toEqual([]);
    await waitFor(() => reader.ofType('PRICE_UPDATE').length === 20, 'all 20 updates on the healthy client');
    await served.close();
  });
});

/** Two nodes sharing a pub/sub: a send on either reaches the clients of both, once. */
function crossNodeSuite(makePubSub: () => { pubsub: PubSub; close: () => Promise<void> }) {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  const node = async (fanOutChannel: string) => {
    const { pubsub, close } = makePubSub();
    const manager = new ConnectionManager({ pubsub, fanOutChannel });
    await manager.ready();
    const served = await serve(manager);
    closers.push(close, () => served.close());
    return { manager, served };
  };

  it('fans organisation, channel and personal sends out to the other node, once each', async () => {
    const channel = uniquePrefix('ws');
    const a = await node(channel);
    const b = await node(channel);
    const onA = await a.served.client('kim', 'org-k');
    const onB = await b.served.client('lee', 'org-k');
    const otherOrgOnB = await b.served.client('max', 'org-x');
    onB.send({ type: 'SUBSCRIBE', channel: 'org:org-k:prices' });
    await onB.next((m) => m.type === 'SUBSCRIBE');

    await a.manager.broadcastToOrganization('org-k', { type: 'TRADE_UPDATE', eventId: 'e-1', data: { tradeId: 't-1' } });
    await a.manager.broadcastToChannel('org:org-k:prices', { type: 'PRICE_UPDATE', data: { cotton: 7200 } });
    await a.manager.sendPersonalMessage('lee', { type: 'NOTIFICATION', data: { text: 'hi lee' } });

    for (const client of [onA, onB]) await client.next((m) => m.type === 'TRADE_UPDATE');
    await onB.next((m) => m.type === 'PRICE_UPDATE' && m.channel === 'org:org-k:prices');
    await onB.next((m) => m.type === 'NOTIFICATION');
    await sleep(100);
    expect(onA.ofType('TRADE_UPDATE')).toHaveLength(1);
    expect(onB.ofType('TRADE_UPDATE')).toHaveLength(1);
    expect(onB.ofType('TRADE_UPDATE')[0]).toMatchObject({ eventId: 'e-1', data: { tradeId: 't-1' } });
    expect(onA.ofType('PRICE_UPDATE')).toHaveLength(0);
    expect(onA.ofType('NOTIFICATION')).toHaveLength(0);
    expect(otherOrgOnB.received.map((m) => m.type)).toEqual(['CONNECT']);
  });
}

describe('ConnectionManager across nodes over the in-process stand-in', () => {
  const redis = new MemoryRedis();
  crossNodeSuite(() => {
    const pubsub = createPubSub(redis);
    return { pubsub, close: () => pubsub.close() };
  });
});

describeWithRedis('ConnectionManager across nodes over Redis pub/sub', () => {
  crossNodeSuite(() => {
    const client = new Redis(redisUrl());
    const pubsub = createPubSub(client);
    return {
      pubsub,
      close: async () => {
        await pubsub.close();
        await client.quit();
      },
    };
  });
});
