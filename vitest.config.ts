import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the "source" export condition), so tests need no build.
const resolve = { conditions: ['source'] };

// The runtime's suite runs on the embedded defaults (PGlite, in-process Redis and bus). With DATABASE_URL / REDIS_URL
// set (.ci/run sets both), it runs a second time against those real servers.
const databaseUrl = process.env.DATABASE_URL ?? '';
const redisUrl = process.env.REDIS_URL ?? '';
if (process.env.CI === 'true' && (!databaseUrl || !redisUrl)) {
  throw new Error('CI=true needs DATABASE_URL and REDIS_URL: the real-server suite must run in CI, never skip (see .ci/run)');
}
const runtimeTest = {
  root: 'packages/reference-runtime',
  include: ['test/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: { ...runtimeTest, name: 'runtime', env: { DATABASE_URL: '', REDIS_URL: '', OUTBOX_REAL_SERVERS: '' } },
      },
      ...(databaseUrl || redisUrl
        ? [
            {
              resolve,
              test: {
                ...runtimeTest,
                name: 'runtime-servers',
                env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, OUTBOX_REAL_SERVERS: '1' },
              },
            },
          ]
        : []),
      {
        resolve,
        test: { name: 'analysis', root: 'packages/analysis', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        resolve,
        test: { name: 'eslint-plugin', root: 'packages/eslint-plugin-outbox', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        resolve,
        test: { name: 'audit', root: 'packages/audit-cli', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        resolve,
        test: {
          name: 'codemods',
          root: 'packages/codemods',
          include: ['test/**/*.test.ts'],
          exclude: ['test/migration.test.ts'],
          testTimeout: 120_000,
        },
      },
      // The end-to-end migration runs the runtime's whole suite on a migrated copy in a child process: `npm test`
      // runs it on its own, after the rest, so it never competes with the other projects for the two cores.
      {
        resolve,
        test: { name: 'migration', root: 'packages/codemods', include: ['test/migration.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
      },
    ],
  },
});
