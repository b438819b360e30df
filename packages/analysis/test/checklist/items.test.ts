import { describe, expect, it } from 'vitest';
import {
  analyzeWorkflow,
  computeChecklist,
  DEFAULT_CHECKLIST_SETTINGS,
  type ChecklistItem,
  type ClassFacts,
  type FileAnalysis,
} from '../../src/index.js';

const settings = DEFAULT_CHECKLIST_SETTINGS;

function cls(name: string, extra: Partial<ClassFacts> = {}): ClassFacts {
  return { name, line: 1, abstract: false, implements: [], methods: [], constructorParams: [], properties: [], calls: [], ...extra };
}

function file(path: string, extra: Partial<FileAnalysis> = {}): FileAnalysis {
  return { file: path, role: 'other', module: 'm', routerDbCalls: [], operations: [], classes: [], functions: [], imports: [], diagnostics: [], ...extra };
}

const byId = (items: ChecklistItem[]) => Object.fromEntries(items.map((i) => [i.id, i]));

const aiFiles = [
  file('src/ai/base.ts', { classes: [cls('BaseAIOrchestrator', { abstract: true, line: 10 })] }),
  file('src/ai/factory.ts', { functions: [{ name: 'getOrchestrator', line: 5, exported: true }] }),
  file('src/ai/offline.ts', { classes: [cls('OfflineProvider', { extends: 'BaseAIOrchestrator' })] }),
];

describe('computeChecklist', () => {
  it('has the twelve ids of DESIGN.md in order', () => {
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
        { ...span, call: 'commit', handle: 'db', strictOnly: false },
        { ...span, call: 'rollback', handle: 'db', strictOnly: true },
      ],
    });
    const items = byId(computeChecklist({ files: [router], workflows: [] }, settings));
    expect(items['routers-no-db-commit']!.pass).toBe(false);
    expect(items['routers-no-db-commit']!.reason).toBe('1 commit() call(s) in 1 router(s)');
    expect(items['routers-no-db-execute']!.pass).toBe(true);
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
