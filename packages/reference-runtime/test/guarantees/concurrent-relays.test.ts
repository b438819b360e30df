import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { InProcessBroker, type BrokerMessage } from '../../src/core/broker/broker.js';
import { OutboxRelay } from '../../src/core/outbox/relay.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { describeWithPostgres, PATIENCE_MS } from '../support/servers.js';
import { meetingPoint, outOfOrder, pendingCount, resetOutbox } from './support.js';

/**
 * Guarantee 3 (DESIGN.md), concurrency half: relays on several nodes (here three pools on the PostgreSQL server) drain
 * one outbox together and publish each event once — the claim is `FOR UPDATE SKIP LOCKED` plus a lease.
 */

const EVENTS = 10_000;
const AGGREGATES = 500;

describeWithPostgres('three relays at once (PostgreSQL server)', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await openTestDatabase({ poolSize: 4 });
    database = testDb.database;
  });
  afterAll(async () => testDb?.close());

  it(`publishes each of ${EVENTS} events exactly once across three relays, each aggregate in order`, async () => {
    await resetOutbox(database);
    // Committed rows as addEvent writes them, in one statement for speed.
    await database.query(
      `INSERT INTO outbox (event_type, aggregate_type, aggregate_id, organization_id, payload)
       SELECT 'guarantee.bulk', 'guarantee', 'agg-' || (n % $2), 'org-g', jsonb_build_object('n', n)
       FROM generate_series(0, $1 - 1) AS n ORDER BY n`,
      [EVENTS, AGGREGATES],
    );
    const order = new Map(
      (await database.query<{ event_id: string; id: string }>('SELECT event_id::text, id::text FROM outbox')).rows.map((r) => [
        r.event_id,
        Number(r.id),
      ]),
    );
    expect(order.size).toBe(EVENTS);

    const log: { relay: string; message: BrokerMessage }[] = [];
    // All three hold a batch at the same moment at least once (then run freely): the claims must not overlap then.
    const meet = meetingPoint(['r1', 'r2', 'r3']);
    const relays = await Promise.all(
      ['r1', 'r2', 'r3'].map(async (name) => {
        const broker = new InProcessBroker();
        broker.subscribe(async (message) => {
          log.push({ relay: name, message });
          await meet(name);
        });
        return new OutboxRelay(await testDb.openAnother(), broker, { batchSize: 100, relayId: name });
      }),
    );

    const started = Date.now();
    const deadline = started + 4 * PATIENCE_MS;
    await Promise.all(
      relays.map(async (relay) => {
        for (;;) {
          if (Date.now() > deadline) throw new Error(`${relay.relayId} did not finish within ${(4 * PATIENCE_MS) / 1000} s`);
          const { claimed } = await relay.runOnce();
          if (claimed === 0 && (await pendingCount(database)) === 0) return;
          if (claimed === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        }
      }),
    );
    const elapsedMs = Date.now() - started;

    const published = log.map((entry) => entry.message.eventId);
    expect(published).toHaveLength(EVENTS);
    expect(new Set(published).size).toBe(EVENTS);
    const perRelay = Object.fromEntries(['r1', 'r2', 'r3'].map((r) => [r, log.filter((e) => e.relay === r).length]));
    for (const n of Object.values(perRelay)) expect(n).toBeGreaterThan(0); // each held a batch at the meeting point
    expect(outOfOrder(log.map((e) => e.message), order)).toEqual([]);
    console.info(`[guarantees] three relays: ${EVENTS} events in ${elapsedMs} ms, per relay ${JSON.stringify(perRelay)}`);
  }, 5 * PATIENCE_MS);
});
