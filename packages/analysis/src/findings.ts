import type { FileAnalysis, Operation, OperationFlag, SourceSpan } from './types.js';
import { suppressionFor, type SuppressionDirective } from './suppressions.js';

/** The ESLint rule that reports each kind of fact; the audit's SARIF and annotations use the same ids. */
export const RULE_FOR_FLAG: Record<OperationFlag, string> = {
  outbox: 'require-outbox-event',
  event: 'require-outbox-event',
  idempotency: 'require-idempotency',
  commit: 'require-service-commit',
};
export const ROUTER_RULE = 'no-db-in-router';

export type FindingKind = 'router-db-call' | 'missing-flag' | 'warning';

/** One reportable finding with its stable identity (no line numbers in it, so it survives edits). */
export interface Finding {
  rule: string;
  kind: FindingKind;
  severity: 'error' | 'warning';
  file: string;
  message: string;
  span: SourceSpan;
  /** `src/partners/partner.service.ts | PartnerService.createPartner` or `src/organization/router.ts | POST /organizations`. */
  operationKey?: string;
  /** Stable identity of the finding: operation key + flag, or router file + route + call. */
  identity: string;
  /** The inline ESLint disable comment that hides this finding, when one does: the audit lists it, never drops it. */
  suppressedBy?: SuppressionDirective;
}

/**
 * The key an operation is known by across edits: its file, and its class and method (or its route). No line, so
 * it survives edits; the file, so that a class of the same name in another package (or a `dist/` twin) is another
 * operation.
 */
export function operationKey(op: Pick<Operation, 'file' | 'className' | 'method' | 'kind'>): string {
  return `${op.file} | ${op.kind === 'router' || !op.className ? op.method : `${op.className}.${op.method}`}`;
}

/** The identity of format 1 (module / class or `router` / method), which had no file: for reading old baselines. */
export function legacyOperationKey(op: Pick<Operation, 'module' | 'className' | 'method' | 'kind'>): string {
  return `${op.module}/${op.kind === 'router' ? 'router' : (op.className ?? '?')}/${op.method}`;
}

/**
 * Every finding of one analysed file, in source order. `strict` adds the strict-only router calls and the warning
 * on the race-prone Redis idempotency pattern. A finding an inline ESLint disable comment hides carries it in
 * `suppressedBy` (ESLint hides it; the audit counts and lists it).
 */
export function fileFindings(analysis: FileAnalysis, options: { strict?: boolean } = {}): Finding[] {
  const findings: Finding[] = [];
  for (const call of analysis.routerDbCalls) {
    if (call.strictOnly && !options.strict) continue;
    findings.push({
      rule: ROUTER_RULE,
      kind: 'router-db-call',
      severity: 'error',
      file: analysis.file,
      message: `${call.handle}.${call.call}() in a router${call.route ? ` (${call.route})` : ''}: move the database work into a service operation that commits with its outbox event`,
      // The span alone: the call's other facts are in the analysis, not in every finding printed from it.
      span: { line: call.line, column: call.column, endLine: call.endLine, endColumn: call.endColumn, start: call.start, end: call.end },
      identity: `router:${analysis.file}:${call.route ?? '-'}:${call.call}`,
    });
  }
  for (const op of analysis.operations) {
    const key = operationKey(op);
    for (const missing of op.missing) {
      findings.push({
        rule: RULE_FOR_FLAG[missing.flag],
        kind: 'missing-flag',
        severity: 'error',
        file: analysis.file,
        message: missing.message,
        span: missing.at,
        operationKey: key,
        identity: `op:${key}:${missing.flag}`,
      });
    }
    if (options.strict) {
      for (const warning of op.warnings) {
        findings.push({
          rule: RULE_FOR_FLAG.idempotency,
          kind: 'warning',
          severity: 'warning',
          file: analysis.file,
          message: warning.message,
          span: warning.at,
          operationKey: key,
          identity: `op:${key}:${warning.kind}`,
        });
      }
    }
  }
  const directives = analysis.suppressions ?? [];
  if (directives.length > 0) {
    for (const finding of findings) {
      const directive = suppressionFor(directives, finding.rule, finding.span.line, finding.span.column);
      if (directive) finding.suppressedBy = directive;
    }
  }
  return findings.sort((a, b) => a.span.start - b.span.start);
}
