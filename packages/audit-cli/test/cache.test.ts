import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/index.js';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE, runCli } from './support/project.js';

const files = {
  'src/modules/orders/order.service.ts': ORDER_SERVICE,
  'src/modules/orders/router.ts': ORDER_ROUTER,
  'src/util/strings.ts': 'export const upper = (s: string) => s.toUpperCase();\n',
};

/** Runs the audit with a cache and says what the cache did. */
async function cachedAudit(root: string, cacheFile: string, configFile?: string) {
  let stats: { reused: number; analysed: number } | undefined;
  const report = await runAudit({ root, cacheFile, ...(configFile ? { configFile } : {}), onCache: (s) => (stats = s) });
  return { report, stats: stats! };
}

describe('--cache', () => {
  it('gives the same report as a run without it, and reuses every unchanged file on the next run', async () => {
    const root = makeProject(files);
    const cacheFile = path.join(root, '.outbox-audit-cache');
    const plain = await runAudit({ root });
    const first = await cachedAudit(root, cacheFile);
    expect(first.stats).toEqual({ file: cacheFile, reused: 0, analysed: 2 });
    expect(first.report).toEqual(plain);
    const second = await cachedAudit(root, cacheFile);
    expect(second.stats).toMatchObject({ reused: 2, analysed: 0 });
    expect(second.report).toEqual(plain);
    // Written through a temporary file and a rename: nothing half-written is left beside it.
    expect(readdirSync(root).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('does not read a file whose size and time are unchanged, and reuses the analysis of one touched but not changed', async () => {
    const root = makeProject(files);
    const cacheFile = path.join(root, 'cache.json');
    await cachedAudit(root, cacheFile);
    // Same bytes, a new time (a fresh checkout): read and hashed again, still not parsed; the entry takes the new time.
    const service = path.join(root, 'src/modules/orders/order.service.ts');
    const later = new Date(Date.now() + 60_000);
    utimesSync(service, later, later);
    const touched = await cachedAudit(root, cacheFile);
    expect(touched.stats).toMatchObject({ reused: 2, analysed: 0 });
    const entries = (JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: Record<string, { mtimeMs: number; analysis?: object }> }).entries;
    expect(entries['src/modules/orders/order.service.ts']!.mtimeMs).toBe(statSync(service).mtimeMs);
    // The file with no role is remembered as skipped, without an analysis.
    expect(entries['src/util/strings.ts']).toMatchObject({ size: files['src/util/strings.ts'].length });
    expect(entries['src/util/strings.ts']!.analysis).toBeUndefined();
    expect(touched.report).toEqual(await runAudit({ root }));
  });

  it('analyses again a file whose bytes changed, and only that one', async () => {
    const root = makeProject(files);
    const cacheFile = path.join(root, 'cache.json');
    await cachedAudit(root, cacheFile);
    const service = path.join(root, 'src/modules/orders/order.service.ts');
    // The compliant operation loses its event: the cache must not hide the regression.
    writeFileSync(service, readFileSync(service, 'utf8').replace(/await this\.outbox\.addEvent\([^;]*;\n/, ''));
    const { report, stats } = await cachedAudit(root, cacheFile);
    expect(stats).toMatchObject({ reused: 1, analysed: 1 });
    expect(report).toEqual(await runAudit({ root }));
    expect(report.summary.compliant).toBe(0);
  });

  it('starts empty when the settings changed or the file is damaged', async () => {
    const root = makeProject(files);
    const cacheFile = path.join(root, 'cache.json');
    await cachedAudit(root, cacheFile);
    const config = path.join(root, 'strict.config.json');
    writeFileSync(config, JSON.stringify({ dbHandles: ['db', 'request.db', 'this.db', 'tx'] }));
    expect((await cachedAudit(root, cacheFile, config)).stats).toMatchObject({ reused: 0, analysed: 2 });
    // The size limit decides what is analysed: under a limit the service exceeds, it is a diagnostic, not a cache hit.
    let limited: { reused: number } | undefined;
    const small = await runAudit({ root, cacheFile, maxFileSize: 100, onCache: (s) => (limited = s) });
    expect(limited).toMatchObject({ reused: 0 });
    expect(small.diagnostics.map((d) => d.file)).toContain('src/modules/orders/order.service.ts');
    writeFileSync(cacheFile, '{"format":2,"key":');
    const { report, stats } = await cachedAudit(root, cacheFile);
    expect(stats).toMatchObject({ reused: 0, analysed: 2 });
    expect(report).toEqual(await runAudit({ root }));
  });

  it('drops the entries of files that are gone', async () => {
    const root = makeProject({ ...files, 'src/modules/orders/extra.service.ts': ORDER_SERVICE.replace('OrderService', 'ExtraService') });
    const cacheFile = path.join(root, 'cache.json');
    await cachedAudit(root, cacheFile);
    expect(Object.keys((JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: object }).entries)).toHaveLength(4);
    unlinkSync(path.join(root, 'src/modules/orders/extra.service.ts'));
    await cachedAudit(root, cacheFile);
    expect(Object.keys((JSON.parse(readFileSync(cacheFile, 'utf8')) as { entries: object }).entries).sort()).toEqual([
      'src/modules/orders/order.service.ts',
      'src/modules/orders/router.ts',
      'src/util/strings.ts',
    ]);
  });

  it('outbox-audit --cache keeps the file in the audited folder and says what it reused', async () => {
    const root = makeProject(files);
    const first = await runCli([root, '--cache', '--report-only', '--format', 'json']);
    const second = await runCli([root, '--cache', '--report-only', '--format', 'json']);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(existsSync(path.join(root, '.outbox-audit-cache'))).toBe(true);
    expect(first.stderr).toMatch(/cache .*\.outbox-audit-cache: 0 file\(s\) reused, 2 analysed/);
    expect(second.stderr).toMatch(/cache .*\.outbox-audit-cache: 2 file\(s\) reused, 0 analysed/);
    expect(second.stdout).toBe(first.stdout);
  });
});
