import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const warnings: string[] = [];
  const report = await runAudit({ root, cacheFile, ...(configFile ? { configFile } : {}), onCache: (s) => (stats = s), onWarning: (w) => warnings.push(w) });
  return { report, stats: stats!, warnings };
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

  it('keeps a controller that was listed without being parsed: the cached report is the fresh one', async () => {
    const root = makeProject({
      'outbox.config.json': JSON.stringify({ presets: ['nestjs', 'prisma'] }),
      'src/orders/orders.controller.ts': "import { Controller, Get } from '@nestjs/common';\n@Controller('orders')\nexport class OrdersController {\n  @Get() list() { return this.orders.list(); }\n}\n",
      'src/orders/orders.service.ts': "export class OrdersService {\n  async cancel(id: string) { await this.prisma.order.update({ where: { id }, data: { status: 'cancelled' } }); }\n}\n",
    });
    const cacheFile = path.join(root, '.outbox-audit-cache');
    const plain = await runAudit({ root });
    expect(plain.routers.map((r) => r.file)).toEqual(['src/orders/orders.controller.ts']);
    expect(plain.summary).toMatchObject({ routers: 1, services: 1, filesParsed: 1 });
    const first = await cachedAudit(root, cacheFile);
    expect(first.report).toEqual(plain);
    const second = await cachedAudit(root, cacheFile);
    expect(second.stats).toMatchObject({ reused: 1, analysed: 0 });
    expect(second.report).toEqual(plain);
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
    writeFileSync(cacheFile, '{"format":3,"key":');
    const { report, stats, warnings } = await cachedAudit(root, cacheFile);
    expect(stats).toMatchObject({ reused: 0, analysed: 2 });
    expect(warnings).toEqual([expect.stringMatching(/cache.*ignored: not a cache file of this version \(damaged\?\); starting from an empty cache/)]);
    expect(report).toEqual(await runAudit({ root }));
  });

  it('discards, with a warning and never a crash, a cache whose entries were tampered with or cut short', async () => {
    const root = makeProject(files);
    const cacheFile = path.join(root, 'cache.json');
    await cachedAudit(root, cacheFile);
    const good = readFileSync(cacheFile, 'utf8');
    // An edit that keeps valid JSON: the checksum no longer matches.
    writeFileSync(cacheFile, good.replace('"routerDbCalls":[', '"routerDbCalls":[{"call":"commit"},'));
    let run = await cachedAudit(root, cacheFile);
    expect(run.warnings).toEqual([expect.stringMatching(/checksum does not match/)]);
    expect(run.report).toEqual(await runAudit({ root }));
    // Cut short.
    writeFileSync(cacheFile, good.slice(0, good.length / 2));
    run = await cachedAudit(root, cacheFile);
    expect(run.warnings).toEqual([expect.stringMatching(/checksum does not match/)]);
    expect(run.stats).toMatchObject({ reused: 0 });
  });

  it('never reads a cache through a symbolic link, and replaces the link instead of writing through it', async () => {
    const root = makeProject(files);
    const elsewhere = mkdtempSync(path.join(tmpdir(), 'outbox-cache-target-'));
    const target = path.join(elsewhere, 'target.json');
    writeFileSync(target, 'KEEP');
    const cacheFile = path.join(root, 'cache.json');
    symlinkSync(target, cacheFile);
    const run = await cachedAudit(root, cacheFile);
    expect(run.warnings).toEqual([expect.stringMatching(/it is a symbolic link/)]);
    expect(readFileSync(target, 'utf8')).toBe('KEEP');
    expect(existsSync(cacheFile) && !statSync(cacheFile).isSymbolicLink()).toBe(true);
  });

  it('hits in a fresh clone: same tree in another folder, other times, the cache carried over — no file parsed', async () => {
    // Two clones of one commit in two folders, with their own (different) modification times, as two CI runs get.
    const base = mkdtempSync(path.join(tmpdir(), 'outbox-clones-'));
    const source = makeProject({ ...files, 'src/modules/pay/payment.service.ts': ORDER_SERVICE.replace('OrderService', 'PaymentService') });
    const first = path.join(base, 'run-1', 'repo');
    const second = path.join(base, 'elsewhere', 'run-2', 'checkout');
    for (const clone of [first, second]) {
      mkdirSync(path.dirname(clone), { recursive: true });
      cpSync(source, clone, { recursive: true });
    }
    const later = new Date(Date.now() + 3_600_000);
    for (const rel of Object.keys(files)) utimesSync(path.join(second, rel), later, later);
    // docs/adopting.md's recipe: actions/cache saves and restores node_modules/.cache/outbox-audit.
    const one = await runCli([first, '--cache', '--report-only', '--format', 'json']);
    expect(one.stderr).toMatch(/0 file\(s\) reused, 3 analysed/);
    cpSync(path.join(first, 'node_modules/.cache/outbox-audit'), path.join(second, 'node_modules/.cache/outbox-audit'), { recursive: true });
    const two = await runCli([second, '--cache', '--report-only', '--format', 'json']);
    expect(two.stderr).toMatch(/3 file\(s\) reused, 0 analysed/);
    expect(two.stdout).toBe(one.stdout);
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

  it('outbox-audit --cache keeps the file in node_modules/.cache/outbox-audit and says what it reused', async () => {
    const root = makeProject(files);
    const first = await runCli([root, '--cache', '--report-only', '--format', 'json']);
    const second = await runCli([root, '--cache', '--report-only', '--format', 'json']);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(existsSync(path.join(root, 'node_modules/.cache/outbox-audit/audit-cache.json'))).toBe(true);
    expect(first.stderr).toMatch(/cache .*audit-cache\.json: 0 file\(s\) reused, 2 analysed/);
    expect(second.stderr).toMatch(/cache .*audit-cache\.json: 2 file\(s\) reused, 0 analysed/);
    expect(second.stdout).toBe(first.stdout);
  });
});
