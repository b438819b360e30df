import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from './support/runtime.js';

describe('the app shell', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime();
  });
  afterAll(async () => rt.close());

  it('answers /health with the database kind', async () => {
    const res = await rt.get('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json().database).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  });

  it('answers an unknown route with a 404 naming it', async () => {
    const res = await rt.get('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('/nope');
  });

  it('applied the core migration', async () => {
    // The table exists (count answers); its rows depend on which operations already add events.
    expect(await rt.count('outbox')).toBeGreaterThanOrEqual(0);
  });
});
