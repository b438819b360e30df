import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { InProcessBroker, type BrokerMessage } from '../../src/core/broker/broker.js';
import { OutboxRelay } from '../../src/core/outbox/relay.js';
import { runReplayCli } from '../../src/core/outbox/replay-cli.js';
import { openTestDatabase, type TestDatabase } from '../support/database.js';
import { describeWithPostgres, PATIENCE_MS } from '../support/servers.js';
import { commitEvents, drain, resetOutbox } from './support.js';

/**
 * Guarantee 3 (DESIGN.md), retry budget: a row the broker cannot take moves to `outbox_dead_letter` after 5 attempts,
 * with its attempt history; other aggregates keep flowing meanwhile; a dead-lettered row is replayed by command
 * (`npm run outbox:replay -w reference-runtime -- <id>`, i.e. `tsx src/core/outbox/replay-cli.ts <id>`).
 */

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TSX = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

/** A broker whose partition for aggregate `down` is unreachable until `restore()`. */
function partlyDownBroker(down: string) {
  const broker = new InProcessBroker();
  const published: BrokerMessage[] = [];
  let isDown = true;
  broker.subscribe((message) => {
    if (isDown && message.aggregateId === down) throw new Error(`broker partition for ${down} unreachable`);
    published.push(message);
  });
  return { broker, published, restore: () => (isDown = false) };
}

describe('dead letters and replay by command', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    database = testDb.database;
  });
  afterAll(async () => testDb?.close());
  beforeEach(async () => resetOutbox(database));

  it('after 5 failed attempts the row is in the DLQ with its history; other aggregates keep flowing; replay by command delivers it', async () => {
    const { broker, published, restore } = partlyDownBroker('A');
    const relay = new OutboxRelay(database, broker, { backoff: { baseMs: 5, capMs: 20 }, onError: () => undefined });
    const specs = [
      { aggregateId: 'A', payload: { n: 'a1' } },
      { aggregateId: 'B', payload: { n: 'b1' } },
      { aggregateId: 'A', payload: { n: 'a2' } },
      { aggregateId: 'C', payload: { n: 'c1' } },
      { aggregateId: 'B', payload: { n: 'b2' } },
    ];
    const [a1, b1, a2, c1, b2] = await commitEvents(database, specs);

    // The broker stays down for A longer than the retry budget: the relay keeps running until A's rows are dead.
    const deadline = Date.now() + PATIENCE_MS;
    let deadCount = 0;
    while (deadCount < 2) {
      if (Date.now() > deadline) throw new Error(`A did not reach the dead-letter table within ${PATIENCE_MS / 1000} s`);
      await relay.runOnce();
      deadCount = (await relay.deadLetters()).length;
      if (deadCount < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // B and C flowed while A was failing, in their own order; A's second event never overtook its first.
    expect(published.map((m) => m.eventId)).toEqual([b1, c1, b2]);

    const dead = await relay.deadLetters();
    expect(dead.map((d) => d.eventId)).toEqual([a1, a2]);
    for (const row of dead) {
      expect(row.attempts).toBe(5);
      expect(row.errors.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
      for (const attempt of row.errors) {
        expect(attempt.error).toContain('broker partition for A unreachable');
        expect(attempt.round).toBe(0);
        expect(Number.isNaN(Date.parse(attempt.at))).toBe(false);
      }
      expect(row.lastError).toContain('unreachable');
    }
    expect((await database.query("SELECT 1 FROM outbox WHERE aggregate_id = 'A'")).rowCount).toBe(0);

    // The broker comes back; an operator replays the dead letters by command.
    restore();
    const out: string[] = [];
    const err: string[] = [];
    expect(await runReplayCli(['list'], { database, out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(0);
    expect(out.at(-1)).toBe('2 dead-lettered row(s)');
    expect(await runReplayCli([dead[0]!.id, '999999'], { database, out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(1);
    expect(err).toEqual(['no dead-lettered row 999999']);
    expect(await runReplayCli(['--all'], { database, out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(0);
    expect(await runReplayCli(['not-an-id'], { database, out: () => undefined, err: () => undefined })).toBe(2);

    await drain(database, relay);
    expect(published.map((m) => m.eventId)).toEqual([b1, c1, b2, a1, a2]); // A in order once replayed
    expect(await relay.deadLetters()).toEqual([]);
    const replayed = await database.query<{ status: string; replay_count: number }>(
      "SELECT status, replay_count FROM outbox WHERE aggregate_id = 'A' ORDER BY id",
    );
    expect(replayed.rows).toEqual([
      { status: 'sent', replay_count: 1 },
      { status: 'sent', replay_count: 1 },
    ]);
  });

  it('npm run outbox:replay is the replay command', () => {
    const scripts = (JSON.parse(readFileSync(`${PACKAGE_DIR}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['outbox:replay']).toBe('tsx src/core/outbox/replay-cli.ts');
  });
});

// PGlite in memory cannot be shared with another process: the command as a process runs against the server (project
// runtime-servers); the in-process run above covers its logic on the embedded database.
describeWithPostgres('the replay command as a process (PostgreSQL server)', () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    database = testDb.database;
  });
  afterAll(async () => testDb?.close());
  beforeEach(async () => resetOutbox(database));

  it('tsx src/core/outbox/replay-cli.ts lists and replays a dead letter of the database server', async () => {
    const { broker, restore } = partlyDownBroker('A');
    const relay = new OutboxRelay(database, broker, { maxAttempts: 1, onError: () => undefined });
    await commitEvents(database, [{ aggregateId: 'A' }]);
    await relay.runOnce();
    const [dead] = await relay.deadLetters();
    expect(dead).toBeDefined();

    const run = (args: string[]) =>
      promisify(execFile)(TSX, ['src/core/outbox/replay-cli.ts', ...args], {
        cwd: PACKAGE_DIR,
        timeout: PATIENCE_MS,
        env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: testDb.schema },
      });
    expect((await run(['list'])).stdout).toContain(`${dead!.id}\tguarantee.happened\tguarantee/A\tattempts=1`);
    expect((await run([dead!.id])).stdout).toBe(`replayed ${dead!.id}\n`);
    await expect(run([dead!.id])).rejects.toMatchObject({ code: 1 });

    restore();
    await drain(database, relay);
    expect(await relay.deadLetters()).toEqual([]);
  });
});
