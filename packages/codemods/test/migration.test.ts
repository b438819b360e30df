import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import plugin from 'eslint-plugin-outbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../audit-cli/src/index.js';
import { main } from '../src/cli.js';
import { planMigration } from '../src/migrate.js';
import { missingTransforms } from '../src/transforms/index.js';
import { copyRuntime, runTool } from '../scripts/runtime-copy.js';

/**
 * THE end-to-end test of issue 5: `outbox-codemod all --write` on a copy of the reference runtime takes it from the
 * seed's 5/114 to 114/114 and 12/12, lint-clean, compiling, with its own suite passing unchanged and new tests proving
 * the injected idempotency under concurrency; a second run changes nothing.
 *
 * The full target needs all six transforms. While some are not registered yet, the assertions that depend on them
 * are skipped (their names say which transforms they wait for) and the part this package's registered transforms
 * own — every service operation compliant — is asserted instead.
 */
const missing = missingTransforms();
const complete = missing.length === 0;
const waiting = complete ? '' : ` (waiting for: ${missing.join(', ')})`;

const quiet = { write: () => true };
let base: string;
let root: string;
let exitCode: number;

beforeAll(async () => {
  ({ base, root } = copyRuntime());
  const before = await runAudit({ root });
  expect(before.summary.compliant).toBe(5);
  exitCode = await main(['all', root, '--write'], quiet, quiet);
}, 120_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('outbox-codemod all --write on a copy of the reference runtime', () => {
  it(`finishes without skipping anything${waiting}`, { skip: !complete }, () => {
    expect(exitCode).toBe(0);
  });

  it('makes every service operation compliant', async () => {
    const report = await runAudit({ root });
    const services = report.operations.filter((o) => o.kind === 'service');
    expect(services.filter((o) => !o.compliant).map((o) => `${o.className}.${o.method}`)).toEqual([]);
    expect(services.length).toBe(52);
  });

  it(`the audit says 114/114 and 12/12${waiting}`, { skip: !complete }, async () => {
    const report = await runAudit({ root });
    expect(report.summary).toMatchObject({ operations: 114, compliant: 114 });
    expect(report.checklist.filter((item) => !item.pass).map((item) => item.id)).toEqual([]);
    expect(report.checklist.length).toBe(12);
  });

  it(`ESLint with the plugin's recommended config reports nothing${waiting}`, { skip: !complete, timeout: 120_000 }, async () => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended as Linter.Config] });
    const results = await eslint.lintFiles(['src/**/*.ts']);
    expect(results.flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath)}:${m.line} ${m.ruleId} ${m.message}`))).toEqual([]);
  });

  it('tsc --noEmit passes on the migrated copy', { timeout: 120_000 }, () => {
    const { status, output } = runTool('tsc', ['-p', root, '--noEmit'], base);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it("the runtime's own suite passes unchanged, and the new idempotency tests pass on the migrated copy", { timeout: 300_000 }, () => {
    const template = fileURLToPath(new URL('./migrated/idempotency-concurrency.test.ts.tpl', import.meta.url));
    mkdirSync(path.join(root, 'test', 'codemod'), { recursive: true });
    copyFileSync(template, path.join(root, 'test', 'codemod', 'idempotency-concurrency.test.ts'));
    const { status, output } = runTool('vitest', ['run', '--root', root], root);
    expect(output).toMatch(/test\/codemod\/idempotency-concurrency\.test\.ts/);
    expect(output).not.toMatch(/\bfailed\b/);
    expect(status, output.slice(-4000)).toBe(0);
  });

  it('a second run of all changes nothing', { timeout: 120_000 }, async () => {
    const second = await planMigration({ root, transform: 'all' });
    expect(second.changes.map((c) => c.path)).toEqual([]);
  });
});
