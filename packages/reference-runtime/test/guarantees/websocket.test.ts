import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Redis } from 'ioredis';
import { WebSocket, WebSocketServer, type ClientOptions } from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPubSub } from '../../src/core/redis/pubsub.js';
import { ConnectionManager } from '../../src/core/websocket/manager.js';
import { describeWithRedis, redisUrl, sleep, uniquePrefix, waitFor } from '../support/servers.js';
import { TestWebSocketClient } from '../support/ws-client.js';

/**
 * Guarantee 5 (DESIGN.md): WebSocket subscriptions are authorised per channel, a broadcast on one node reaches the
 * subscribers of every node over Redis, dead peers are reaped by heartbeat, and a client that stops reading cannot
 * make the server buffer without bound.
 */

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A manager behind a loopback HTTP server; `accepted` holds the server side of each socket, for measuring. */
async function node(manager: ConnectionManager) {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const accepted = new Map<string, WebSocket>();
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket, request) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const identity = { userId: url.searchParams.get('userId')!, organizationId: url.searchParams.get('organizationId')! };
    accepted.set(identity.userId, socket);
    manager.connect(socket, identity);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    await manager.close();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const url = (userId: string, organizationId: string) => `ws://127.0.0.1:${port}/ws?userId=${userId}&organizationId=${organizationId}`;
  return {
    manager,
    accepted,
    url,
    client: async (userId: string, organizationId: string, options: ClientOptions = {}) => {
      const client = await TestWebSocketClient.connect(url(userId, organizationId), options);
      cleanups.push(async () => client.socket.terminate());
      return client;
    },
  };
}

describeWithRedis('WebSocket across nodes over Redis (real server)', () => {
  const redisNode = async (fanOutChannel: string) => {
    const redis = new Redis(redisUrl());
    const pubsub = createPubSub(redis);
    cleanups.push(async () => {
      await pubsub.close();
      await redis.quit();
    });
    const manager = new ConnectionManager({ pubsub, fanOutChannel });
    await manager.ready();
    return node(manager);
  };

  it("a broadcast on one node reaches a subscriber on another; another organisation's client can neither subscribe nor receive", async () => {
    const fanOut = uniquePrefix('guarantees-ws');
    const [a, b] = [await redisNode(fanOut), await redisNode(fanOut)];
    const subscriber = await b.client('ana', 'org-w');
    const outsider = await b.client('eve', 'org-x');
    subscriber.send({ type: 'SUBSCRIBE', channel: 'org:org-w:requirements' });
    await subscriber.next((m) => m.type === 'SUBSCRIBE');
    outsider.send({ type: 'SUBSCRIBE', channel: 'org:org-w:requirements' });
    expect((await outsider.next((m) => m.type === 'ERROR')).data).toMatchObject({ code: 'subscribe_denied' });
    expect(b.manager.channelSubscriberCount('org:org-w:requirements')).toBe(1);

    const sentAt = Date.now();
    await a.manager.broadcastToChannel('org:org-w:requirements', { type: 'REQUIREMENT_PUBLISHED', eventId: 'e-ws-1', data: { id: 'r-1' } });
    const received = await subscriber.next((m) => m.type === 'REQUIREMENT_PUBLISHED');
    const latencyMs = Date.now() - sentAt;
    expect(received).toMatchObject({ eventId: 'e-ws-1', channel: 'org:org-w:requirements', data: { id: 'r-1' } });
    await a.manager.broadcastToOrganization('org-w', { type: 'NOTIFICATION', data: { text: 'org-wide' } });
    await subscriber.next((m) => m.type === 'NOTIFICATION');
    await sleep(100);
    expect(subscriber.ofType('REQUIREMENT_PUBLISHED')).toHaveLength(1);
    expect(outsider.received.map((m) => m.type)).toEqual(['CONNECT', 'ERROR']);
    console.info(`[guarantees] websocket cross-node over Redis: ${latencyMs} ms`);
  });
});

describe('WebSocket authorisation, heartbeat and backpressure', () => {
  it("refuses a subscription to another organisation's (or user's) channel and delivers it nothing", async () => {
    const served = await node(new ConnectionManager());
    const mallory = await served.client('mallory', 'org-m');
    for (const channel of ['org:org-v', 'org:org-v:prices', 'user:victor', 'user:victor:inbox']) {
      mallory.send({ type: 'SUBSCRIBE', channel });
      expect((await mallory.next((m) => m.type === 'ERROR' && (m.data as { channel?: string }).channel === channel)).data).toMatchObject({
        code: 'subscribe_denied',
      });
      expect(served.manager.channelSubscriberCount(channel)).toBe(0);
    }
    await served.manager.broadcastToChannel('org:org-v:prices', { type: 'PRICE_UPDATE', data: { cotton: 1 } });
    await served.manager.broadcastToOrganization('org-v', { type: 'NOTIFICATION', data: {} });
    await sleep(50);
    expect(mallory.ofType('PRICE_UPDATE')).toEqual([]);
    expect(mallory.ofType('NOTIFICATION')).toEqual([]);
  });

  it('reaps a dead peer within two heartbeats', async () => {
    // Counted in heartbeats, not milliseconds. The interval only has to leave the healthy peer, in this same process,
    // time to answer each ping before the next heartbeat looks for its pong.
    const HEARTBEAT_MS = 500;
    const served = await node(new ConnectionManager({ heartbeatIntervalMs: HEARTBEAT_MS }));
    const healthy = await served.client('hana', 'org-h');
    // Every heartbeat pings the healthy peer, and pings it before it looks at the dead one (connections are visited in
    // the order they came): the server side's pings of the healthy peer count the heartbeats.
    const heartbeats = vi.spyOn(served.accepted.get('hana')!, 'ping');
    await sleep(HEARTBEAT_MS * 0.4); // the dead peer joins at some phase of the heartbeat
    const dead = await served.client('dora', 'org-h', { autoPong: false });
    const reaping = vi.spyOn(served.accepted.get('dora')!, 'terminate');
    // The peer vanishes without a close frame: it stops reading and never answers a ping again.
    (dead.socket as unknown as { _socket: Socket })._socket.pause();
    const heartbeatsBefore = heartbeats.mock.calls.length;

    await waitFor(() => served.manager.userConnectionIds('dora').length === 0, 'the dead peer to be reaped', { intervalMs: 5 });
    expect(reaping).toHaveBeenCalledOnce();
    // The heartbeats from its death up to the one that reaped it (vitest orders every mock call it records).
    const reapedAt = reaping.mock.invocationCallOrder[0]!;
    const heartbeatsToReap = heartbeats.mock.invocationCallOrder.filter((order) => order < reapedAt).length - heartbeatsBefore;
    // Two heartbeats: the first finds it alive from its last sign of life and pings, the second finds no pong.
    expect(heartbeatsToReap).toBeGreaterThanOrEqual(1);
    expect(heartbeatsToReap).toBeLessThanOrEqual(2);
    // terminate() destroys the socket at once; ws reports CLOSED when the 'close' event has run, a tick or so later.
    const reaped = served.accepted.get('dora')!;
    expect([WebSocket.CLOSING, WebSocket.CLOSED]).toContain(reaped.readyState);
    await waitFor(() => reaped.readyState === WebSocket.CLOSED, 'the reaped socket to close', { intervalMs: 5 });
    expect(served.manager.userConnectionIds('hana')).toHaveLength(1);
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    console.info(`[guarantees] websocket dead peer reaped at the ${heartbeatsToReap === 1 ? 'first' : 'second'} heartbeat after it died (heartbeat ${HEARTBEAT_MS} ms)`);
  });

  it('drops a real client that stops reading at the buffer high-water mark; server memory stays bounded', async () => {
    const HIGH_WATER = 512 * 1024;
    const FRAME = 100 * 1024;
    const MAX_FRAMES = 600; // 60 MB offered at most; loopback socket buffers absorb a few MB before the backlog grows
    const served = await node(new ConnectionManager({ maxBufferedBytes: HIGH_WATER, heartbeatIntervalMs: 0 }));
    const slow = await served.client('sloane', 'org-s');
    (slow.socket as unknown as { _socket: Socket })._socket.pause(); // stops reading; TCP fills, then ws buffers

    // A healthy reader of the same organisation that only counts what it gets (keeps no payloads).
    let fastCount = 0;
    const fast = new WebSocket(served.url('fred', 'org-s'));
    cleanups.push(async () => fast.terminate());
    fast.on('message', () => fastCount++);
    await new Promise((resolve, reject) => fast.once('open', resolve).once('error', reject));
    await waitFor(() => fastCount >= 1, 'the fast reader to be greeted');

    const server = served.accepted.get('sloane')!;
    const framesQueued = vi.spyOn(server, 'send');
    const payload = 'x'.repeat(FRAME);
    let maxBuffered = 0;
    let sent = 0;
    while (served.manager.userConnectionIds('sloane').length > 0) {
      if (sent >= MAX_FRAMES) throw new Error(`the stalled client was not dropped; ${sent} frames`);
      await served.manager.broadcastToOrganization('org-s', { type: 'PRICE_UPDATE', data: { n: sent, payload } });
      sent++;
      maxBuffered = Math.max(maxBuffered, server.bufferedAmount);
      // Yield to I/O after every frame, so a reading client's backlog drains as it would between real events.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Once dropped, the stalled client costs nothing more: 100 more broadcasts, and not one more frame is queued for it.
    const queuedBeforeDrop = framesQueued.mock.calls.length;
    for (let more = 0; more < 100; more++, sent++) {
      await served.manager.broadcastToOrganization('org-s', { type: 'PRICE_UPDATE', data: { n: sent, payload } });
      await new Promise((resolve) => setImmediate(resolve));
    }

    // What the server held for it never passed the high-water mark, and it holds nothing more after the drop.
    expect(maxBuffered).toBeLessThanOrEqual(HIGH_WATER);
    expect(framesQueued.mock.calls.length).toBe(queuedBeforeDrop);
    await waitFor(() => server.readyState === WebSocket.CLOSED, 'the stalled socket to be closed');
    await served.manager.broadcastToOrganization('org-s', { type: 'NOTIFICATION', data: { last: true } });
    await waitFor(() => fastCount >= sent + 2, `the fast reader to get all ${sent} updates and the last one`);
    expect(fast.readyState).toBe(WebSocket.OPEN);
    console.info(
      `[guarantees] websocket stalled client dropped; ${sent} frames of ${FRAME / 1024} KiB (${((sent * FRAME) / 1048576).toFixed(1)} MiB offered in all, 100 frames after the drop); ` +
        `max server backlog ${(maxBuffered / 1024).toFixed(0)} KiB (limit ${HIGH_WATER / 1024} KiB); ${queuedBeforeDrop} frames queued for it, none after the drop`,
    );
  });
});
