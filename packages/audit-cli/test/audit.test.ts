import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit, type AuditReport } from '../src/index.js';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE, runBuiltCli } from './support/project.js';

describe('runAudit on a small project', () => {
  it('reports operations, routers and the checklist in the JSON contract', async () => {
    const root = makeProject({
      'src/modules/orders/order.service.ts': ORDER_SERVICE,
      'src/modules/orders/router.ts': ORDER_ROUTER,
      'src/util/strings.ts': 'export const upper = (s: string) => s.toUpperCase();\n',
    });
    const report = await runAudit({ root });
    expect(report.schemaVersion).toBe(2);
    expect(report.summary).toMatchObject({ operations: 2, compliant: 1, percent: 50, routerDbCommit: 1, routerDbExecute: 0, routerDbOther: 0, routers: 1, routersWithFindings: 1, services: 1 });
    expect(report.operations.map((o) => [o.className, o.method, o.compliant])).toEqual([
      ['OrderService', 'placeOrder', true],
      ['OrderService', 'cancelOrder', false],
    ]);
    const cancel = report.operations[1]!;
    expect(cancel).toMatchObject({
      module: 'orders',
      kind: 'service',
      file: 'src/modules/orders/order.service.ts',
      line: 19,
      outbox: true,
      idempotency: false,
      event: false,
      commit: false,
    });
    expect(cancel.missing.map((m) => m.reason).sort()).toEqual(['commit-left-to-router', 'no-event', 'no-idempotency-check']);
    expect(report.routers).toEqual([
      { file: 'src/modules/orders/router.ts', module: 'orders', dbCommit: 1, dbExecute: 0, dbOther: 0, findings: [expect.objectContaining({ line: 8, call: 'commit', kind: 'commit', handle: 'request.db' })] },
    ]);
    // No profile configured: the generic checks.
    expect(report.checklist.map((c) => c.id)).toEqual([
      'operations-use-outbox',
      'operations-idempotent',
      'operations-emit-events',
      'operations-commit-in-service',
      'routers-no-db-calls',
      'pr-lint-workflow-exists',
      'pr-lint-blocks-violations',
    ]);
    // The utility file has no role and none of the checklist's names: read, never parsed.
    expect(report.summary).toMatchObject({ filesScanned: 3, filesParsed: 2 });
  });

  it('turns unreadable input into diagnostics and still scores the rest', async () => {
    const root = makeProject({
      'src/modules/orders/order.service.ts': ORDER_SERVICE,
      'src/modules/broken/broken.service.ts': 'export class Broken {\n  async x( {\n    await this.db.commit(\n',
      'src/modules/bin/data.service.ts': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
      'src/modules/latin/latin.service.ts': Buffer.from('export const caf\xe9 = 1;\n', 'latin1'),
      'src/modules/huge/huge.service.ts': `// ${'x'.repeat(3 * 1024 * 1024)}\n`,
    });
    mkdirSync(path.join(root, 'src/loop'), { recursive: true });
    symlinkSync('..', path.join(root, 'src/loop/up'));
    symlinkSync('missing.ts', path.join(root, 'src/modules/orders/dangling.service.ts'));
    writeFileSync(path.join(root, 'src/modules/orders/self.service.ts'), '');
    const report = await runAudit({ root });
    const byFile = Object.fromEntries(report.diagnostics.map((d) => [d.file, d.message]));
    expect(byFile['src/modules/broken/broken.service.ts']).toMatch(/^parse error: .*\(line \d+\)$/);
    expect(byFile['src/modules/bin/data.service.ts']).toMatch(/binary file/);
    expect(byFile['src/modules/latin/latin.service.ts']).toMatch(/not valid UTF-8/);
    expect(byFile['src/modules/huge/huge.service.ts']).toMatch(/too large/);
    expect(byFile['src/modules/orders/dangling.service.ts']).toMatch(/broken symbolic link/);
    expect(byFile['src/loop/up']).toMatch(/symbolic link loop/);
    expect(report.operations.filter((o) => o.className === 'OrderService')).toHaveLength(2);
  });

  it('reads outbox.config.json from the root and warns about a glob that matches nothing', async () => {
    const root = makeProject({
      'src/api/orders.ts': ORDER_ROUTER,
      'src/domain/orders.ts': ORDER_SERVICE,
      'outbox.config.json': JSON.stringify({ routerFiles: ['src/api/**/*.ts', 'src/controllers/**/*.ts'], serviceFiles: ['src/domain/**/*.ts'] }),
    });
    const report = await runAudit({ root });
    expect(report.summary.operations).toBe(2);
    expect(report.summary.routerDbCommit).toBe(1);
    expect(report.warnings).toEqual([expect.stringContaining('routerFiles glob "src/controllers/**/*.ts" matches no file')]);
  });

});

describe('worker threads (the built CLI)', () => {
  // Under vitest the audit runs from src/, where there is no compiled worker file, so analyze.ts analyses in this
  // thread whatever `workers` says. The worker path is what ships, so it is tested on dist/ (built by the project's
  // globalSetup), in a child process whose Node debug log (NODE_DEBUG=worker) says whether a worker thread started.
  const workersStarted = (stderr: string) => stderr.match(/^WORKER \d+: \[0\] created Worker with ID \d+$/gm)?.length ?? 0;

  it('reads the workflows in a worker thread and finds in them exactly what the audit finds in its own thread', async () => {
    const root = makeProject({
      'src/modules/orders/order.service.ts': ORDER_SERVICE,
      'src/modules/orders/router.ts': ORDER_ROUTER,
      '.github/workflows/check.yml': [
        'name: Check',
        'on: [pull_request]',
        'jobs:',
        '  lint:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: npx eslint . || true',
        '      - name: audit',
        '        run: npx outbox-audit . --report-only',
        '',
      ].join('\n'),
      '.github/workflows/release.yaml': 'name: Release\non:\n  push:\n    tags: ["v*"]\njobs: {}\n',
      '.github/workflows/broken.yml': 'name: [unclosed\n',
    });
    const inThisThread = await runAudit({ root });
    const run = await runBuiltCli([root, '--format', 'json', '--report-only'], { env: { NODE_DEBUG: 'worker' } });
    expect(run.code, run.stderr).toBe(0);
    const built = JSON.parse(run.stdout) as AuditReport;
    // One core: the workflows are read in this thread (workflows.ts), and only the facts are compared.
    expect(workersStarted(run.stderr)).toBe(availableParallelism() >= 2 ? 1 : 0);
    const prItems = (report: AuditReport) => report.checklist.filter((item) => item.id.startsWith('pr-'));
    expect(prItems(built).length).toBeGreaterThan(0);
    expect(prItems(built)).toEqual(prItems(inThisThread));
    // What the YAML said reached the report: the masks, the report-only step and the file that does not parse.
    const text = JSON.stringify(prItems(built));
    expect(text).toContain('swallows the exit code');
    expect(text).toContain('release.yaml');
    expect(JSON.stringify(built)).toContain('YAML error');
  });

  it('--workers 2 analyses a share of the files in a worker thread and reports exactly what one thread reports', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) {
      files[`src/modules/m${i}/order.service.ts`] = ORDER_SERVICE.replace(/OrderService/g, `OrderService${i}`);
      files[`src/modules/m${i}/router.ts`] = ORDER_ROUTER.replace(/OrderService/g, `OrderService${i}`);
    }
    const root = makeProject(files);
    const audit = async (workers: number) => {
      const run = await runBuiltCli([root, '--format', 'json', '--report-only', '--workers', String(workers)], { env: { NODE_DEBUG: 'worker' } });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as Pick<AuditReport, 'summary' | 'operations' | 'routers' | 'diagnostics'>;
      return { report, workers: workersStarted(run.stderr) };
    };

    const one = await audit(1);
    const two = await audit(2);

    expect(one.workers).toBe(0);
    expect(two.workers).toBe(1); // this thread takes one share, one worker the other
    expect(one.report.summary).toMatchObject({ operations: 60, compliant: 30, routerDbCommit: 30 });
    expect(two.report.summary).toEqual(one.report.summary);
    expect(two.report.operations).toEqual(one.report.operations);
    expect(two.report.routers).toEqual(one.report.routers);
    expect(two.report.diagnostics).toEqual([]);
  });
});
