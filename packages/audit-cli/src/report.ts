import {
  computeChecklist,
  fileFindings,
  legacyOperationKey,
  operationKey,
  type ChecklistItem,
  type ChecklistProfile,
  type FileAnalysis,
  type FileDiagnostic,
  type Finding,
  type MissingReason,
  type OperationFlag,
  type RouterCallNames,
  type RouterDbCallKind,
  type SuppressionKind,
  type WorkflowFacts,
  type ChecklistSettings,
  type UnanalysableEntry,
} from 'outbox-analysis/core';
import type { UnanalysedFile } from './unanalysed.js';

/** The JSON report's version: 2 added the file to every identity, router calls by kind, `percent: null` and suppressions. */
export const REPORT_SCHEMA_VERSION = 2;

/** The inline ESLint disable comment that hides a finding: where it is and why. */
export interface SuppressionRef {
  kind: SuppressionKind;
  line: number;
  reason?: string;
}

/** One operation in the report (the JSON contract's fields, and why each false flag is false). */
export interface ReportOperation {
  module: string;
  kind: 'service' | 'router';
  className?: string;
  method: string;
  file: string;
  line: number;
  outbox: boolean;
  idempotency: boolean;
  event: boolean;
  commit: boolean;
  compliant: boolean;
  /** Its identity: file, and class and method (or route). */
  key: string;
  /** Its identity in format-1 baselines (module / class / method), to read them. */
  legacyKey: string;
  idempotencyStyle?: 'redis' | 'store';
  /** Why each false flag is false; `suppressed` when an inline ESLint disable comment accepts that finding. */
  missing: { flag: OperationFlag; reason: MissingReason; message: string; line: number; column: number; suppressed?: SuppressionRef }[];
  warnings: { kind: string; message: string; line: number }[];
}

export interface RouterDbFinding {
  line: number;
  column: number;
  call: string;
  /** `commit` / `execute` / `other`, by the configured commitCalls and executeCalls. */
  kind: RouterDbCallKind;
  handle: string;
  route?: string;
  suppressed?: SuppressionRef;
}

export interface ReportRouter {
  file: string;
  module: string;
  /** Calls of kind `commit` (the JSON contract's name, kept: it counts every configured commit call). */
  dbCommit: number;
  /** Calls of kind `execute`. */
  dbExecute: number;
  /** Any other forbidden call (a routerCalls entry that neither commits nor executes; strict-only ones with --strict). */
  dbOther: number;
  findings: RouterDbFinding[];
}

/** A finding an inline ESLint disable comment hides: not gated, but always listed. */
export interface SuppressedFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  message: string;
  suppression: SuppressionRef;
}

/** A file that does DB work outside every role (a hint that routerFiles / serviceFiles miss it). */
export interface UnassignedDbFile {
  file: string;
  line?: number;
  message: string;
}

export interface AuditSummary {
  operations: number;
  compliant: number;
  /** Compliant share in percent, one decimal; null when no operation was found (there is no share of nothing). */
  percent: number | null;
  /** Router files in the tree (analysed or not: a router that never names a DB handle is not parsed). */
  routers: number;
  /** Router files with at least one forbidden DB call. */
  routersWithFindings: number;
  /** Service files in the tree. */
  services: number;
  routerDbCommit: number;
  routerDbExecute: number;
  routerDbOther: number;
  checklistPassed: number;
  checklistTotal: number;
  checklistProfile: ChecklistProfile;
  /** Findings hidden by inline ESLint disable comments (listed in `suppressed`). */
  suppressed: number;
  filesScanned: number;
  filesParsed: number;
  /** Files (or folders) in scope the audit could not analyse and the config does not accept: each fails the gate. */
  unanalysed: number;
}

/** The audit's result: what every printer formats. DESIGN.md's JSON contract, at schemaVersion 2. */
export interface AuditReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'outbox-audit'; version: string };
  strict: boolean;
  /** The configured router calls by kind, so printers name the calls as the project does. */
  routerCalls: RouterCallNames;
  summary: AuditSummary;
  operations: ReportOperation[];
  routers: ReportRouter[];
  checklist: ChecklistItem[];
  diagnostics: FileDiagnostic[];
  /**
   * Files in scope the audit could not analyse (also among the diagnostics), with the config's reason when its
   * `unanalysable` list accepts one. Those not accepted fail the gate.
   */
  unanalysed: UnanalysedFile[];
  /** Configuration warnings (a glob that matches nothing, …). */
  warnings: string[];
  /** Every finding the gate sees, in file order; SARIF and annotations print these. */
  findings: Finding[];
  /** Every finding an inline ESLint disable comment hides, with the comment's reason. */
  suppressed: SuppressedFinding[];
  /** Files doing DB work outside every role (the analysis' stray DB calls): a role glob or a preset may be missing. */
  unassignedDbFiles: UnassignedDbFile[];
}

export interface ReportInput {
  version: string;
  strict: boolean;
  analyses: FileAnalysis[];
  workflows: WorkflowFacts[];
  diagnostics: FileDiagnostic[];
  /** Files in scope that could not be analysed, before the allow-list. */
  unanalysed: UnanalysedFile[];
  /** The config's allow-list of files that may not be analysable. */
  unanalysable: UnanalysableEntry[];
  warnings: string[];
  checklistSettings: ChecklistSettings;
  routerCalls: RouterCallNames;
  /** Files per role in the audited tree (or shard), parsed or not. */
  roles: { router: number; service: number };
  filesScanned: number;
  filesParsed: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const byFile = <T extends { file: string }>(a: T, b: T): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

const suppressionRef = (finding: Finding | undefined): SuppressionRef | undefined =>
  finding?.suppressedBy
    ? { kind: finding.suppressedBy.kind, line: finding.suppressedBy.line, ...(finding.suppressedBy.reason ? { reason: finding.suppressedBy.reason } : {}) }
    : undefined;

/** Aggregates the analysis of every file into the report. Counts only; every fact comes from the analysis. */
export function buildReport(input: ReportInput): AuditReport {
  const allFindings = input.analyses.flatMap((a) => fileFindings(a, { strict: input.strict }));
  const byIdentity = new Map<string, Finding>();
  const byPlace = new Map<string, Finding>();
  for (const f of allFindings) {
    byIdentity.set(f.identity, f);
    if (f.kind === 'router-db-call') byPlace.set(`${f.file}:${f.span.line}:${f.span.column}`, f);
  }
  const operations: ReportOperation[] = input.analyses.flatMap((a) =>
    a.operations.map((op) => {
      const key = operationKey(op);
      return {
        module: op.module,
        kind: op.kind,
        ...(op.className ? { className: op.className } : {}),
        method: op.method,
        file: op.file,
        line: op.line,
        outbox: op.outbox,
        idempotency: op.idempotency,
        event: op.event,
        commit: op.commit,
        compliant: op.compliant,
        key,
        legacyKey: legacyOperationKey(op),
        ...(op.idempotencyStyle ? { idempotencyStyle: op.idempotencyStyle } : {}),
        missing: op.missing.map((m) => {
          const suppressed = suppressionRef(byIdentity.get(`op:${key}:${m.flag}`));
          return { flag: m.flag, reason: m.reason, message: m.message, line: m.at.line, column: m.at.column, ...(suppressed ? { suppressed } : {}) };
        }),
        warnings: op.warnings.map((w) => ({ kind: w.kind, message: w.message, line: w.at.line })),
      };
    }),
  );
  const routers: ReportRouter[] = input.analyses
    .filter((a) => a.role === 'router')
    .map((a) => {
      const calls = a.routerDbCalls.filter((c) => input.strict || !c.strictOnly);
      return {
        file: a.file,
        module: a.module,
        dbCommit: calls.filter((c) => c.kind === 'commit').length,
        dbExecute: calls.filter((c) => c.kind === 'execute').length,
        dbOther: calls.filter((c) => c.kind === 'other').length,
        findings: calls.map((c) => {
          const suppressed = suppressionRef(byPlace.get(`${a.file}:${c.line}:${c.column}`));
          return { line: c.line, column: c.column, call: c.call, kind: c.kind, handle: c.handle, ...(c.route ? { route: c.route } : {}), ...(suppressed ? { suppressed } : {}) };
        }),
      };
    });
  const checklist = computeChecklist(
    { files: input.analyses, workflows: input.workflows, calls: input.routerCalls, roles: input.roles },
    input.checklistSettings,
  );
  const compliant = operations.filter((o) => o.compliant).length;
  const findings = allFindings.filter((f) => !f.suppressedBy);
  const suppressed: SuppressedFinding[] = allFindings
    .filter((f) => f.suppressedBy)
    .map((f) => ({ rule: f.rule, file: f.file, line: f.span.line, column: f.span.column, message: f.message, suppression: suppressionRef(f)! }));
  const accepted = new Map(input.unanalysable.map((e) => [e.path, e.reason]));
  const unanalysed: UnanalysedFile[] = [...input.unanalysed]
    .sort(byFile)
    .map((u) => (accepted.has(u.file) ? { ...u, accepted: accepted.get(u.file)! } : u));
  const used = new Set(unanalysed.map((u) => u.file));
  const stale = input.unanalysable
    .filter((e) => !used.has(e.path))
    .map((e) => `unanalysable: "${e.path}" was analysed (or is not in the tree): remove it from the list, which should only name what cannot be analysed`);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'outbox-audit', version: input.version },
    strict: input.strict,
    routerCalls: input.routerCalls,
    summary: {
      operations: operations.length,
      compliant,
      percent: operations.length === 0 ? null : round1((compliant / operations.length) * 100),
      routers: input.roles.router,
      routersWithFindings: routers.filter((r) => r.findings.length > 0).length,
      services: input.roles.service,
      routerDbCommit: routers.reduce((n, r) => n + r.dbCommit, 0),
      routerDbExecute: routers.reduce((n, r) => n + r.dbExecute, 0),
      routerDbOther: routers.reduce((n, r) => n + r.dbOther, 0),
      checklistPassed: checklist.filter((c) => c.pass).length,
      checklistTotal: checklist.length,
      checklistProfile: input.checklistSettings.profile,
      suppressed: suppressed.length,
      filesScanned: input.filesScanned,
      filesParsed: input.filesParsed,
      unanalysed: unanalysed.filter((u) => u.accepted === undefined).length,
    },
    operations,
    routers,
    checklist,
    diagnostics: [...input.diagnostics].sort(byFile),
    unanalysed,
    warnings: [...input.warnings, ...stale],
    findings,
    suppressed,
    unassignedDbFiles: input.analyses
      .filter((a) => (a.strayDbCalls?.length ?? 0) > 0)
      .map((a) => {
        const calls = a.strayDbCalls!;
        const verbs = [...new Set(calls.map((c) => `${c.call} (${c.effect})`))].slice(0, 4).join(', ');
        return { file: a.file, line: calls[0]!.line, message: `${calls.length} DB call(s) — ${verbs} — in a file that is neither a router nor a service` };
      }),
  };
}

/** The missing flags the gate holds an operation to: those no inline comment accepts. */
export function gatedMissing(op: ReportOperation): ReportOperation['missing'] {
  return op.missing.filter((m) => !m.suppressed);
}

// ---- the report model the printers print ------------------------------------------------------------------------

/** Per-module tallies (a count over the report, not a new fact). */
export interface ModuleTally {
  module: string;
  operations: ReportOperation[];
  outbox: number;
  idempotency: number;
  event: number;
  commit: number;
  compliant: number;
}

/**
 * Text of the model: our own words (a string, which may hold Markdown code spans of our own, like `outbox-audit
 * init`), a value from the audited tree (`value`: a name, a reason quoting the code) or a tree value shown as code
 * (`code`: a path). Each printer escapes the tree's values its own way.
 */
export type RichText = (string | { value: string } | { code: string })[];

/** How a summary line reads: all good, partly, or not. */
export type Mark = 'pass' | 'warn' | 'fail';
export interface SummaryLine {
  mark: Mark;
  text: RichText;
}

export type Priority = 'BLOCKER' | 'HIGH' | 'MEDIUM' | 'LOW';
export interface RecommendedAction {
  priority: Priority;
  text: RichText;
}

/** What the printers print, decided once: the summary lines, the priorities, the tallies. No printer counts. */
export interface ReportView {
  /** True when a checklist item fails. */
  critical: boolean;
  summaryLines: SummaryLine[];
  /** Recommended actions, most important first. */
  actions: RecommendedAction[];
  /** Modules by name. */
  modules: ModuleTally[];
  /** Modules with the most non-compliant operations first (then the lowest share, then by name). */
  worstModules: ModuleTally[];
  /** Operations lacking each flag. */
  without: { outbox: number; idempotency: number; event: number };
  /** Router DB calls of every kind. */
  routerCalls: number;
  /** `69 commit, 139 execute DB call(s) in 4 of 9 router file(s) with findings` (the configured kinds). */
  routerLine: string;
  /** Checklist items passing, in percent (whole). */
  checklistPercent: number;
  /** Operations whose idempotency is the race-prone Redis GET→SETEX. */
  racyRedis: number;
}

function tallyByModule(operations: ReportOperation[]): ModuleTally[] {
  const byModule = new Map<string, ReportOperation[]>();
  for (const op of operations) {
    const list = byModule.get(op.module) ?? [];
    list.push(op);
    byModule.set(op.module, list);
  }
  return [...byModule.entries()]
    .map(([module, ops]) => ({
      module,
      operations: ops,
      outbox: ops.filter((o) => o.outbox).length,
      idempotency: ops.filter((o) => o.idempotency).length,
      event: ops.filter((o) => o.event).length,
      commit: ops.filter((o) => o.commit).length,
      compliant: ops.filter((o) => o.compliant).length,
    }))
    .sort((a, b) => a.module.localeCompare(b.module));
}

/** `a, b and c` as rich text, each item a tree value (or code). */
function listOf(items: RichText[number][]): RichText {
  return items.flatMap((item, i) => (i === 0 ? [item] : [', ', item]));
}

const views = new WeakMap<AuditReport, ReportView>();

/** The report model of a report (computed once per report). */
export function reportView(report: AuditReport): ReportView {
  let view = views.get(report);
  if (!view) {
    view = computeView(report);
    views.set(report, view);
  }
  return view;
}

function computeView(report: AuditReport): ReportView {
  const s = report.summary;
  const item = (id: ChecklistItem['id']) => report.checklist.find((c) => c.id === id);
  const modules = tallyByModule(report.operations);
  const notCompliant = (m: ModuleTally) => m.operations.length - m.compliant;
  const worstModules = [...modules].sort(
    (a, b) =>
      notCompliant(b) - notCompliant(a) ||
      a.compliant / a.operations.length - b.compliant / b.operations.length ||
      a.module.localeCompare(b.module),
  );
  const without = {
    outbox: report.operations.filter((o) => !o.outbox).length,
    idempotency: report.operations.filter((o) => !o.idempotency).length,
    event: report.operations.filter((o) => !o.event).length,
  };
  const routerCalls = s.routerDbCommit + s.routerDbExecute + s.routerDbOther;
  const routerLine = `${s.routerDbCommit} commit, ${s.routerDbExecute} execute${s.routerDbOther > 0 || report.strict ? ` and ${s.routerDbOther} other` : ''} DB call(s) in ${s.routersWithFindings} of ${s.routers} router file(s) with findings`;
  const none = s.percent === null;
  const noncompliant = s.operations - s.compliant;
  const pass = (ok: boolean): Mark => (ok ? 'pass' : 'fail');

  const lines: SummaryLine[] = [];
  const ai = item('ai-orchestrator-exists');
  const aiMatching = item('ai-orchestrator-matching-engine');
  const aiRisk = item('ai-orchestrator-risk-engine');
  if (ai && aiMatching && aiRisk) {
    const all = ai.pass && aiMatching.pass && aiRisk.pass;
    const notInto = [aiMatching.pass ? '' : 'the matching engine', aiRisk.pass ? '' : 'the risk engine'].filter(Boolean).join(' and ');
    lines.push({
      mark: all ? 'pass' : ai.pass ? 'warn' : 'fail',
      text: [`AI Orchestration Layer: ${ai.pass ? (all ? 'implemented and injected' : `implemented, NOT injected into ${notInto}`) : 'missing'}`],
    });
  }
  const ws = item('websocket-operational');
  if (ws) lines.push({ mark: pass(ws.pass), text: ws.pass ? ['WebSocket real-time: implemented and wired'] : ['WebSocket real-time: ', { value: ws.reason }] });
  const hooks = item('webhooks-operational');
  if (hooks) lines.push({ mark: pass(hooks.pass), text: hooks.pass ? ['Webhook system: implemented and wired'] : ['Webhook system: ', { value: hooks.reason }] });
  if (none) {
    lines.push({ mark: 'fail', text: ['Infrastructure integration: no operations found — nothing was scored (check serviceFiles, routerFiles and dbHandles, or run `outbox-audit init`)'] });
  } else {
    lines.push({ mark: noncompliant === 0 ? 'pass' : 'warn', text: [`Infrastructure integration: ${s.percent}% complete (${s.compliant}/${s.operations} operations)`] });
  }
  const prExists = item('pr-lint-workflow-exists');
  const prBlocks = item('pr-lint-blocks-violations');
  if (prExists && prBlocks) {
    lines.push({
      mark: pass(prBlocks.pass),
      text: [`PR lint check: ${prBlocks.pass ? 'blocks architecture violations' : prExists.pass ? 'exists but does not block' : 'missing — nothing enforces the service layer, outbox or idempotency'}`],
    });
  }
  if (!none) {
    lines.push({ mark: pass(without.outbox === 0), text: [`Outbox pattern: ${without.outbox === 0 ? 'used by every operation' : `missing from ${without.outbox}/${s.operations} operations`}`] });
    lines.push({ mark: pass(without.idempotency === 0), text: [`Idempotency: ${without.idempotency === 0 ? 'enforced by every operation' : `missing from ${without.idempotency}/${s.operations} operations`}`] });
    lines.push({ mark: pass(without.event === 0), text: [`Event emission: ${without.event === 0 ? 'every operation emits its event before the commit' : `missing from ${without.event}/${s.operations} operations`}`] });
  }
  lines.push({ mark: pass(routerCalls === 0), text: [`Routers: ${routerLine}`] });
  if (s.suppressed > 0) lines.push({ mark: 'warn', text: [`Suppressed: ${s.suppressed} finding(s) hidden by inline disable comments (listed below)`] });

  return {
    critical: report.checklist.some((c) => !c.pass),
    summaryLines: lines,
    actions: recommendedActions(report, modules),
    modules,
    worstModules,
    without,
    routerCalls,
    routerLine,
    checklistPercent: Math.round((s.checklistPassed / Math.max(1, s.checklistTotal)) * 100),
    racyRedis: report.operations.filter((o) => o.warnings.some((w) => w.kind === 'racy-redis-idempotency')).length,
  };
}

/** What to do, most important first: the report's priorities, decided here for every printer. */
function recommendedActions(report: AuditReport, modules: ModuleTally[]): RecommendedAction[] {
  const s = report.summary;
  const actions: RecommendedAction[] = [];
  const act = (priority: Priority, ...text: RichText) => actions.push({ priority, text });
  const check = (id: ChecklistItem['id']) => report.checklist.find((c) => c.id === id);
  if (s.unanalysed > 0) act('BLOCKER', `${s.unanalysed} file(s) in scope could not be analysed (see Not analysed): fix them, or accept each in \`unanalysable\` with a reason.`);
  if (s.percent === null) act('BLOCKER', 'No operations found: point `serviceFiles`, `routerFiles` and `dbHandles` at the code (`outbox-audit init` proposes them), then audit again.');
  const noncompliant = report.operations.filter((o) => !o.compliant).length;
  if (noncompliant > 0) {
    const lacking = modules.filter((t) => t.compliant < t.operations.length).map((t) => ({ value: `${t.module} (${t.operations.length - t.compliant})` }));
    act('BLOCKER', `Fix the ${noncompliant} operations missing infrastructure: `, ...listOf(lacking), '. `outbox-codemod all` retrofits them.');
  }
  const exists = check('pr-lint-workflow-exists');
  const blocks = check('pr-lint-blocks-violations');
  if (exists && !exists.pass) act('BLOCKER', 'Create a PR lint workflow (`outbox-codemod add-pr-lint-workflow`) that runs ESLint with eslint-plugin-outbox and `outbox-audit --baseline`.');
  else if (blocks && !blocks.pass) act('BLOCKER', 'Make the PR lint workflow block: ', { value: blocks.reason }, '.');
  for (const id of ['ai-orchestrator-matching-engine', 'ai-orchestrator-risk-engine'] as const) {
    const c = check(id);
    if (c && !c.pass) act('HIGH', { value: c.reason }, '.');
  }
  const routerOps = new Set(report.operations.filter((o) => o.kind === 'router').map((o) => o.module));
  if (routerOps.size > 0) act('MEDIUM', 'Create the missing service layers for ', ...listOf([...routerOps].sort().map((value) => ({ value }))), ' (CRUD runs in the router).');
  if (s.routerDbCommit + s.routerDbExecute + s.routerDbOther > 0) {
    const routers = report.routers.filter((r) => r.findings.length > 0 && !routerOps.has(r.module));
    if (routers.length > 0) act('MEDIUM', 'Move the DB calls out of ', ...listOf(routers.map((r) => ({ code: r.file }))), ' into their services.');
  }
  for (const id of ['ai-orchestrator-exists', 'websocket-operational', 'webhooks-operational'] as const) {
    const c = check(id);
    if (c && !c.pass) act('MEDIUM', { value: c.label.replace(/ exists| operational/, '') }, ': ', { value: c.reason }, '.');
  }
  const racy = report.operations.filter((o) => o.idempotencyStyle === 'redis').length;
  if (racy > 0) act('LOW', `Replace the race-prone Redis GET→SETEX idempotency in ${racy} operation(s) with the transactional idempotency store.`);
  if (report.diagnostics.length > 0) act('LOW', `${report.diagnostics.length} file(s) could not be analysed (see Diagnostics).`);
  return actions;
}
