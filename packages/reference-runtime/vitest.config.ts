import { defineConfig } from 'vitest/config';

/**
 * The runtime's own test settings. The root config's `runtime` and `runtime-servers` projects extend this file, and a
 * copy of this package run on its own (`vitest run --root <copy>`, as the codemods' migration test does) reads it
 * too, so the runtime's suite runs with the same files and timeouts wherever it runs.
 *
 * The timeouts only stop a hang. No test measures speed: each waits for the condition it needs (a delivery, a
 * heartbeat, a drained outbox) and fails on what happened, so a busy machine makes it slower, never red.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
