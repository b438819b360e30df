import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { DbSession } from '../../src/db/session.js';
import { InProcessBroker, type BrokerMessage } from '../../src/core/broker/broker.js';
import { OutboxRepository } from '../../src/core/outbox/outbox.repository.js';
import { OutboxRelay } from '../../src/core/outbox/relay.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { describeWithPostgres, PATIENCE_MS, sleep, waitFor } from '../support/servers.js';
import { meetingPoint } from '../guarantees/support.js';

interface EventSpec {
  aggregateId: string;
  eventType?: string;
  organizationId?: string | null;
}

/** Commits events the way a service does: OutboxRepository.addEvent on a session, then commit. */
async function commitEvents(database: Database, events: EventSpec[]): Promise<string[]> {
  const session = new DbSession(database);
  const outbox = new OutboxRepository(session);
  const ids: string[] = [];
  for (const [n, event] of events.entries()) {
    ids.push(
      await outbox.addEvent({
        eventType: event.eventType ?? 'requirement.updated',
        aggregateType: 'requirement',
        aggregateId: event.aggregateId,
        organizationId: event.organizationId === undefined ? 'org-1' : event.organizationId,
        payload: { n },
      }),
    );
  }
  await session.commit();
  return ids;
}

/** An in-process broker whose one subscriber records messages and fails on demand (the broker being down). */
function scriptedBroker() {
  const broker = new InProcessBroker();
  const published: BrokerMessage[] = [];
  const failures = new Map<string, number>();
  broker.subscribe((message) => {
    const left = failures.get(message.eventId) ?? 0;
    if (left > 0) {
      failures.set(message.eventId, left - 1);
      throw new Error(`broker unavailable (${left} failures left)`);
    }
    published.push(message);
  });
  return { broker, published, failWith: (eventId: string, times: number) => failures.set(eventId, times) };
}

const outboxRow = async (database: Database, eventId: string) =>
  (
    await database.query<{ id: string; status: string; attempts: number; last_error: string | null; replay_count: number }>(
      'SELECT id::text, status, attempts, last_error, replay_count FROM outbox WHERE event_id = $1',
      [eventId],
    )
  ).rows[0];

/**
 * The clock moving past a row's backoff, or past the lease on it. The relay compares both with the database's now(),
 * so a test that must see a row NOT due (or still leased) gives it a long delay and then moves it due here, rather than
 * racing a short delay against a busy machine.
 */
const backoffRunsOut = (database: Database, eventId: string) =>
  database.query("UPDATE outbox SET next_attempt_at = now() WHERE event_id = $1 AND status = 'pending'", [eventId]);
const leaseRunsOut = (database: Database, eventId: string) =>
  database.query("UPDATE outbox SET locked_until = now() WHERE event_id = $1 AND status = 'pending'", [eventId]);

describe('OutboxRelay', () => {
  let db: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    db = await openTestDatabase();
    database = db.database;
  });
  afterAll(async () => db.close());
  beforeEach(async () => {
    await database.exec('DELETE FROM outbox; DELETE FROM outbox_dead_letter; DELETE FROM outbox_attempts;');
  });

  it('publishes committed rows in id order and marks them sent', async () => {
    const { broker, published } = scriptedBroker();
    const relay = new OutboxRelay(database, broker);
    const ids = await commitEvents(database, [{ aggregateId: 'r1' }, { aggregateId: 'r2', organizationId: null }, { aggregateId: 'r3' }]);

    const result = await relay.runOnce();

    expect(result).toEqual({ claimed: 3, published: 3, retried: 0, deadLettered: 0 });
    expect(published.map((m) => m.eventId)).toEqual(ids);
    expect(published[0]).toMatchObject({
      eventType: 'requirement.updated',
      aggregateType: 'requirement',
      aggregateId: 'r1',
      organizationId: 'org-1',
      payload: { n: 0 },
    });
    expect(published[1]!.organizationId).toBeNull();
    expect(new Date(published[0]!.occurredAt).toISOString()).toBe(published[0]!.occurredAt);
    for (const id of ids) expect((await outboxRow(database, id))!.status).toBe('sent');
    expect((await relay.runOnce()).claimed).toBe(0);
  });

  it('never publishes what was rolled back or is not committed yet', async () => {
    const { broker, published } = scriptedBroker();
    const relay = new OutboxRelay(database, broker);
    const rolledBack = new DbSession(database);
    await new OutboxRepository(rolledBack).addEvent({ eventType: 'x.rolled_back', aggregateType: 'x', aggregateId: '1', payload: {} });
    await rolledBack.rollback();

    expect(await relay.runOnce()).toMatchObject({ claimed: 0 });
    expect(published).toHaveLength(0);
  });

  it('retries a failed publish once its backoff has run out, and not before', async () => {
    const { broker, published, failWith } = scriptedBroker();
    const relay = new OutboxRelay(database, broker, { backoff: { baseMs: 60_000, capMs: 60_000 } });
    const [eventId] = await commitEvents(database, [{ aggregateId: 'r1' }]);
    failWith(eventId!, 3);

    for (let failure = 1; failure <= 3; failure++) {
      expect(await relay.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
      // Not due for a minute: the polls meanwhile leave it alone.
      expect(await relay.runOnce()).toMatchObject({ claimed: 0 });
      await backoffRunsOut(database, eventId!);
    }
    expect(await relay.runOnce()).toMatchObject({ claimed: 1, published: 1, retried: 0 });

    expect(published.map((m) => m.eventId)).toEqual([eventId]);
    const row = (await outboxRow(database, eventId!))!;
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    const { rows } = await database.query<{ attempt: number; error: string }>(
      `SELECT a.attempt, a.error FROM outbox_attempts a JOIN outbox o ON o.id = a.outbox_id
       WHERE o.event_id = $1 ORDER BY a.attempt`,
      [eventId],
    );
    expect(rows.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(rows.every((r) => r.error.includes('broker unavailable'))).toBe(true);
  });

  // The delay is computed in the same transaction that stamps the attempt, so it can be read back exactly.
  it('computes each delay from the attempt count: base, doubled, then the cap', async () => {
    const { broker, failWith } = scriptedBroker();
    const relay = new OutboxRelay(database, broker, { backoff: { baseMs: 30, capMs: 70 }, maxAttempts: 10 });
    const [eventId] = await commitEvents(database, [{ aggregateId: 'r1' }]);
    failWith(eventId!, 4);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await waitFor(async () => (await relay.runOnce()).retried === 1, `failure ${attempt}`);
      const { rows } = await database.query<{ delay_ms: number }>(
        `SELECT round(extract(epoch FROM (o.next_attempt_at - a.at)) * 1000)::int AS delay_ms
         FROM outbox o JOIN outbox_attempts a ON a.outbox_id = o.id AND a.attempt = o.attempts
         WHERE o.event_id = $1`,
        [eventId],
      );
      delays.push(rows[0]!.delay_ms);
    }
    expect(delays).toEqual([30, 60, 70, 70]);
  });

  it('moves a row to the dead-letter table after 5 failed attempts, with its history', async () => {
    const { broker, published, failWith } = scriptedBroker();
    const relay = new OutboxRelay(database, broker, { backoff: { baseMs: 1, capMs: 2 } });
    const [poison, healthy] = await commitEvents(database, [{ aggregateId: 'poison' }, { aggregateId: 'healthy' }]);
    failWith(poison!, Number.POSITIVE_INFINITY);

    let deadLettered = 0;
    await waitFor(async () => {
      deadLettered += (await relay.runOnce()).deadLettered;
      return deadLettered === 1;
    }, 'the row to be dead-lettered');

    expect(await outboxRow(database, poison!)).toBeUndefined();
    expect(published.map((m) => m.eventId)).toEqual([healthy]);
    const [dead] = await relay.deadLetters();
    expect(dead).toMatchObject({
      eventId: poison,
      eventType: 'requirement.updated',
      aggregateId: 'poison',
      organizationId: 'org-1',
      payload: { n: 0 },
      attempts: 5,
      replayCount: 0,
    });
    expect(dead!.lastError).toContain('broker unavailable');
    expect(dead!.errors.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(dead!.errors.every((e) => e.error.includes('broker unavailable') && e.round === 0)).toBe(true);
    expect(await relay.runOnce()).toMatchObject({ claimed: 0 });
  });

  it('replays a dead-lettered row, and keeps its history if it dies again', async () => {
    const { broker, published, failWith } = scriptedBroker();
    const relay = new OutboxRelay(database, broker, { backoff: { baseMs: 1, capMs: 1 }, maxAttempts: 2 });
    const [eventId] = await commitEvents(database, [{ aggregateId: 'r1' }]);
    failWith(eventId!, 4);
    await waitFor(async () => (await relay.runOnce()).deadLettered === 1, 'first death');
    const [dead] = await relay.deadLetters();

    expect(await relay.replayDeadLetter(dead!.id)).toBe(true);
    expect(await relay.deadLetters()).toEqual([]);
    expect(await outboxRow(database, eventId!)).toMatchObject({ id: dead!.id, status: 'pending', attempts: 0, replay_count: 1 });
    await waitFor(async () => (await relay.runOnce()).deadLettered === 1, 'second death');
    const [again] = await relay.deadLetters();
    expect(again!.replayCount).toBe(1);
    expect(again!.errors.map((e) => [e.round, e.attempt])).toEqual([[0, 1], [0, 2], [1, 1], [1, 2]]);

    expect(await relay.replayDeadLetter(again!.id)).toBe(true);
    await waitFor(async () => (await relay.runOnce()).published === 1, 'the replayed row to be published');
    expect(published.map((m) => m.eventId)).toEqual([eventId]);
    expect(await relay.replayDeadLetter(again!.id)).toBe(false);
    expect(await relay.replayDeadLetter('999999')).toBe(false);
  });

  it('keeps per-aggregate order: a later event waits while an earlier one of its aggregate is retrying', async () => {
    const { broker, published, failWith } = scriptedBroker();
    const relay = new OutboxRelay(database, broker, { backoff: { baseMs: 60_000, capMs: 60_000 } });
    const [a1, a2, b1, a3] = await commitEvents(database, [
      { aggregateId: 'A', eventType: 'requirement.created' },
      { aggregateId: 'A', eventType: 'requirement.published' },
      { aggregateId: 'B', eventType: 'requirement.created' },
      { aggregateId: 'A', eventType: 'requirement.cancelled' },
    ]);
    failWith(a1!, 1);

    // A1 fails; A2 and A3 are not even claimed while A1 is pending; B is not held up by A.
    expect(await relay.runOnce()).toMatchObject({ claimed: 2, published: 1, retried: 1 });
    expect(published.map((m) => m.eventId)).toEqual([b1]);
    expect(await relay.runOnce()).toMatchObject({ claimed: 0 }); // A1 not due, A2 and A3 behind it

    await backoffRunsOut(database, a1!);
    // One row of an aggregate per claim: A1, then A2, then A3.
    for (let round = 0; round < 3; round++) expect(await relay.runOnce()).toMatchObject({ claimed: 1, published: 1 });
    expect(published.map((m) => m.eventId)).toEqual([b1, a1, a2, a3]);
  });

  it('stop() waits for the batch in flight', async () => {
    const broker = new InProcessBroker();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = 0;
    broker.subscribe(async () => {
      entered++;
      await gate;
    });
    const relay = new OutboxRelay(database, broker, { pollIntervalMs: 10 });
    const [eventId] = await commitEvents(database, [{ aggregateId: 'r1' }]);

    relay.start();
    await waitFor(() => entered === 1, 'the publish to start');
    let stopped = false;
    const stopping = relay.stop().then(() => (stopped = true));
    await sleep(50);
    expect(stopped).toBe(false);
    expect(relay.isRunning).toBe(false);

    release();
    await stopping;
    expect((await outboxRow(database, eventId!))!.status).toBe('sent');
  });

  it('runs in the background once started, picking up new rows', async () => {
    const { broker, published } = scriptedBroker();
    const relay = new OutboxRelay(database, broker, { pollIntervalMs: 20 });
    relay.start();
    try {
      const ids = await commitEvents(database, [{ aggregateId: 'r1' }, { aggregateId: 'r1' }]);
      await waitFor(() => published.length === 2, 'both events');
      expect(published.map((m) => m.eventId)).toEqual(ids);
    } finally {
      await relay.stop();
    }
  });

  it('publishes again when the relay holding a row dies before marking it sent (lease expiry)', async () => {
    const hung = new InProcessBroker();
    let entered = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    hung.subscribe(async () => {
      entered = true;
      await gate;
    });
    const dying = new OutboxRelay(database, hung, { leaseMs: 60_000 });
    const { broker, published } = scriptedBroker();
    const survivor = new OutboxRelay(database, broker);
    const [eventId] = await commitEvents(database, [{ aggregateId: 'r1' }]);

    const inFlight = dying.runOnce();
    await waitFor(() => entered, 'the first relay to hold the row');
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0 }); // leased for a minute
    await leaseRunsOut(database, eventId!);
    expect(await survivor.runOnce()).toMatchObject({ claimed: 1, published: 1 });
    expect(published.map((m) => m.eventId)).toEqual([eventId]);

    release();
    await inFlight;
    expect((await outboxRow(database, eventId!))!.status).toBe('sent');
  });

  it('rejects nonsense options', () => {
    const broker = new InProcessBroker();
    expect(() => new OutboxRelay(database, broker, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => new OutboxRelay(database, broker, { backoff: { baseMs: 100, capMs: 10 } })).toThrow(/baseMs <= capMs/);
  });
});

describeWithPostgres('OutboxRelay on the PostgreSQL server', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => db.close());
  beforeEach(async () => {
    await db.database.exec('DELETE FROM outbox; DELETE FROM outbox_dead_letter; DELETE FROM outbox_attempts;');
  });

  it('skips rows another transaction has locked instead of waiting for them (SKIP LOCKED)', async () => {
    const { broker, published } = scriptedBroker();
    const relay = new OutboxRelay(db.database, broker);
    const ids = await commitEvents(db.database, [{ aggregateId: 'A' }, { aggregateId: 'B' }, { aggregateId: 'C' }]);
    const holder = await db.database.acquire();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT id FROM outbox WHERE event_id = $1 FOR UPDATE", [ids[0]]);
      // A plain FOR UPDATE would block here until the holder commits, which it does only after: the relay passes over
      // the locked row. (The race only turns a hang into a clear failure.)
      const result = await Promise.race([relay.runOnce(), sleep(PATIENCE_MS).then(() => 'blocked behind the lock' as const)]);
      expect(result).toMatchObject({ claimed: 2, published: 2 });
      expect(published.map((m) => m.eventId)).toEqual([ids[1], ids[2]]);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(await relay.runOnce()).toMatchObject({ claimed: 1, published: 1 });
  });

  it('lets two relays on separate pools drain the outbox together: each row once, each aggregate in order', async () => {
    const events: EventSpec[] = [];
    for (let i = 0; i < 240; i++) events.push({ aggregateId: `agg-${i % 24}` });
    const ids = await commitEvents(db.database, events);
    const order = new Map(ids.map((id, index) => [id, index]));

    const log: { relay: string; message: BrokerMessage }[] = [];
    const meet = meetingPoint(['left', 'right']);
    const relays = await Promise.all(
      ['left', 'right'].map(async (name) => {
        const broker = new InProcessBroker();
        broker.subscribe(async (message) => {
          log.push({ relay: name, message });
          await meet(name);
          await sleep(Math.random() * 2); // let the two interleave
        });
        return new OutboxRelay(await db.openAnother(), broker, { batchSize: 8, relayId: name });
      }),
    );

    const drain = async (relay: OutboxRelay) => {
      for (let round = 0; round < 500; round++) {
        const { claimed } = await relay.runOnce();
        if (claimed === 0 && (await db.database.query("SELECT 1 FROM outbox WHERE status = 'pending' LIMIT 1")).rowCount === 0) {
          return;
        }
      }
      throw new Error('relay did not drain the outbox in 500 rounds');
    };
    await Promise.all(relays.map(drain));

    const published = log.map((entry) => entry.message.eventId);
    expect(published).toHaveLength(ids.length);
    expect(new Set(published).size).toBe(ids.length);
    expect(new Set(log.map((entry) => entry.relay))).toEqual(new Set(['left', 'right']));
    const lastSeen = new Map<string, number>();
    for (const { message } of log) {
      const index = order.get(message.eventId)!;
      expect(index).toBeGreaterThan(lastSeen.get(message.aggregateId) ?? -1);
      lastSeen.set(message.aggregateId, index);
    }
  });
});
