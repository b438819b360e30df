import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { DbSession } from '../../src/db/session.js';
import { HttpError } from '../../src/core/http/errors.js';
import {
  hashRequest,
  IdempotencyStore,
  idempotencyError,
  idempotencyScope,
  type IdempotencyOutcome,
} from '../../src/core/idempotency/idempotency-store.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { describeWithPostgres, sleep } from '../support/servers.js';

const hash = (body: unknown) => hashRequest('POST', '/partners/p-1/approve', body);

/** What a migrated service does with the store: claim, write, complete, commit — or replay. */
async function approveOnce(database: Database, scope: string, key: string, body: unknown) {
  const db = new DbSession(database);
  try {
    const store = new IdempotencyStore(db);
    const claim = await store.begin(scope, key, hash(body));
    if (claim.state === 'replay') return { outcome: claim.state, status: claim.status, body: claim.body };
    if (claim.state !== 'claimed') throw idempotencyError(claim);
    const { rows } = await db.execute<{ id: number }>('INSERT INTO idempotency_probe (key) VALUES ($1) RETURNING id', [key]);
    const result = { approvalId: rows[0]!.id };
    await store.complete(scope, key, 201, result);
    await db.commit();
    return { outcome: claim.state, status: 201, body: result };
  } finally {
    await db.close();
  }
}

describe('IdempotencyStore', () => {
  let db: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    db = await openTestDatabase();
    database = db.database;
    await database.exec('CREATE TABLE idempotency_probe (id serial PRIMARY KEY, key text NOT NULL)');
  });
  afterAll(async () => db.close());

  const session = () => new DbSession(database);

  describe('hashRequest', () => {
    it('is SHA-256 of "METHOD path", a newline and the body with sorted keys', () => {
      const expected = createHash('sha256').update('POST /partners/p-1/approve\n{"a":[2,{"x":1,"y":2}],"b":1}').digest('hex');
      expect(hashRequest('post', '/partners/p-1/approve', { b: 1, a: [2, { y: 2, x: 1 }] })).toBe(expected);
    });

    it('tells apart requests that differ in method, path or body', () => {
      const base = hashRequest('POST', '/a', { n: 1 });
      expect(hashRequest('PUT', '/a', { n: 1 })).not.toBe(base);
      expect(hashRequest('POST', '/b', { n: 1 })).not.toBe(base);
      expect(hashRequest('POST', '/a', { n: 2 })).not.toBe(base);
      expect(hashRequest('POST', '/a', undefined)).not.toBe(hashRequest('POST', '/a', null));
    });
  });

  it('claims a new key, then replays the stored response for the same request', async () => {
    const scope = idempotencyScope('org-1', 'partners.approve');
    const key = randomUUID();

    const first = await approveOnce(database, scope, key, { note: 'ok' });
    const second = await approveOnce(database, scope, key, { note: 'ok' });

    expect(first.outcome).toBe('claimed');
    expect(second).toEqual({ outcome: 'replay', status: 201, body: first.body });
    expect((await database.query('SELECT id FROM idempotency_probe WHERE key = $1', [key])).rows).toHaveLength(1);
  });

  it('answers mismatch when the key comes back with a different request', async () => {
    const scope = idempotencyScope('org-1', 'partners.approve');
    const key = randomUUID();
    await approveOnce(database, scope, key, { note: 'ok' });

    const db = session();
    const outcome = await new IdempotencyStore(db).begin(scope, key, hash({ note: 'different' }));
    await db.rollback();

    expect(outcome).toEqual({ state: 'mismatch' });
    const error = idempotencyError(outcome as { state: 'mismatch' });
    expect(error).toBeInstanceOf(HttpError);
    expect(error.statusCode).toBe(422);
  });

  it('frees the key when the claiming transaction rolls back', async () => {
    const scope = 'org-1:x';
    const key = randomUUID();
    const failed = session();
    expect(await new IdempotencyStore(failed).begin(scope, key, hash(1))).toEqual({ state: 'claimed' });
    await failed.rollback();

    const retry = session();
    expect(await new IdempotencyStore(retry).begin(scope, key, hash(1))).toEqual({ state: 'claimed' });
    await retry.rollback();
  });

  it('answers in_flight for a key claimed by a transaction that committed without completing it', async () => {
    const scope = 'org-1:multi-step';
    const key = randomUUID();
    const first = session();
    await new IdempotencyStore(first).begin(scope, key, hash(1));
    await first.commit();

    const second = session();
    const outcome = await new IdempotencyStore(second).begin(scope, key, hash(1));
    await second.rollback();
    expect(outcome).toEqual({ state: 'in_flight' });
    expect(idempotencyError(outcome as { state: 'in_flight' }).statusCode).toBe(409);
  });

  it('keeps keys per scope: the same key in two tenants is two keys', async () => {
    const key = randomUUID();
    const a = await approveOnce(database, idempotencyScope('org-a', 'op'), key, {});
    const b = await approveOnce(database, idempotencyScope('org-b', 'op'), key, {});
    expect([a.outcome, b.outcome]).toEqual(['claimed', 'claimed']);
  });

  it('keeps a key for at least 24 hours, whatever ttl is asked for', async () => {
    const key = randomUUID();
    const db = session();
    await new IdempotencyStore(db, { ttlSeconds: 60 }).begin('org-1:ttl', key, hash(1));
    const { rows } = await db.execute<{ hours: number }>(
      'SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_keys WHERE key = $1',
      [key],
    );
    await db.rollback();
    expect(Number(rows[0]!.hours)).toBeGreaterThanOrEqual(24);
  });

  it('treats an expired key as new', async () => {
    const scope = 'org-1:expiry';
    const key = randomUUID();
    await approveOnce(database, scope, key, { v: 1 });
    await database.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1", [key]);

    const again = await approveOnce(database, scope, key, { v: 2 });
    expect(again.outcome).toBe('claimed');
    expect(await IdempotencyStore.purgeExpired(database)).toBeGreaterThanOrEqual(0);
  });

  it('refuses to complete a key it did not claim, and keys that are empty or too long', async () => {
    const db = session();
    const store = new IdempotencyStore(db);
    await expect(store.complete('org-1:none', randomUUID(), 200, {})).rejects.toThrow(/was not claimed/);
    await db.rollback();
    await expect(store.begin('s', '', hash(1))).rejects.toMatchObject({ statusCode: 400 });
    await expect(store.begin('s', 'k'.repeat(256), hash(1))).rejects.toMatchObject({ statusCode: 400 });
    await db.rollback();
  });

  it('lets 100 concurrent duplicates do the work exactly once; the others replay it', async () => {
    const scope = idempotencyScope('org-1', 'partners.approve');
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 100 }, () => approveOnce(database, scope, key, { n: 1 })));

    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
    const winner = results.find((r) => r.outcome === 'claimed')!;
    for (const r of results) expect(r).toMatchObject({ status: 201, body: winner.body });
    expect((await database.query('SELECT id FROM idempotency_probe WHERE key = $1', [key])).rows).toHaveLength(1);
  });
});

describeWithPostgres('IdempotencyStore with concurrent sessions on the PostgreSQL server', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => db.close());

  it('makes a second session wait for the claimer, then replay its response', async () => {
    const scope = 'org-1:wait';
    const key = randomUUID();
    const claimer = new DbSession(db.database);
    expect(await new IdempotencyStore(claimer).begin(scope, key, hash(1))).toEqual({ state: 'claimed' });

    const waiter = new DbSession(db.database);
    let settled: IdempotencyOutcome | undefined;
    const waiting = new IdempotencyStore(waiter).begin(scope, key, hash(1)).then((o) => (settled = o));
    await sleep(150);
    expect(settled).toBeUndefined(); // blocked behind the claimer's transaction

    await new IdempotencyStore(claimer).complete(scope, key, 200, { id: 7 });
    await claimer.commit();
    expect(await waiting).toEqual({ state: 'replay', status: 200, body: { id: 7 } });
    await waiter.rollback();
  });

  it('lets the waiting session claim the key when the claimer rolls back', async () => {
    const scope = 'org-1:wait';
    const key = randomUUID();
    const claimer = new DbSession(db.database);
    await new IdempotencyStore(claimer).begin(scope, key, hash(1));
    const waiter = new DbSession(db.database);
    const waiting = new IdempotencyStore(waiter).begin(scope, key, hash(1));
    await sleep(50);

    await claimer.rollback();
    expect(await waiting).toEqual({ state: 'claimed' });
    await waiter.rollback();
  });

  it('answers in_flight at once to a session that will not wait', async () => {
    const scope = 'org-1:nowait';
    const key = randomUUID();
    const claimer = new DbSession(db.database);
    await new IdempotencyStore(claimer).begin(scope, key, hash(1));

    const impatient = new DbSession(db.database);
    // The claimer holds the key until after this answer: a begin that waited for it would never return.
    expect(await new IdempotencyStore(impatient, { wait: false }).begin(scope, key, hash(1))).toEqual({ state: 'in_flight' });
    await impatient.rollback();
    await claimer.rollback();
  });
});
