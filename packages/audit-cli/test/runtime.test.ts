import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin from 'eslint-plugin-outbox';
import { bundledRuntimeRoot, runAudit, type AuditReport } from '../src/index.js';

interface InventoryEntry {
  module: string;
  kind: 'service' | 'router';
  className: string | null;
  method: string;
  file: string;
  outbox: boolean;
  idempotency: boolean;
  event: boolean;
  commit: boolean;
  compliant: boolean;
}

const root = bundledRuntimeRoot()!;
const inventory = JSON.parse(readFileSync(path.join(root, 'operations.json'), 'utf8')) as InventoryEntry[];
const key = (o: { module: string; kind: string; className?: string | null; method: string }) =>
  `${o.module}/${o.kind === 'router' ? 'router' : o.className}/${o.method}`;

describe('the audit of the bundled reference runtime (the seed, computed from code)', () => {
  let report: AuditReport;
  beforeAll(async () => {
    report = await runAudit({ root });
  });

  it('finds 114 operations, exactly the seed five compliant (4.4%)', () => {
    expect(report.summary).toMatchObject({ operations: 114, compliant: 5, percent: 4.4 });
    expect(report.operations.filter((o) => o.compliant).map((o) => `${o.className}.${o.method}`).sort()).toEqual([
      'AvailabilityService.approveAvailability',
      'PartnerService.approvePartner',
      'PartnerService.rejectPartner',
      'RequirementService.cancelRequirement',
      'RequirementService.publishRequirement',
    ]);
    expect(report.diagnostics).toEqual([]);
  });

  it('counts the operations per module as DESIGN.md does', () => {
    const perModule: Record<string, number> = {};
    for (const op of report.operations) perModule[op.module] = (perModule[op.module] ?? 0) + 1;
    expect(perModule).toEqual({
      partners: 8,
      settings: 17,
      user_onboarding: 3,
      trade_desk: 10,
      risk: 12,
      matching: 2,
      organization: 22,
      commodity: 26,
      locations: 14,
    });
  });

  it('finds 7 db.commit() and 1 db.execute() in the partners router', () => {
    const partners = report.routers.find((r) => r.module === 'partners')!;
    expect([partners.file, partners.dbCommit, partners.dbExecute]).toEqual(['src/modules/partners/router.ts', 7, 1]);
  });

  it('scores the checklist 3/12: the AI layer, WebSockets and webhooks', () => {
    expect(report.checklist.filter((c) => c.pass).map((c) => c.id)).toEqual([
      'ai-orchestrator-exists',
      'websocket-operational',
      'webhooks-operational',
    ]);
    const matching = report.checklist.find((c) => c.id === 'ai-orchestrator-matching-engine')!;
    expect(matching.reason).toMatch(/MatchingEngine \(src\/modules\/matching\/matching-engine\.ts:\d+\) has no orchestrator injection/);
  });

  it('agrees with operations.json, operation by operation and flag by flag', () => {
    const fromAudit = Object.fromEntries(
      report.operations.map((o) => [key(o), { file: o.file, outbox: o.outbox, idempotency: o.idempotency, event: o.event, commit: o.commit, compliant: o.compliant }]),
    );
    const fromInventory = Object.fromEntries(
      inventory.map((o) => [key(o), { file: o.file, outbox: o.outbox, idempotency: o.idempotency, event: o.event, commit: o.commit, compliant: o.compliant }]),
    );
    expect(fromAudit).toEqual(fromInventory);
  });

  it('agrees with the ESLint plugin finding by finding (one analysis, two front-ends)', async () => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const fromEslint = results
      .flatMap((r) => r.messages.map((m) => `${path.relative(root, r.filePath).split(path.sep).join('/')}:${m.line}:${m.column} ${m.ruleId}`))
      .sort();
    const fromAudit = report.findings.map((f) => `${f.file}:${f.span.line}:${f.span.column} outbox/${f.rule}`).sort();
    expect(fromEslint).toEqual(fromAudit);
  });
});
