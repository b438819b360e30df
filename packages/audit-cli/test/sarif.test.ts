import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printSarif, runAudit } from '../src/index.js';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE } from './support/project.js';

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

    const tool = path.join(path.dirname(require.resolve('@microsoft/sarif-multitool/package.json')), 'bin.js');
    const validated = path.join(root, 'validation.sarif');
    execFileSync(process.execPath, [tool, 'validate', file, '--output', validated], { stdio: 'pipe' });
    const results = JSON.parse(readFileSync(validated, 'utf8')).runs[0].results as { level: string; message: { text?: string; id?: string } }[];
    expect(results.filter((r) => r.level === 'error')).toEqual([]);
  });
});
