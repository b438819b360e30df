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
