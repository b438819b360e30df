import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/index.js';
import { makeProject, runCli } from './support/project.js';

const METRICS = `export class MetricsService {
  constructor(private readonly db: Db) {}
  async loadData(id: string) {
    await this.db.execute('UPDATE metrics SET n = n + 1 WHERE id = $1', [id]);
    await this.db.commit();
  }
}
`;

const monorepo = () =>
  makeProject({
    'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*'] }),
    'apps/api/package.json': JSON.stringify({ name: '@acme/api' }),
    'apps/api/src/services/metrics.service.ts': METRICS,
    'apps/worker/package.json': JSON.stringify({ name: '@acme/worker' }),
    'apps/worker/src/jobs/cleanup.service.ts': METRICS.replace('MetricsService', 'CleanupService'),
  });

describe('modules and identities', () => {
  it('names a module after its package and folder, never a bare folder shared by the monorepo', async () => {
    const root = monorepo();
    const report = await runAudit({ root });
    expect(report.operations.map((o) => [o.module, o.key])).toEqual([
      ['@acme/api/services', 'apps/api/src/services/metrics.service.ts | MetricsService.loadData'],
      ['@acme/worker/jobs', 'apps/worker/src/jobs/cleanup.service.ts | CleanupService.loadData'],
    ]);
  });

  it('tells a twin in another package from the known one: the baseline does not accept it', async () => {
    const root = monorepo();
    const baseline = path.join(root, '.outbox-baseline.json');
    expect((await runCli([root, '--write-baseline', baseline])).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(baseline, 'utf8')).operations)).toContain('apps/api/src/services/metrics.service.ts | MetricsService.loadData');
    // A second package with the same class and method (in format 1, both were `services/MetricsService/loadData`).
    mkdirSync(path.join(root, 'apps/billing/src/services'), { recursive: true });
    writeFileSync(path.join(root, 'apps/billing/package.json'), JSON.stringify({ name: '@acme/billing' }));
    writeFileSync(path.join(root, 'apps/billing/src/services/metrics.service.ts'), METRICS);
    const run = await runCli([root, '--baseline', baseline]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('new: apps/billing/src/services/metrics.service.ts | MetricsService.loadData (line 3) lacks');
  });

  it('reads a format-1 baseline, upgrades its keys against the code and says so', async () => {
    const root = monorepo();
    const flags = { outbox: false, idempotency: false, event: false, commit: true };
    const old = path.join(root, 'old-baseline.json');
    writeFileSync(
      old,
      JSON.stringify({
        schemaVersion: 1,
        tool: 'outbox-audit',
        operations: { '@acme/api/services/MetricsService/loadData': flags, '@acme/worker/jobs/CleanupService/loadData': flags, 'gone/OldService/x': flags },
        routerCalls: {},
      }),
    );
    const run = await runCli([root, '--baseline', old]);
    expect(run.stderr).toContain(
      'old-baseline.json is a format-1 baseline (operations keyed module/Class/method, without the file); read as format 2: 2 of 3 operation key(s) matched, 1 no longer exist.',
    );
    expect(run.stderr).toContain('Rewrite it with --write-baseline');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fixed: ');
  });

  it('refuses a file that is not a baseline, naming it', async () => {
    const root = monorepo();
    writeFileSync(path.join(root, 'b.json'), JSON.stringify({ schemaVersion: 3, operations: {}, routerCalls: {} }));
    const run = await runCli([root, '--baseline', path.join(root, 'b.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/b\.json: not an outbox-audit baseline \(expected schemaVersion 2 or 1/);
  });
});
