import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, InProcessBroker, type BrokerMessage, type EventBroker } from '../../src/core/broker/broker.js';
import { RedisStreamsBroker, type RedisStreamsBrokerOptions } from '../../src/core/broker/redis-streams.js';
import { describeWithRedis, redisUrl, sleep, uniquePrefix, waitFor } from '../support/servers.js';

const message = (eventType = 'requirement.published', organizationId: string | null = 'org-1'): BrokerMessage => ({
  eventId: randomUUID(),
  eventType,
  aggregateType: 'requirement',
  aggregateId: 'req-1',
  organizationId,
  payload: { quantity: 120, unit: 'quintal', nested: { grades: ['A', 'B'] } },
  occurredAt: new Date().toISOString(),
});

describe('InProcessBroker', () => {
  it('hands every message to every subscriber until it unsubscribes', async () => {
    const broker = new InProcessBroker();
    const first: string[] = [];
    const second: string[] = [];
    broker.subscribe((m) => void first.push(m.eventId));
    const off = broker.subscribe((m) => void second.push(m.eventId));
    const a = message();
    const b = message();

    await broker.publish(a);
    off();
    await broker.publish(b);

    expect(first).toEqual([a.eventId, b.eventId]);
    expect(second).toEqual([a.eventId]);
  });

  it("fails the publish when a subscriber fails, so the relay retries it", async () => {
    const broker = new InProcessBroker();
    broker.subscribe(() => {
      throw new Error('websocket fan-out down');
    });
    await expect(broker.publish(message())).rejects.toThrow('websocket fan-out down');
  });

  it('is what createBroker gives without a Redis URL', async () => {
    const broker = createBroker(undefined);
    expect(broker).toBeInstanceOf(InProcessBroker);
    await broker.close();
  });
});

describeWithRedis('RedisStreamsBroker', () => {
  let admin: Redis;
  const brokers: EventBroker[] = [];
  const streams: string[] = [];

  const open = (options: Partial<RedisStreamsBrokerOptions> & { stream: string }) => {
    const broker = new RedisStreamsBroker({ url: redisUrl(), blockMs: 100, onError: () => undefined, ...options });
    brokers.push(broker);
    if (!streams.includes(options.stream)) streams.push(options.stream, `${options.stream}:dead`);
    return broker;
  };

  beforeAll(() => {
    admin = new Redis(redisUrl());
  });
  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.close()));
    if (streams.length > 0) await admin.del(...streams.splice(0));
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('is what createBroker gives with a Redis URL', async () => {
    const stream = uniquePrefix('broker');
    const broker = createBroker(redisUrl(), { stream });
    brokers.push(broker);
    streams.push(stream);
    expect(broker).toBeInstanceOf(RedisStreamsBroker);
  });

  it('delivers a published message to a subscriber intact and acknowledges it', async () => {
    const stream = uniquePrefix('broker');
    const broker = open({ stream, group: 'g' });
    const received: BrokerMessage[] = [];
    broker.subscribe((m) => void received.push(m));
    await broker.ready();
    const sent = message();

    await broker.publish(sent);

    await waitFor(() => received.length === 1, 'the message');
    expect(received[0]).toEqual(sent);
    expect(await admin.xlen(stream)).toBe(1);
    await waitFor(async () => ((await admin.xpending(stream, 'g')) as [number])[0] === 0, 'the XACK');
  });

  it('shares the messages of one group between its consumers: each is handled once', async () => {
    const stream = uniquePrefix('broker');
    const seen = new Map<string, string[]>();
    for (const consumer of ['node-a', 'node-b']) {
      const broker = open({ stream, group: 'runtime', consumer, batchSize: 2 });
      broker.subscribe(async (m) => {
        seen.set(m.eventId, [...(seen.get(m.eventId) ?? []), consumer]);
        await sleep(2);
      });
    }
    const publisher = open({ stream, group: 'runtime' });
    await publisher.ready();

    const sent = Array.from({ length: 30 }, () => message());
    for (const m of sent) await publisher.publish(m);

    await waitFor(() => seen.size === 30, 'all 30 messages');
    await sleep(150); // a second delivery would show up here
    expect([...seen.values()].every((consumers) => consumers.length === 1)).toBe(true);
    expect(new Set(sent.map((m) => m.eventId))).toEqual(new Set(seen.keys()));
  });

  it('gives every group every message', async () => {
    const stream = uniquePrefix('broker');
    const byGroup = new Map<string, string[]>();
    for (const group of ['websocket', 'analytics']) {
      const broker = open({ stream, group });
      byGroup.set(group, []);
      broker.subscribe((m) => void byGroup.get(group)!.push(m.eventId));
      await broker.ready();
    }
    const publisher = open({ stream, group: 'websocket' });
    const sent = [message(), message(), message()];
    for (const m of sent) await publisher.publish(m);

    await waitFor(() => [...byGroup.values()].every((ids) => ids.length === 3), 'both groups');
    for (const ids of byGroup.values()) expect(ids).toEqual(sent.map((m) => m.eventId));
  });

  it('redelivers a message whose handler failed, then acknowledges it', async () => {
    const stream = uniquePrefix('broker');
    const broker = open({ stream, group: 'g', claimIdleMs: 60 });
    let calls = 0;
    broker.subscribe(() => {
      calls++;
      if (calls < 3) throw new Error('handler down');
    });
    await broker.ready();

    await broker.publish(message());

    await waitFor(() => calls === 3, 'two redeliveries');
    await waitFor(async () => ((await admin.xpending(stream, 'g')) as [number])[0] === 0, 'the XACK');
    expect(await admin.xlen(`${stream}:dead`)).toBe(0);
  });

  it('parks a message that keeps failing in <stream>:dead after maxDeliveries', async () => {
    const stream = uniquePrefix('broker');
    const broker = open({ stream, group: 'g', claimIdleMs: 40, maxDeliveries: 3 });
    let calls = 0;
    broker.subscribe(() => {
      calls++;
      throw new Error('poison');
    });
    await broker.ready();
    const poison = message('requirement.poison');

    await broker.publish(poison);

    await waitFor(async () => (await admin.xlen(`${stream}:dead`)) === 1, 'the dead letter');
    expect(calls).toBe(3);
    const [[, fields]] = (await admin.xrange(`${stream}:dead`, '-', '+')) as [string, string[]][];
    const record = Object.fromEntries(fields.reduce<[string, string][]>((pairs, v, i) => (i % 2 ? pairs : [...pairs, [v, fields[i + 1]!]]), []));
    expect(record.eventId).toBe(poison.eventId);
    expect(record.reason).toContain('3 deliveries');
    expect(((await admin.xpending(stream, 'g')) as [number])[0]).toBe(0);
  });

  it('closes while a read is blocked, without waiting for the block to end', async () => {
    const stream = uniquePrefix('broker');
    // The broker's connections carry a name of their own (ioredis takes options from the URL), to be found below.
    const connectionName = `broker-close-${randomUUID()}`;
    const url = new URL(redisUrl());
    url.searchParams.set('connectionName', connectionName);
    // The read blocks longer than the test may run: a close() that waited for it would time the test out.
    const broker = new RedisStreamsBroker({ url: url.toString(), stream, blockMs: 3_600_000 });
    streams.push(stream);
    broker.subscribe(() => undefined);
    await broker.ready();
    // The server lists the broker's reader as blocked (flag b) in XREADGROUP: only then is there a read to interrupt.
    await waitFor(
      async () =>
        String(await admin.client('LIST'))
          .split('\n')
          .some((client) => client.includes(` name=${connectionName} `) && / flags=\S*b/.test(client) && / cmd=xreadgroup /.test(client)),
      'the broker to block in XREADGROUP',
    );
    await broker.close();
    await expect(broker.publish(message())).rejects.toThrow(/closed/);
  });
});
