// Written by outbox-codemod's migration test into the MIGRATED copy of the reference runtime (test/codemod/), and run
// there: it proves the injected idempotency claim on the real app, through HTTP only.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/runtime.js';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => rt.close());

let serial = 5000;
function partnerBody() {
  const pan = `AAACM${serial++}F`;
  return { partnerType: 'buyer', legalName: 'Concurrent Traders Pvt Ltd', pan, city: 'Indore', state: 'Madhya Pradesh' };
}

describe('Idempotency-Key after the migration', () => {
  it('50 concurrent requests with one key make exactly one business row and one outbox event', async () => {
    const key = randomUUID();
    const body = partnerBody();
    const responses = await Promise.all(Array.from({ length: 50 }, () => rt.post('/partners', body, { 'idempotency-key': key })));

    const statuses = responses.map((res) => res.statusCode);
    // The first claims the key; the others wait for it and replay its response (or are told it is in flight).
    expect(statuses.every((status) => status === 201 || status === 409), JSON.stringify(statuses)).toBe(true);
    expect(await rt.count('partners', 'pan = $1', [body.pan])).toBe(1);
    const [partner] = await rt.rows<{ id: string }>('SELECT id FROM partners WHERE pan = $1', [body.pan]);
    expect(await rt.count('outbox', 'aggregate_id = $1', [partner!.id])).toBe(1);
    const ids = new Set(responses.filter((res) => res.statusCode === 201).map((res) => res.json().id));
    expect([...ids]).toEqual([partner!.id]);
  });

  it('a replay returns the stored response and writes nothing', async () => {
    const key = randomUUID();
    const body = partnerBody();
    const first = await rt.post('/partners', body, { 'idempotency-key': key });
    expect(first.statusCode).toBe(201);
    const outboxBefore = await rt.count('outbox');

    const replay = await rt.post('/partners', body, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(201);
    expect(replay.json().id).toBe(first.json().id);
    expect(replay.json().legalName).toBe(first.json().legalName);
    expect(await rt.count('partners', 'pan = $1', [body.pan])).toBe(1);
    expect(await rt.count('outbox')).toBe(outboxBefore);
  });

  it('the same key with a different request is refused (422)', async () => {
    const key = randomUUID();
    expect((await rt.post('/partners', partnerBody(), { 'idempotency-key': key })).statusCode).toBe(201);
    expect((await rt.post('/partners', partnerBody(), { 'idempotency-key': key })).statusCode).toBe(422);
  });
});
