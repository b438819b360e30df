import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the "source" export condition), so tests need no build.
const resolve = { conditions: ['source'] };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: 'runtime',
          root: 'packages/reference-runtime',
          include: ['test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
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
        test: { name: 'codemods', root: 'packages/codemods', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
      },
    ],
  },
});
