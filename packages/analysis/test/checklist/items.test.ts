import { describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  CHECK_IDS,
  CHECKS,
  computeChecklist,
  DEFAULT_CHECK_IDS,
  DEFAULT_CHECKLIST_SETTINGS,
  SEED_CHECK_IDS,
  type ChecklistSettings,
  type ChecklistItem,
  type ClassFacts,
  type FileAnalysis,
} from '../../src/index.js';

/** The seed's 12 items: most cases here are about them. */
const settings: ChecklistSettings = { ...DEFAULT_CHECKLIST_SETTINGS, profile: 'seed' };

function cls(name: string, extra: Partial<ClassFacts> = {}): ClassFacts {
  return { name, line: 1, abstract: false, implements: [], methods: [], constructorParams: [], properties: [], calls: [], ...extra };
}

function file(path: string, extra: Partial<FileAnalysis> = {}): FileAnalysis {
  return { file: path, role: 'other', module: 'm', routerDbCalls: [], routes: [], operations: [], classes: [], functions: [], imports: [], diagnostics: [], ...extra };
}

const byId = (items: ChecklistItem[]) => Object.fromEntries(items.map((i) => [i.id, i]));

const aiFiles = [
  file('src/ai/base.ts', { classes: [cls('BaseAIOrchestrator', { abstract: true, line: 10 })] }),
  file('src/ai/factory.ts', { functions: [{ name: 'getOrchestrator', line: 5, exported: true }] }),
  file('src/ai/offline.ts', { classes: [cls('OfflineProvider', { extends: 'BaseAIOrchestrator' })] }),
];

describe('computeChecklist', () => {
  it('runs the generic checks by default', () => {
    expect(computeChecklist({ files: [], workflows: [] }, DEFAULT_CHECKLIST_SETTINGS).map((i) => i.id)).toEqual([
      'operations-use-outbox',
      'operations-idempotent',
      'operations-emit-events',
      'operations-commit-in-service',
      'routers-no-db-calls',
      'pr-lint-workflow-exists',
      'pr-lint-blocks-violations',
    ]);
  });

  it('turns off what `disable` names, in any profile', () => {
    const ids = (s: ChecklistSettings) => computeChecklist({ files: [], workflows: [] }, s).map((i) => i.id);
    expect(ids({ ...DEFAULT_CHECKLIST_SETTINGS, disable: ['pr-lint-blocks-violations', 'operations-idempotent'] })).toEqual(
      DEFAULT_CHECK_IDS.filter((id) => id !== 'pr-lint-blocks-violations' && id !== 'operations-idempotent'),
    );
    expect(ids({ ...settings, disable: ['ai-orchestrator-exists', 'ai-orchestrator-matching-engine', 'ai-orchestrator-risk-engine'] })).toHaveLength(9);
  });

  it('gives every item its requirement, remediation and doc page, from its check', () => {
    for (const item of computeChecklist({ files: [], workflows: [] }, settings)) {
      const check = CHECKS[item.id];
      expect(check.id).toBe(item.id);
      expect(item.requires).toBe(check.requires);
      expect(item.remediation).toBe(check.remediation);
      expect(item.docs).toMatch(new RegExp(`/packages/audit-cli/docs/checks/${item.id}\\.md$`));
    }
    expect(Object.keys(CHECKS).sort()).toEqual([...CHECK_IDS].sort());
    expect(new Set([...DEFAULT_CHECK_IDS, ...SEED_CHECK_IDS])).toEqual(new Set(CHECK_IDS));
  });

  it('does not pass the operation checks on no operations, and says why', () => {
    const items = byId(computeChecklist({ files: [], workflows: [] }, DEFAULT_CHECKLIST_SETTINGS));
    for (const id of ['operations-use-outbox', 'operations-idempotent', 'operations-emit-events', 'operations-commit-in-service']) {
      expect(items[id]!.pass).toBe(false);
      expect(items[id]!.reason).toMatch(/^no operations found/);
      expect(items[id]!.label).not.toMatch(/All 0/);
    }
    expect(items['routers-no-db-calls']!.pass).toBe(false);
    expect(items['routers-no-db-calls']!.reason).toMatch(/^no router file found/);
    // Router files that were never parsed (no DB handle in them) still count as routers, clean ones.
    const clean = byId(computeChecklist({ files: [], workflows: [], roles: { router: 3, service: 0 } }, DEFAULT_CHECKLIST_SETTINGS));
    expect([clean['routers-no-db-calls']!.pass, clean['routers-no-db-calls']!.reason]).toEqual([true, 'none in 3 router file(s)']);
  });

  it('has the twelve ids of DESIGN.md in order in the seed profile', () => {
    const items = computeChecklist({ files: [], workflows: [] }, settings);
    expect(items.map((i) => i.id)).toEqual([
      'ai-orchestrator-exists',
      'ai-orchestrator-matching-engine',
      'ai-orchestrator-risk-engine',
      'websocket-operational',
      'webhooks-operational',
      'operations-use-outbox',
      'operations-idempotent',
      'operations-emit-events',
      'routers-no-db-commit',
      'routers-no-db-execute',
      'pr-lint-workflow-exists',
      'pr-lint-blocks-violations',
    ]);
  });

  it('needs a base class, a factory and a provider for the AI layer', () => {
    expect(byId(computeChecklist({ files: aiFiles, workflows: [] }, settings))['ai-orchestrator-exists']!.pass).toBe(true);
    const noFactory = byId(computeChecklist({ files: [aiFiles[0]!, aiFiles[2]!], workflows: [] }, settings))['ai-orchestrator-exists']!;
    expect(noFactory.pass).toBe(false);
    expect(noFactory.reason).toContain('a factory (getOrchestrator)');
  });

  it('sees an engine that only uses its scorer as not injected, and says what it uses', () => {
    const engine = file('src/matching/matching-engine.ts', {
      classes: [cls('MatchingEngine', { line: 71, properties: [{ name: 'scorer', initializer: 'new MatchScorer(config)', line: 103 }] })],
    });
    const item = byId(computeChecklist({ files: [...aiFiles, engine], workflows: [] }, settings))['ai-orchestrator-matching-engine']!;
    expect(item.pass).toBe(false);
    expect(item.reason).toContain('src/matching/matching-engine.ts:71');
    expect(item.details).toContainEqual({ file: 'src/matching/matching-engine.ts', line: 103, message: 'this.scorer = new MatchScorer(config)' });
  });

  it.each([
    ['a constructor parameter with the factory as default', { constructorParams: [{ name: 'ai', type: 'BaseAIOrchestrator', initializer: 'getOrchestrator()' }] }],
    ['a property named after the orchestrator', { properties: [{ name: 'aiOrchestrator', line: 9 }] }],
    ['a call of the factory', { calls: ['getOrchestrator'] }],
  ])('counts %s as injection', (_name, extra) => {
    const engine = file('risk-engine.ts', { classes: [cls('RiskEngine', extra)] });
    expect(byId(computeChecklist({ files: [engine], workflows: [] }, settings))['ai-orchestrator-risk-engine']!.pass).toBe(true);
  });

  it('needs the WebSocket manager to have its methods and to be imported outside tests', () => {
    const manager = file('src/ws/manager.ts', {
      classes: [cls('ConnectionManager', { methods: ['connect', 'disconnect', 'broadcastToChannel', 'sendPersonalMessage'] })],
    });
    const onlyTests = file('test/ws.test.ts', { imports: [{ from: '../src/ws/manager.js', names: ['ConnectionManager'] }] });
    const app = file('src/app.ts', { imports: [{ from: './ws/manager.js', names: ['ConnectionManager'] }] });
    expect(byId(computeChecklist({ files: [manager, onlyTests], workflows: [] }, settings))['websocket-operational']!.pass).toBe(false);
    expect(byId(computeChecklist({ files: [manager, onlyTests, app], workflows: [] }, settings))['websocket-operational']!.pass).toBe(true);
  });

  it('counts router calls, and leaves strict-only calls out of the two router items', () => {
    const span = { line: 3, column: 5, endLine: 3, endColumn: 20, start: 0, end: 1 };
    const router = file('src/router.ts', {
      role: 'router',
      routerDbCalls: [
        { ...span, call: 'commit', kind: 'commit', handle: 'db', strictOnly: false },
        { ...span, call: 'rollback', kind: 'other', handle: 'db', strictOnly: true },
      ],
    });
    const items = byId(computeChecklist({ files: [router], workflows: [] }, settings));
    expect(items['routers-no-db-commit']!.pass).toBe(false);
    expect(items['routers-no-db-commit']!.reason).toBe('1 call(s) in 1 router file(s) with findings, of 1');
    expect(items['routers-no-db-execute']!.pass).toBe(true);
  });

  it('counts router calls by their kind and names them as configured, never by a literal method name', () => {
    const span = { line: 3, column: 5, endLine: 3, endColumn: 20, start: 0, end: 1 };
    // routerCalls: ["query", "commit"]: `query` is neither a commit nor an execute call.
    const router = file('src/router.ts', {
      role: 'router',
      routerDbCalls: [
        { ...span, call: 'query', kind: 'other', handle: 'db', strictOnly: false },
        { ...span, call: 'query', kind: 'other', handle: 'db', strictOnly: false },
        { ...span, call: 'commit', kind: 'commit', handle: 'db', strictOnly: false },
      ],
    });
    const calls = { handle: 'db', commit: ['commit'], execute: [], other: ['query'] };
    const seed = byId(computeChecklist({ files: [router], workflows: [], calls }, settings));
    expect([seed['routers-no-db-execute']!.label, seed['routers-no-db-execute']!.pass, seed['routers-no-db-execute']!.details.length]).toEqual([
      'Zero db.query() in routers',
      false,
      2,
    ]);
    expect([seed['routers-no-db-commit']!.label, seed['routers-no-db-commit']!.pass]).toEqual(['Zero db.commit() in routers', false]);
    const generic = byId(computeChecklist({ files: [router], workflows: [], calls }, DEFAULT_CHECKLIST_SETTINGS));
    expect([generic['routers-no-db-calls']!.label, generic['routers-no-db-calls']!.details.length]).toEqual(['Zero DB calls in routers', 3]);
  });

  it('tells a PR check that exists from one that blocks', () => {
    const masked = analyzeWorkflow('.github/workflows/pr.yml', 'on: pull_request\njobs:\n  a:\n    steps:\n      - run: npx eslint . || true\n', settings.lintCommands);
    const blocking = analyzeWorkflow('.github/workflows/pr.yml', 'on: pull_request\njobs:\n  a:\n    steps:\n      - run: npx eslint .\n', settings.lintCommands);
    const pushOnly = analyzeWorkflow('.github/workflows/pr.yml', 'on: push\njobs:\n  a:\n    steps:\n      - run: npx eslint .\n', settings.lintCommands);
    const m = byId(computeChecklist({ files: [], workflows: [masked] }, settings));
    expect([m['pr-lint-workflow-exists']!.pass, m['pr-lint-blocks-violations']!.pass]).toEqual([true, false]);
    const b = byId(computeChecklist({ files: [], workflows: [blocking] }, settings));
    expect([b['pr-lint-workflow-exists']!.pass, b['pr-lint-blocks-violations']!.pass]).toEqual([true, true]);
    const p = byId(computeChecklist({ files: [], workflows: [pushOnly] }, settings));
    expect([p['pr-lint-workflow-exists']!.pass, p['pr-lint-blocks-violations']!.pass]).toEqual([false, false]);
  });
});
