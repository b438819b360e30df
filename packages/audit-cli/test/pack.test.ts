import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/checkout.js';
import { ORDER_ROUTER, ORDER_SERVICE } from './support/project.js';

// SLOW (about 10–20 s; it runs `npm pack` and `npm install` from the local npm cache, the registry when the
// cache lacks a package): the three packages installed like real ones, from their tarballs, into an empty project
// outside the monorepo, and each front-end run there. It proves that "files", "exports" and "bin" are complete: the
// published `source` condition points at src/, which the tarballs ship (their source maps point there too).

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1', CI: 'true', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const PACKAGES = [
  { dir: 'analysis', name: 'outbox-analysis' },
  { dir: 'eslint-plugin-outbox', name: 'eslint-plugin-outbox' },
  { dir: 'audit-cli', name: 'outbox-audit' },
  { dir: 'codemods', name: 'outbox-codemod' },
] as const;

interface Packed {
  name: string;
  tarball: string;
  files: string[];
  manifest: { exports?: Record<string, unknown>; bin?: Record<string, string>; files?: string[] };
}

/** Every path an `exports` entry names, under every condition. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(exportTargets);
  return [];
}

describe('the packages install like real ones (slow: npm pack + npm install)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'outbox-pack-'));
  const consumer = path.join(out, 'consumer');
  const packed: Packed[] = [];

  beforeAll(async () => {
    // dist/ of every package is built by the project's globalSetup (test/support/build.ts) before this file runs.
    for (const pkg of PACKAGES) {
      const dir = path.join(REPO_ROOT, 'packages', pkg.dir);
      const result = await run('npm', ['pack', '--json', '--pack-destination', out], dir);
      if (result.code !== 0) throw new Error(`npm pack failed in packages/${pkg.dir}:\n${result.stderr}`);
      const [info] = JSON.parse(result.stdout) as { filename: string; files: { path: string }[] }[];
      packed.push({
        name: pkg.name,
        tarball: path.join(out, info!.filename),
        files: info!.files.map((f) => f.path),
        manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')),
      });
    }

    mkdirSync(consumer);
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    const eslintVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/eslint/package.json'), 'utf8')) as { version: string }).version;
    const install = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packed.map((p) => p.tarball), `eslint@${eslintVersion}`],
      consumer,
    );
    if (install.code !== 0) throw new Error(`npm install of the tarballs failed:\n${install.stderr}`);

    // A small backend to run the tools on: one compliant operation, one that leaves its commit to the router.
    for (const [file, text] of Object.entries({ 'src/modules/orders/order.service.ts': ORDER_SERVICE, 'src/modules/orders/router.ts': ORDER_ROUTER })) {
      mkdirSync(path.dirname(path.join(consumer, file)), { recursive: true });
      writeFileSync(path.join(consumer, file), text);
    }
  });

  // The consumer's node_modules is about 50 MB (TypeScript, ESLint): do not leave one behind per run.
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('ship every file their exports and bins name, with type declarations', () => {
    for (const p of packed) {
      const targets = [...exportTargets(p.manifest.exports), ...Object.values(p.manifest.bin ?? {})].map((t) => t.replace(/^\.\//, ''));
      const missing = targets.filter((t) => !p.files.includes(t));
      expect(missing, `${p.name}: named in package.json but not in the tarball`).toEqual([]);
      expect(p.files.some((f) => f.endsWith('.d.ts'))).toBe(true);
      expect(p.files.filter((f) => f.startsWith('test/') || f.endsWith('.tsbuildinfo'))).toEqual([]);
    }
  });

  it('outbox-audit runs from the installed bin', async () => {
    const audit = await run(path.join(consumer, 'node_modules/.bin/outbox-audit'), ['.', '--format', 'json'], consumer);
    expect(audit.code).toBe(1);
    const report = JSON.parse(audit.stdout) as { summary: { operations: number; compliant: number }; routers: { file: string }[] };
    expect(report.summary).toMatchObject({ operations: 2, compliant: 1 });
    expect(report.routers.map((r) => r.file)).toEqual(['src/modules/orders/router.ts']);
    const version = await run(path.join(consumer, 'node_modules/.bin/outbox-audit'), ['--version'], consumer);
    expect(version.stdout.trim()).toBe('0.1.0');
  });

  it('ESLint runs with the installed plugin', async () => {
    writeFileSync(path.join(consumer, 'eslint.config.js'), "import outbox from 'eslint-plugin-outbox';\n\nexport default [outbox.configs.recommended];\n");
    const eslint = await run(path.join(consumer, 'node_modules/.bin/eslint'), ['src', '--format', 'json'], consumer);
    expect(eslint.code).toBe(1);
    const results = JSON.parse(eslint.stdout) as { filePath: string; messages: { ruleId: string }[] }[];
    const rules = results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)} ${m.ruleId}`)).sort();
    expect(rules).toContain('router.ts outbox/no-db-in-router');
    expect(rules).toContain('order.service.ts outbox/require-service-commit');
  });

  it('the type declarations resolve for a TypeScript consumer (NodeNext)', async () => {
    writeFileSync(
      path.join(consumer, 'consumer.ts'),
      `import type { AuditReport } from 'outbox-audit';
import { resolveSettings, type Operation } from 'outbox-analysis';
import outbox from 'eslint-plugin-outbox';

export const settings = resolveSettings({ dbHandles: ['db'] });
export const rules: string[] = Object.keys(outbox.rules ?? {});
export type Compliance = Pick<AuditReport['summary'], 'percent'> & Pick<Operation, 'compliant'>;
`,
    );
    const tsc = await run(
      path.join(consumer, 'node_modules/.bin/tsc'),
      ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'consumer.ts'],
      consumer,
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });

  it('outbox-codemod runs from the installed bin (help, and a dry run)', async () => {
    const help = await run(path.join(consumer, 'node_modules/.bin/outbox-codemod'), ['--help'], consumer);
    expect(help.code).toBe(0);
    // An installed bin is the symlink node_modules/.bin/outbox-codemod: a CLI that decides it is the main module by
    // process.argv[1] ending in cli.js does nothing at all when installed (exit 0, no output).
    expect(help.stdout, 'the installed outbox-codemod bin printed no help: does src/cli.ts recognise being run through a bin symlink?').toContain('outbox-codemod');
    // A dry run plans from the installed analysis: the commit the router holds moves into the service.
    const dryRun = await run(path.join(consumer, 'node_modules/.bin/outbox-codemod'), ['service-commit', '.'], consumer);
    expect(dryRun.code).toBe(1);
    expect(dryRun.stdout).toContain('+++ b/src/modules/orders/order.service.ts');
    expect(dryRun.stdout).toContain('-    await request.db.commit();');
  });
});
