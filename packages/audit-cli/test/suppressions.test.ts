import path from 'node:path';
import { ESLint } from 'eslint';
import plugin from 'eslint-plugin-outbox';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/index.js';
import { makeProject, ORDER_SERVICE, runCli } from './support/project.js';

/** A router whose findings are hidden in every way ESLint allows, and some that are not. */
const ROUTER = [
  "app.post('/orders', async (request) => {",
  '  // eslint-disable-next-line outbox/no-db-in-router -- the import job owns this transaction',
  "  await request.db.execute('INSERT INTO orders VALUES (1)');",
  '  await request.db.commit(); // eslint-disable-line outbox/no-db-in-router',
  '});',
  '/* eslint-disable outbox/no-db-in-router -- legacy admin routes, moved in Q3 */',
  "app.delete('/orders/:id', async (request) => {",
  "  await request.db.execute('DELETE FROM orders WHERE id = $1', [request.params.id]);",
  '  await request.db.commit();',
  '});',
  '/* eslint-enable outbox/no-db-in-router */',
  "app.put('/orders/:id', async (request) => {",
  "  await request.db.execute('UPDATE orders SET x = 1');",
  '  // eslint-disable-next-line outbox/require-idempotency -- the wrong rule: this line still reports',
  '  await request.db.commit();',
  "  const note = '// eslint-disable-line outbox/no-db-in-router';",
  '});',
].join('\n');

const SERVICE = ORDER_SERVICE.replace(
  '  async cancelOrder(id: string) {',
  '  // eslint-disable-next-line outbox/require-idempotency, outbox/require-outbox-event -- cancellations are replayed by the saga\n  async cancelOrder(id: string) {',
);

describe('inline ESLint disable comments', () => {
  const files = { 'src/modules/orders/router.ts': ROUTER, 'src/modules/orders/order.service.ts': SERVICE };

  it('hide the same findings in ESLint and in the audit, and the audit lists every hidden one with its reason', async () => {
    const root = makeProject(files);
    const report = await runAudit({ root });
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
    // ESLint also warns about the directive that names the wrong rule (an unused directive, ruleId null): not a finding.
    const unused = results.flatMap((r) => r.messages.filter((m) => m.ruleId === null).map((m) => m.line));
    expect(unused).toEqual([14]);
    const reported = results.flatMap((r) => r.messages.filter((m) => m.ruleId !== null).map((m) => `${rel(r.filePath)}:${m.line}:${m.column} ${m.ruleId}`)).sort();
    const hidden = results.flatMap((r) => r.suppressedMessages.map((m) => `${rel(r.filePath)}:${m.line}:${m.column} ${m.ruleId}`)).sort();
    expect(report.findings.map((f) => `${f.file}:${f.span.line}:${f.span.column} outbox/${f.rule}`).sort()).toEqual(reported);
    expect(report.suppressed.map((f) => `${f.file}:${f.line}:${f.column} outbox/${f.rule}`).sort()).toEqual(hidden);
    expect(hidden.length).toBeGreaterThanOrEqual(6);
    expect(report.summary.suppressed).toBe(hidden.length);
    expect(report.suppressed.find((f) => f.line === 3)?.suppression).toEqual({ kind: 'disable-next-line', line: 2, reason: 'the import job owns this transaction' });
    expect(report.suppressed.find((f) => f.line === 8)?.suppression).toEqual({ kind: 'disable', line: 6, reason: 'legacy admin routes, moved in Q3' });
    // The facts stay: the router still has its calls, the operation is still not compliant; only the gate accepts them.
    expect(report.routers[0]).toMatchObject({ dbCommit: 3, dbExecute: 3 });
    const cancel = report.operations.find((o) => o.method === 'cancelOrder')!;
    expect(cancel.compliant).toBe(false);
    expect(cancel.missing.map((m) => [m.flag, Boolean(m.suppressed)])).toEqual(
      expect.arrayContaining([
        ['idempotency', true],
        ['event', true],
        ['commit', false],
      ]),
    );
  });

  it('never silently: every format counts and lists them; the gate fails only on what they do not hide', async () => {
    const root = makeProject(files);
    const text = await runCli([root]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Suppressed \(\d+ finding\(s\) hidden by inline disable comments; the gate accepts them\)/);
    expect(text.stdout).toContain('eslint-disable (line 6): legacy admin routes, moved in Q3');
    expect(text.stdout).toContain('eslint-disable-line (line 4): no reason given');
    const md = (await runCli([root, '--format', 'markdown', '--report-only'])).stdout;
    expect(md).toMatch(/## Suppressed findings \(\d+\)/);
    const json = JSON.parse((await runCli([root, '--format', 'json', '--report-only'])).stdout);
    expect(json.suppressed.length).toBe(json.summary.suppressed);
  });

  it('let a finding that every comment hides pass the gate, and say so', async () => {
    const root = makeProject({
      'src/modules/orders/router.ts': "app.get('/health', async (request) => {\n  await request.db.commit(); // eslint-disable-line outbox/no-db-in-router -- ends the read-only transaction\n  return 'ok';\n});\n",
      'src/modules/orders/order.service.ts': ORDER_SERVICE.replace(
        '  async cancelOrder(id: string) {',
        '  // eslint-disable-next-line outbox/require-idempotency, outbox/require-outbox-event, outbox/require-service-commit -- replayed by the saga\n  async cancelOrder(id: string) {',
      ),
    });
    const run = await runCli([root]);
    expect(run.stdout).toContain('Gate passed: 1/2 operations compliant, no router DB calls (4 finding(s) accepted by inline disable comments)');
    expect(run.code).toBe(0);
  });
});
