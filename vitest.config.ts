import { defineConfig } from 'vitest/config';

// What the tests run: the workspace packages' TypeScript sources, never a stale dist/. Each package's exports carry a
// "source" condition (src/*.ts); vitest runs test files in its SSR environment, which resolves with
// `ssr.resolve.conditions` (the top-level `resolve.conditions` does not reach it), and a workspace package resolved
// to its src/ is outside node_modules, so vitest transforms it instead of handing it to Node, and the packages it
// imports resolve to their sources in turn. A change in packages/analysis/src is what the next `vitest run` tests,
// and a fresh clone runs `npx vitest run --project audit` without building.
//
// The only exception is the audit project's tests whose subject is the build itself — the installed tarballs
// (pack.test.ts), the PR check's commands as the workflow runs them (workflow.test.ts), and the shipped CLI's worker
// threads (audit.test.ts) — which run dist/: its globalSetup (test/support/build.ts) runs `npm run build` once,
// before any of them (tsc -b, incremental: a no-op when dist/ is current).
// 'node' and 'development|production' are vitest's defaults, which a list given here replaces. vitest also passes these
// conditions to its worker processes (--conditions): were Node itself to load a workspace package there, it would get
// src/*.ts, which Node 20 cannot run, and fail loudly rather than quietly read dist/.
const ssr = { resolve: { conditions: ['source', 'node', 'development|production'] } };

// The runtime's suite runs on the embedded defaults (PGlite, in-process Redis and bus). With DATABASE_URL / REDIS_URL
// set (.ci/run sets both), it runs a second time against those real servers (project runtime-servers).
const databaseUrl = process.env.DATABASE_URL ?? '';
const redisUrl = process.env.REDIS_URL ?? '';
if (process.env.CI === 'true' && (!databaseUrl || !redisUrl)) {
  throw new Error('CI=true needs DATABASE_URL and REDIS_URL: the real-server suite must run in CI, never skip (see .ci/run)');
}
// The runtime's own settings (files, timeouts) live beside it, so a copy of the package run on its own — the
// migration test's `vitest run --root <copy>` — gets the same ones.
const runtimeConfig = './packages/reference-runtime/vitest.config.ts';

// Timeouts only stop a hang: the tests wait for conditions, so a busy machine makes them slower, not red. Hooks get
// the same (vitest's default hookTimeout is 10 s: a beforeAll that lints or parses the whole runtime needs more).
const patience = (ms: number) => ({ testTimeout: ms, hookTimeout: ms });

export default defineConfig({
  test: {
    projects: [
      {
        extends: runtimeConfig,
        ssr,
        test: { name: 'runtime', root: 'packages/reference-runtime', env: { DATABASE_URL: '', REDIS_URL: '', OUTBOX_REAL_SERVERS: '' } },
      },
      ...(databaseUrl || redisUrl
        ? [
            {
              extends: runtimeConfig,
              ssr,
              test: {
                name: 'runtime-servers',
                root: 'packages/reference-runtime',
                env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, OUTBOX_REAL_SERVERS: '1' },
              },
            },
          ]
        : []),
      {
        ssr,
        test: { name: 'analysis', root: 'packages/analysis', include: ['test/**/*.test.ts'], ...patience(120_000) },
      },
      {
        ssr,
        test: { name: 'eslint-plugin', root: 'packages/eslint-plugin-outbox', include: ['test/**/*.test.ts'], ...patience(120_000) },
      },
      {
        ssr,
        test: {
          name: 'audit',
          root: 'packages/audit-cli',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/build.ts'],
          ...patience(300_000),
        },
      },
      {
        ssr,
        test: {
          name: 'codemods',
          root: 'packages/codemods',
          include: ['test/**/*.test.ts'],
          exclude: ['test/migration.test.ts'],
          ...patience(240_000),
        },
      },
      // The end-to-end migration runs the runtime's whole suite on a migrated copy in a child process: `npm test`
      // runs it on its own, after the rest, so it never competes with the other projects for the two cores.
      {
        ssr,
        test: { name: 'migration', root: 'packages/codemods', include: ['test/migration.test.ts'], ...patience(1_800_000) },
      },
    ],
  },
});
