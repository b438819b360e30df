import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A copy of the reference runtime laid out as in the monorepo (`<tmp>/packages/reference-runtime`, the base tsconfig
 * beside it, node_modules linked), so its own tsc and vitest run on the copy. The original is never touched.
 */
export function copyRuntime(prefix = 'outbox-migration-'): { base: string; root: string } {
  const base = mkdtempSync(path.join(tmpdir(), prefix));
  const root = path.join(base, 'packages', 'reference-runtime');
  mkdirSync(path.dirname(root), { recursive: true });
  cpSync(path.join(repoRoot, 'packages', 'reference-runtime'), root, {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}node_modules`),
  });
  cpSync(path.join(repoRoot, 'tsconfig.base.json'), path.join(base, 'tsconfig.base.json'));
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(base, 'node_modules'), 'dir');
  return { base, root };
}

/**
 * Runs a tool of the monorepo (tsc, vitest) on the copy, without the calling vitest's environment leaking in; with
 * `servers`, the copy's suites that need PostgreSQL and Redis run against them instead of skipping.
 */
export function runTool(
  bin: 'tsc' | 'vitest',
  args: string[],
  cwd: string,
  servers: { DATABASE_URL: string; REDIS_URL: string } | undefined = undefined,
): { status: number; output: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'TEST'));
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', bin === 'tsc' ? 'typescript/bin/tsc' : 'vitest/vitest.mjs'), ...args], {
    cwd,
    // Embedded PGlite and in-process Redis unless real servers are asked for (their suites skip otherwise).
    env: { ...env, ...(servers ? { ...servers, OUTBOX_REAL_SERVERS: '1' } : { DATABASE_URL: '', REDIS_URL: '', OUTBOX_REAL_SERVERS: '' }) },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}
