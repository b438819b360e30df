import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { DbSession } from '../../src/db/session.js';
import { InProcessBroker, type BrokerMessage } from '../../src/core/broker/broker.js';
import { OutboxRepository } from '../../src/core/outbox/outbox.repository.js';
import { OutboxRelay } from '../../src/core/outbox/relay.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { describeWithPostgres, sleep, waitFor } from '../support/servers.js';
import { drain, outOfOrder, resetOutbox } from './support.js';

/**
 * Guarantee 3 (DESIGN.md), ordering half — the bigserial visibility gap. `outbox.id` comes from a sequence at insert
 * time but becomes visible at commit, so a transaction can hold a LOWER id open while a HIGHER one commits. The relay
 * must not skip the lower row (it claims by status, never by a high-water mark), and events of one aggregate must
 * reach the broker in order (OutboxRepository.addEvent serialises the writers of one aggregate; see its comment).
 * Needs concurrent transactions, so it runs against the PostgreSQL server only (PGlite has one connection).
 */

const recorder = () => {
  const broker = new InProcessBroker();
  const published: BrokerMessage[] = [];
  broker.subscribe((message) => void published.push(message));
  return { broker, published };
};

const add = (session: DbSession, aggregateId: string, label: string) =>
  new OutboxRepository(session).addEvent({
    eventType: 'guarantee.ordered',
    aggregateType: 'guarantee',
    aggregateId,
    organizationId: 'org-g',
    payload: { label },
  });

const idOf = async (database: Database, eventId: string) =>
  (await database.query<{ id: string }>('SELECT id::text FROM outbox WHERE event_id = $1', [eventId])).rows[0]!.id;

describeWithPostgres('ordering across open transactions (PostgreSQL server)', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await openTestDatabase({ poolSize: 30 });
    database = testDb.database;
  });
  afterAll(async () => testDb?.close());
  beforeEach(async () => resetOutbox(database));

  it('never skips a lower outbox position held open while a higher one commits, and keeps one aggregate in order', async () => {
    const { broker, published } = recorder();
    const relay = new OutboxRelay(database, broker);
    const labels = () => published.map((m) => (m.payload as { label: string }).label);

    const slow = new DbSession(database); // holds X#1 (the lower position) open
    const fast = new DbSession(database); // commits Y#1 (a higher position) meanwhile
    const follower = new DbSession(database); // writes X#2 while X#1 is still open
    try {
      const x1 = await add(slow, 'X', 'x1');
      const y1 = await add(fast, 'Y', 'y1');
      await fast.commit();
      expect(BigInt(await idOf(database, y1))).toBeGreaterThan(0n);

      // The follower commits X#2 as soon as it can, while X#1 is still open.
      const followerPid = (await follower.execute<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      let x2: string | undefined;
      const writingX2 = add(follower, 'X', 'x2').then(async (id) => {
        x2 = id;
        await follower.commit();
      });
      // Until the follower waits on a lock it may simply not have got there yet; once it does, nothing else runs.
      await waitFor(
        async () => (await database.query('SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted', [followerPid])).rowCount > 0,
        "the follower to wait for X's writer",
      );

      await relay.runOnce();
      await relay.runOnce();
      expect(labels()).toEqual(['y1']); // the higher, committed row goes; nothing of X may go before X#1
      expect(x2).toBeUndefined(); // how: the follower queues behind the open writer of aggregate X

      await slow.commit();
      await writingX2;
      await drain(database, relay);

      expect(labels()).toEqual(['y1', 'x1', 'x2']); // x1 was not skipped; X in order
      expect(BigInt(await idOf(database, x1))).toBeLessThan(BigInt(await idOf(database, y1)));
      expect(BigInt(await idOf(database, x2!))).toBeGreaterThan(BigInt(await idOf(database, x1)));
    } finally {
      await Promise.all([slow.close(), fast.close(), follower.close()]);
    }
  });

  it('under 20 concurrent writers with random commit delays and a relay polling throughout: nothing skipped, every aggregate in order', async () => {
    const { broker, published } = recorder();
    const relay = new OutboxRelay(database, broker, { batchSize: 25, pollIntervalMs: 5 });
    relay.start();
    const committed = new Map<string, number>(); // event id → position in its aggregate's commit sequence
    const perAggregate = new Map<string, number>();
    try {
      await Promise.all(
        Array.from({ length: 20 }, async (_, writer) => {
          for (let round = 0; round < 10; round++) {
            const session = new DbSession(database);
            try {
              const written: [string, string][] = [];
              for (const aggregate of [`agg-${(writer + round) % 5}`, `agg-${(writer * 3 + round) % 5}`].sort()) {
                if (written.some(([a]) => a === aggregate)) continue;
                written.push([aggregate, await add(session, aggregate, `${writer}.${round}`)]);
                await sleep(Math.random() * 4);
              }
              // Aggregates are always locked in name order within one transaction, so writers cannot deadlock.
              await session.commit();
              for (const [aggregate, eventId] of written) {
                const n = (perAggregate.get(aggregate) ?? 0) + 1;
                perAggregate.set(aggregate, n);
                committed.set(eventId, n);
              }
            } finally {
              await session.close();
            }
          }
        }),
      );
      await waitFor(() => published.length >= committed.size, `all ${committed.size} committed events to be published`);
    } finally {
      await relay.stop();
    }
    expect(new Set(published.map((m) => m.eventId)).size).toBe(committed.size);
    // Order within an aggregate is commit order, which is also id order.
    const ids = new Map(
      (await database.query<{ event_id: string; id: string }>('SELECT event_id::text, id::text FROM outbox')).rows.map((r) => [
        r.event_id,
        Number(r.id),
      ]),
    );
    expect(outOfOrder(published, ids)).toEqual([]);
  });
});
