import type { ClassFacts, FileAnalysis } from '../types.js';
import { compileGlobs } from '../patterns.js';
import type { ChecklistSettings } from './settings.js';
import type { WorkflowFacts } from './workflow.js';

export const CHECKLIST_IDS = [
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
] as const;

export type ChecklistId = (typeof CHECKLIST_IDS)[number];

/** Where a checklist item's evidence is. */
export interface ChecklistDetail {
  file?: string;
  line?: number;
  message: string;
}

/** One item of the seed's 12-item verification checklist; every printer formats this and computes nothing. */
export interface ChecklistItem {
  id: ChecklistId;
  label: string;
  pass: boolean;
  /** One sentence: why it passes or fails. */
  reason: string;
  details: ChecklistDetail[];
}

export interface ChecklistInput {
  /** Every analysed file, paths relative to the audited root. */
  files: FileAnalysis[];
  /** Every workflow found under the workflows directory. */
  workflows: WorkflowFacts[];
}

interface Located<T> {
  file: string;
  item: T;
}

function classesNamed(files: FileAnalysis[], names: string[]): Located<ClassFacts>[] {
  const wanted = new Set(names);
  return files.flatMap((f) => f.classes.filter((c) => wanted.has(c.name)).map((item) => ({ file: f.file, item })));
}

/** Files other than `file` (and not tests) that import `name`. */
function importers(files: FileAnalysis[], name: string, file: string, isTest: (path: string) => boolean): string[] {
  return files
    .filter((f) => f.file !== file && !isTest(f.file) && f.imports.some((i) => i.names.includes(name)))
    .map((f) => f.file);
}

function aiLayer(files: FileAnalysis[], s: ChecklistSettings): ChecklistItem {
  const details: ChecklistDetail[] = [];
  const bases = classesNamed(files, s.aiBaseClasses);
  const factories = files.flatMap((f) =>
    f.functions.filter((fn) => s.aiFactoryFunctions.includes(fn.name)).map((fn) => ({ file: f.file, item: fn })),
  );
  const baseNames = new Set(s.aiBaseClasses);
  const adapters = files.flatMap((f) =>
    f.classes
      .filter((c) => !c.abstract && c.extends !== undefined && baseNames.has(c.extends))
      .map((item) => ({ file: f.file, item })),
  );
  for (const b of bases) details.push({ file: b.file, line: b.item.line, message: `base: ${b.item.abstract ? 'abstract ' : ''}class ${b.item.name}` });
  for (const f of factories) details.push({ file: f.file, line: f.item.line, message: `factory: ${f.item.name}()` });
  for (const a of adapters) details.push({ file: a.file, line: a.item.line, message: `provider: ${a.item.name} extends ${a.item.extends}` });
  const missing = [
    bases.length === 0 ? `a base class (${s.aiBaseClasses.join(' / ')})` : undefined,
    factories.length === 0 ? `a factory (${s.aiFactoryFunctions.join(' / ')})` : undefined,
    adapters.length === 0 ? 'a provider or adapter class extending the base' : undefined,
  ].filter((m): m is string => m !== undefined);
  return {
    id: 'ai-orchestrator-exists',
    label: 'AI Orchestration Layer exists',
    pass: missing.length === 0,
    reason:
      missing.length === 0
        ? `base class, factory and ${adapters.length} provider(s) found`
        : `missing ${missing.join(', ')}`,
    details,
  };
}

function mentionsOrchestrator(text: string | undefined, s: ChecklistSettings): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return (
    s.aiInjectionNames.some((n) => lower.includes(n.toLowerCase())) ||
    s.aiBaseClasses.some((n) => text.includes(n)) ||
    s.aiFactoryFunctions.some((n) => text.includes(n))
  );
}

function engineInjection(
  id: 'ai-orchestrator-matching-engine' | 'ai-orchestrator-risk-engine',
  label: string,
  className: string,
  files: FileAnalysis[],
  s: ChecklistSettings,
): ChecklistItem {
  const engines = classesNamed(files, [className]);
  if (engines.length === 0) {
    return { id, label, pass: false, reason: `no class ${className} found`, details: [] };
  }
  const details: ChecklistDetail[] = [];
  let injected = false;
  for (const { file, item } of engines) {
    details.push({ file, line: item.line, message: `class ${item.name}` });
    const viaParam = item.constructorParams.filter(
      (p) => mentionsOrchestrator(p.name, s) || mentionsOrchestrator(p.type, s) || mentionsOrchestrator(p.initializer, s),
    );
    const viaProperty = item.properties.filter(
      (p) => mentionsOrchestrator(p.name, s) || mentionsOrchestrator(p.type, s) || mentionsOrchestrator(p.initializer, s),
    );
    const viaCall = item.calls.filter((c) => s.aiFactoryFunctions.includes(c));
    for (const p of viaParam) details.push({ file, line: item.line, message: `constructor parameter ${p.name}${p.type ? `: ${p.type}` : ''}${p.initializer ? ` = ${p.initializer}` : ''}` });
    for (const p of viaProperty) details.push({ file, line: p.line, message: `this.${p.name}${p.initializer ? ` = ${p.initializer}` : ''}` });
    if (viaParam.length + viaProperty.length + viaCall.length > 0) {
      injected = true;
      if (viaParam.length + viaProperty.length === 0) details.push({ file, line: item.line, message: `calls ${viaCall.join(', ')}()` });
    } else {
      // Say what the engine uses instead, as the seed does ("Uses MatchScorer").
      for (const p of item.properties.filter((p) => p.initializer)) {
        details.push({ file, line: p.line, message: `this.${p.name} = ${p.initializer}` });
      }
    }
  }
  const first = engines[0]!;
  return {
    id,
    label,
    pass: injected,
    reason: injected
      ? `${className} receives the orchestrator`
      : `${className} (${first.file}:${first.item.line}) has no orchestrator injection; expected a constructor parameter defaulting to ${s.aiFactoryFunctions[0] ?? 'the factory'}()`,
    details,
  };
}

function managerOperational(
  id: 'websocket-operational' | 'webhooks-operational',
  label: string,
  className: string,
  methods: string[],
  files: FileAnalysis[],
  isTest: (path: string) => boolean,
): ChecklistItem {
  const found = classesNamed(files, [className]).filter((c) => !isTest(c.file));
  if (found.length === 0) return { id, label, pass: false, reason: `no class ${className} found`, details: [] };
  const details: ChecklistDetail[] = [];
  let pass = false;
  const problems: string[] = [];
  for (const { file, item } of found) {
    const missing = methods.filter((m) => !item.methods.includes(m));
    const users = importers(files, className, file, isTest);
    details.push({ file, line: item.line, message: `class ${className} with ${item.methods.length} methods` });
    for (const u of users) details.push({ file: u, message: `wired: imports ${className}` });
    if (missing.length > 0) problems.push(`${className} lacks ${missing.join(', ')}`);
    if (users.length === 0) problems.push(`nothing outside tests imports ${className}`);
    if (missing.length === 0 && users.length > 0) pass = true;
  }
  return {
    id,
    label,
    pass,
    reason: pass ? `${className} implemented and wired` : problems.join('; '),
    details,
  };
}

function allOperations(
  id: 'operations-use-outbox' | 'operations-idempotent' | 'operations-emit-events',
  what: string,
  flag: 'outbox' | 'idempotency' | 'event',
  files: FileAnalysis[],
): ChecklistItem {
  const ops = files.flatMap((f) => f.operations);
  const lacking = ops.filter((o) => !o[flag]);
  return {
    id,
    label: `All ${ops.length} operations ${what}`,
    pass: lacking.length === 0,
    reason:
      ops.length === 0
        ? 'no mutating operations found'
        : `${ops.length - lacking.length}/${ops.length} operations ${what}`,
    details: lacking.map((o) => ({
      file: o.file,
      line: o.line,
      message: `${o.className ? `${o.className}.` : ''}${o.method}`,
    })),
  };
}

function routerCalls(id: 'routers-no-db-commit' | 'routers-no-db-execute', call: 'commit' | 'execute', files: FileAnalysis[]): ChecklistItem {
  const found = files.flatMap((f) =>
    f.routerDbCalls.filter((c) => c.call === call && !c.strictOnly).map((c) => ({ file: f.file, line: c.line, handle: c.handle })),
  );
  const routers = new Set(found.map((f) => f.file));
  return {
    id,
    label: `Zero db.${call}() in routers`,
    pass: found.length === 0,
    reason: found.length === 0 ? `no ${call}() on a DB handle in any router` : `${found.length} ${call}() call(s) in ${routers.size} router(s)`,
    details: found.map((f) => ({ file: f.file, line: f.line, message: `${f.handle}.${call}()` })),
  };
}

function prLint(workflows: WorkflowFacts[]): ChecklistItem[] {
  const onPr = workflows.filter((w) => w.onPullRequest && w.checkSteps.length > 0);
  const exists: ChecklistItem = {
    id: 'pr-lint-workflow-exists',
    label: 'PR lint workflow exists',
    pass: onPr.length > 0,
    reason:
      onPr.length > 0
        ? `${onPr.map((w) => w.file).join(', ')} checks the architecture on pull requests`
        : workflows.length === 0
          ? 'no workflow found'
          : `none of ${workflows.length} workflow(s) runs ESLint, outbox-audit or a router DB-call check on pull requests`,
    details: workflows.flatMap((w): ChecklistDetail[] => {
      if (w.parseError) return [{ file: w.file, message: w.parseError }];
      if (w.checkSteps.length === 0) {
        return [{ file: w.file, message: `${w.name}: ${w.onPullRequest ? 'runs on pull requests' : 'does not run on pull requests'}, checks no architecture` }];
      }
      return w.checkSteps.map((s) => ({
        file: w.file,
        line: s.line,
        message: `${w.name} / ${s.job} / ${s.name}${w.onPullRequest ? '' : ' (not on pull requests)'}`,
      }));
    }),
  };
  const blocking = onPr.filter((w) => w.masks.length === 0 && w.checkSteps.some((s) => !s.reportOnly));
  const details: ChecklistDetail[] = [];
  for (const w of onPr) {
    for (const m of w.masks) details.push({ file: w.file, line: m.line, message: `${m.step ? `${m.job} / ${m.step}` : m.job}: ${m.what}` });
    for (const s of w.checkSteps.filter((s) => s.reportOnly)) details.push({ file: w.file, line: s.line, message: `${s.job} / ${s.name}: ${s.reportOnly}` });
  }
  const blocks: ChecklistItem = {
    id: 'pr-lint-blocks-violations',
    label: 'PR lint blocks architecture violations',
    pass: blocking.length > 0,
    reason:
      blocking.length > 0
        ? `${blocking.map((w) => w.file).join(', ')} fails the pull request on a violation`
        : onPr.length === 0
          ? 'no PR lint workflow'
          : 'every PR lint workflow lets a failing check pass',
    details,
  };
  return [exists, blocks];
}

/** The seed's 12 verification items, computed from the analysed files and workflows. */
export function computeChecklist(input: ChecklistInput, settings: ChecklistSettings): ChecklistItem[] {
  const isTest = compileGlobs(settings.testFiles);
  const { files } = input;
  return [
    aiLayer(files, settings),
    engineInjection('ai-orchestrator-matching-engine', 'AI Orchestrator injected into matching engine', settings.matchingEngineClass, files, settings),
    engineInjection('ai-orchestrator-risk-engine', 'AI Orchestrator injected into risk engine', settings.riskEngineClass, files, settings),
    managerOperational('websocket-operational', 'WebSocket manager operational', settings.websocketManagerClass, settings.websocketManagerMethods, files, isTest),
    managerOperational('webhooks-operational', 'Webhook system operational', settings.webhookManagerClass, settings.webhookManagerMethods, files, isTest),
    allOperations('operations-use-outbox', 'use OutboxRepository', 'outbox', files),
    allOperations('operations-idempotent', 'have idempotency', 'idempotency', files),
    allOperations('operations-emit-events', 'emit events', 'event', files),
    routerCalls('routers-no-db-commit', 'commit', files),
    routerCalls('routers-no-db-execute', 'execute', files),
    ...prLint(input.workflows),
  ];
}
