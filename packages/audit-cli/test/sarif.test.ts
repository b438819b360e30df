import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { generateBackend } from '../../../bench/generate.js';
import { evaluateGate, printSarif, runAudit } from '../src/index.js';
import { jobSummary, JOB_SUMMARY_LIMIT } from '../src/printers/github.js';
import { printMarkdown } from '../src/printers/markdown.js';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE, runCli } from './support/project.js';
import { renderMarkdown } from './support/readers.js';

/** Runs Microsoft's SARIF validator on a file and returns its error-level results. */
function sarifErrors(file: string): { level: string; message: { text?: string; id?: string } }[] {
  const tool = path.join(path.dirname(require.resolve('@microsoft/sarif-multitool/package.json')), 'bin.js');
  const validated = `${file}.validation.sarif`;
  execFileSync(process.execPath, [tool, 'validate', file, '--output', validated], { stdio: 'pipe' });
  const results = JSON.parse(readFileSync(validated, 'utf8')).runs[0].results as { level: string; message: { text?: string; id?: string } }[];
  return results.filter((r) => r.level === 'error');
}

const require = createRequire(import.meta.url);

describe('SARIF output', () => {
  it("passes Microsoft's SARIF 2.1.0 validator with no errors and one result per finding", async () => {
    const root = makeProject({
      'src/modules/orders/order.service.ts': ORDER_SERVICE,
      'src/modules/orders/router.ts': ORDER_ROUTER,
      'src/modules/broken/x.service.ts': 'class {',
    });
    const report = await runAudit({ root });
    const file = path.join(root, 'out.sarif');
    writeFileSync(file, printSarif(report));
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(report.findings.length);
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual([
      'outbox/no-db-in-router',
      'outbox/require-idempotency',
      'outbox/require-outbox-event',
      'outbox/require-service-commit',
    ]);

    expect(sarifErrors(file)).toEqual([]);
  });

  it('points at files relative to the repository root when the audited folder is a subfolder, and still validates', async () => {
    const repo = makeProject({
      'packages/api/src/modules/orders/order.service.ts': ORDER_SERVICE,
      'packages/api/src/modules/orders/router.ts': ORDER_ROUTER,
      'packages/api/src/modules/weird/a b#c%.service.ts': ORDER_SERVICE.replace('OrderService', 'WeirdService'),
    });
    mkdirSync(path.join(repo, '.git'));
    const file = path.join(repo, 'out.sarif');
    // Run from another folder (this repository's): the audited tree's repository root is found by its .git, not taken
    // from the working folder.
    const run = await runCli([path.join(repo, 'packages/api'), '--sarif', file, '--report-only'], { env: { GITHUB_WORKSPACE: '' } });
    expect(run.code, run.stderr).toBe(0);
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    const uris: string[] = sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) {
      expect(uri.startsWith('packages/api/src/modules/'), uri).toBe(true);
      expect(existsSync(path.join(repo, decodeURIComponent(uri))), uri).toBe(true);
    }
    expect(uris).toContain('packages/api/src/modules/weird/a%20b%23c%25.service.ts');
    expect(sarifErrors(file)).toEqual([]);
  });
});

describe('the job summary at scale', () => {
  it('stays under GitHub\'s 1 MiB on a 5,000-file tree: the modules worst first, then where the rest is', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'outbox-summary-'));
    try {
      const root = path.join(work, 'tree');
      generateBackend(root, { files: 5000, layout: 'dense', violations: 0.9, seed: 3 });
      const report = await runAudit({ root });
      const gate = evaluateGate(report, {});
      const full = printMarkdown(report, gate, { target: 'tree' });
      // The whole report is over the limit, so what is tested is the shortened one.
      expect(Buffer.byteLength(full)).toBeGreaterThan(JOB_SUMMARY_LIMIT);
      const summary = jobSummary(report, gate, { target: 'tree', sarifFile: 'outbox.sarif' });
      expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(JOB_SUMMARY_LIMIT);
      expect(summary).toContain('## Modules, worst first');
      expect(summary).toContain('`outbox.sarif`');
      expect(summary).toMatch(/\*\*Gate: FAILED\*\*/);
      const rendered = renderMarkdown(summary);
      const table = rendered.tables[0]!;
      expect(new Set(table).size).toBe(1);
      // Worst first: the non-compliant counts never increase down the table.
      const rows = summary.split('\n').filter((l) => /^\| .* \| \d+ \| \d+ \| \d+\/\d+ \|/.test(l));
      const notCompliant = rows.map((l) => Number(l.split('|')[3]));
      expect(notCompliant.length).toBeGreaterThan(10);
      expect(notCompliant).toEqual([...notCompliant].sort((a, b) => b - a));
      // A report that fits is the whole report.
      expect(jobSummary(report, gate, { target: 'tree', limit: Buffer.byteLength(full) + 10 })).toBe(`${full}\n`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
