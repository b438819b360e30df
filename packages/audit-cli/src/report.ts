import {
  computeChecklist,
  fileFindings,
  operationKey,
  type ChecklistItem,
  type FileAnalysis,
  type FileDiagnostic,
  type Finding,
  type MissingReason,
  type OperationFlag,
  type WorkflowFacts,
  type ChecklistSettings,
  type UnanalysableEntry,
} from 'outbox-analysis/core';
import type { UnanalysedFile } from './unanalysed.js';

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
  key: string;
  idempotencyStyle?: 'redis' | 'store';
  missing: { flag: OperationFlag; reason: MissingReason; message: string; line: number; column: number }[];
  warnings: { kind: string; message: string; line: number }[];
}

export interface RouterDbFinding {
  line: number;
  column: number;
  call: string;
  handle: string;
  route?: string;
}

export interface ReportRouter {
  file: string;
  module: string;
  dbCommit: number;
  dbExecute: number;
  findings: RouterDbFinding[];
}

export interface AuditSummary {
  operations: number;
  compliant: number;
  percent: number;
  routers: number;
  routerDbCommit: number;
  routerDbExecute: number;
  checklistPassed: number;
  checklistTotal: number;
  filesScanned: number;
  filesParsed: number;
  /** Files (or folders) in scope the audit could not analyse and the config does not accept: each fails the gate. */
  unanalysed: number;
}

/** The audit's result: what every printer formats. Matches DESIGN.md's JSON contract (schemaVersion 1). */
export interface AuditReport {
  schemaVersion: 1;
  tool: { name: 'outbox-audit'; version: string };
  strict: boolean;
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
  /** Every finding, in file order; SARIF and annotations print these. */
  findings: Finding[];
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
  filesScanned: number;
  filesParsed: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const byFile = <T extends { file: string }>(a: T, b: T): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

/** Aggregates the analysis of every file into the report. Counts only; every fact comes from the analysis. */
export function buildReport(input: ReportInput): AuditReport {
  const operations: ReportOperation[] = input.analyses.flatMap((a) =>
    a.operations.map((op) => ({
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
      key: operationKey(op),
      ...(op.idempotencyStyle ? { idempotencyStyle: op.idempotencyStyle } : {}),
      missing: op.missing.map((m) => ({ flag: m.flag, reason: m.reason, message: m.message, line: m.at.line, column: m.at.column })),
      warnings: op.warnings.map((w) => ({ kind: w.kind, message: w.message, line: w.at.line })),
    })),
  );
  const routers: ReportRouter[] = input.analyses
    .filter((a) => a.role === 'router')
    .map((a) => {
      const calls = a.routerDbCalls.filter((c) => input.strict || !c.strictOnly);
      return {
        file: a.file,
        module: a.module,
        dbCommit: calls.filter((c) => c.call === 'commit').length,
        dbExecute: calls.filter((c) => c.call === 'execute').length,
        findings: calls.map((c) => ({ line: c.line, column: c.column, call: c.call, handle: c.handle, ...(c.route ? { route: c.route } : {}) })),
      };
    });
  const checklist = computeChecklist({ files: input.analyses, workflows: input.workflows }, input.checklistSettings);
  const compliant = operations.filter((o) => o.compliant).length;
  const accepted = new Map(input.unanalysable.map((e) => [e.path, e.reason]));
  const unanalysed: UnanalysedFile[] = [...input.unanalysed]
    .sort(byFile)
    .map((u) => (accepted.has(u.file) ? { ...u, accepted: accepted.get(u.file)! } : u));
  const used = new Set(unanalysed.map((u) => u.file));
  const stale = input.unanalysable
    .filter((e) => !used.has(e.path))
    .map((e) => `unanalysable: "${e.path}" was analysed (or is not in the tree): remove it from the list, which should only name what cannot be analysed`);
  return {
    schemaVersion: 1,
    tool: { name: 'outbox-audit', version: input.version },
    strict: input.strict,
    summary: {
      operations: operations.length,
      compliant,
      percent: operations.length === 0 ? 100 : round1((compliant / operations.length) * 100),
      routers: routers.length,
      routerDbCommit: routers.reduce((n, r) => n + r.dbCommit, 0),
      routerDbExecute: routers.reduce((n, r) => n + r.dbExecute, 0),
      checklistPassed: checklist.filter((c) => c.pass).length,
      checklistTotal: checklist.length,
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
    findings: input.analyses.flatMap((a) => fileFindings(a, { strict: input.strict })),
  };
}
