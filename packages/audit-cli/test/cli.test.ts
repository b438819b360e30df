import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE, runCli } from './support/project.js';

const project = () =>
  makeProject({
    'src/modules/orders/order.service.ts': ORDER_SERVICE,
    'src/modules/orders/router.ts': ORDER_ROUTER,
  });

describe("TypeScript's code cache", () => {
  it('is kept by init as by the audit, under the temporary folder, unless NODE_DISABLE_COMPILE_CACHE is set', async () => {
    const cacheFiles = (tmp: string) => {
      const dir = path.join(tmp, `outbox-toolkit-${process.getuid?.() ?? 'user'}`, 'v8-cache');
      return existsSync(dir) ? readdirSync(dir).filter((name) => /^typescript-[0-9a-f]+\.bin$/.test(name)) : [];
    };
    const on = mkdtempSync(path.join(tmpdir(), 'outbox-init-cache-'));
    const init = await runCli(['init', project()], { env: { TMPDIR: on, NODE_DISABLE_COMPILE_CACHE: '' } });
    expect(init.code, init.stderr).toBe(0);
    expect(cacheFiles(on)).toHaveLength(1);
    const off = mkdtempSync(path.join(tmpdir(), 'outbox-init-cache-'));
    const initOff = await runCli(['init', project()], { env: { TMPDIR: off, NODE_DISABLE_COMPILE_CACHE: '1' } });
    expect(initOff.code, initOff.stderr).toBe(0);
    expect(cacheFiles(off)).toEqual([]);
  });
});

describe('outbox-audit exit codes', () => {
  it('exits 1 when the default gate finds anything, 0 with --report-only', async () => {
    const root = project();
    const failed = await runCli([root]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('Gate failed: 1 non-compliant operation(s), 1 router DB call(s)');
    const reportOnly = await runCli([root, '--report-only']);
    expect(reportOnly.code).toBe(0);
  });

  it('exits 2 with the file, key and problem for a bad config', async () => {
    const root = project();
    writeFileSync(path.join(root, 'outbox.config.json'), JSON.stringify({ serviceFile: ['x'] }));
    const run = await runCli([root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(root, 'outbox.config.json')}: serviceFile: unknown key (did you mean "serviceFiles"?)`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a bad option or a missing folder, without a stack trace', async () => {
    const badFormat = await runCli(['--format', 'pdf']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/Allowed choices are text, markdown, json, sarif, github/);
    const missing = await runCli(['/no/such/folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('outbox-audit: /no/such/folder: no such folder\n');
    const badScore = await runCli(['.', '--min-score', '13']);
    expect(badScore.code).toBe(2);
  });

  it('ratchets with a baseline: known gaps pass, a new router commit and a lost event fail, fixes are reported', async () => {
    const root = project();
    const baseline = path.join(root, 'baseline.json');
    const written = await runCli([root, '--write-baseline', baseline]);
    expect(written.code).toBe(0);
    expect(JSON.parse(readFileSync(baseline, 'utf8'))).toMatchObject({
      schemaVersion: 2,
      operations: { 'src/modules/orders/order.service.ts | OrderService.cancelOrder': { outbox: true, idempotency: false, event: false, commit: false } },
      routerCalls: { 'src/modules/orders/router.ts | POST /orders/:id/cancel | commit': 1 },
    });
    expect((await runCli([root, '--baseline', baseline])).code).toBe(0);

    const service = path.join(root, 'src/modules/orders/order.service.ts');
    const router = path.join(root, 'src/modules/orders/router.ts');
    // Lines move (a comment on top): identities do not.
    writeFileSync(service, `// moved\n\n${ORDER_SERVICE.replace("await this.outbox.addEvent({ eventType: 'orders.placed', payload: rows[0] });\n", '')}`);
    writeFileSync(router, ORDER_ROUTER.replace("return new OrderService(request.db, store).placeOrder(", "await request.db.commit();\n    return new OrderService(request.db, store).placeOrder("));
    const worse = await runCli([root, '--baseline', baseline, '--format', 'json']);
    expect(worse.code).toBe(1);
    expect(worse.stderr).toContain('new: src/modules/orders/router.ts | POST /orders | commit');
    expect(worse.stderr).toContain('new: src/modules/orders/order.service.ts | OrderService.placeOrder (line 12) lacks event');

    writeFileSync(service, ORDER_SERVICE);
    writeFileSync(router, ORDER_ROUTER.replace('    await request.db.commit();\n', ''));
    const better = await runCli([root, '--baseline', baseline]);
    expect(better.code).toBe(0);
    expect(better.stdout).toContain('fixed: src/modules/orders/router.ts | POST /orders/:id/cancel | commit: 1 router DB call(s) removed');
  });

  it('gates on --min-score and --min-compliance', async () => {
    const root = project();
    expect((await runCli([root, '--min-score', '0'])).code).toBe(0);
    // The default profile runs 7 checks: 7 can fail, 8 can never pass and is a usage error that says why.
    expect((await runCli([root, '--min-score', '7'])).code).toBe(1);
    const unreachable = await runCli([root, '--min-score', '12']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('--min-score 12 can never be met: the checklist runs 7 item(s) (profile "default"');
    expect((await runCli([root, '--min-compliance', '50'])).code).toBe(0);
    expect((await runCli([root, '--min-compliance', '51'])).code).toBe(1);
  });

  it('teaches in --help, with init and merge as subcommands that have their own help', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('--baseline <file>');
    expect(help.stdout).toMatch(/Commands:\n\s+init \[options\] \[path\]\s+write a starter outbox\.config\.json/);
    expect(help.stdout).toMatch(/\n\s+merge \[options\] <parts\.\.\.>\s+the report of a sharded audit/);
    expect(help.stdout).toMatch(/--max-file-size <MiB>[^]*?\(default:\s+2 MiB\)/);
    const merge = await runCli(['merge', '--help']);
    expect(merge.code).toBe(0);
    expect(merge.stdout).toContain('Usage: outbox-audit merge [options] <parts...>');
    expect(merge.stdout).toContain('--format <format>');
    expect(merge.stdout).not.toMatch(/^\s+--shard /m);
    const init = await runCli(['init', '--help']);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Usage: outbox-audit init [options] [path]');
    expect(init.stdout).toContain('--force');
    expect(init.stdout).not.toContain('--format');
  });

  it('writes -o, --sarif and --write-baseline into folders it creates', async () => {
    const root = project();
    const out = path.join(root, 'reports', 'deep');
    const run = await runCli([root, '--report-only', '--format', 'json', '-o', path.join(out, 'report.json'), '--sarif', path.join(out, 'sarif', 'outbox.sarif')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).schemaVersion).toBe(2);
    expect(JSON.parse(readFileSync(path.join(out, 'sarif', 'outbox.sarif'), 'utf8')).version).toBe('2.1.0');
    expect((await runCli([root, '--write-baseline', path.join(out, 'b', 'baseline.json')])).code).toBe(0);
  });

  it('states the date and the commit in the Markdown report', async () => {
    const root = project();
    const md = await runCli([root, '--format', 'markdown', '--report-only'], { env: { SOURCE_DATE_EPOCH: '1767225600', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567' } });
    expect(md.stdout).toContain('Made on 2026-01-01T00:00:00Z at commit `0123456789abcdef0123456789abcdef01234567`.');
  });
});
