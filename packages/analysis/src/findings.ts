import type { FileAnalysis, Operation, OperationFlag, RouterDbCall, SourceSpan } from './types.js';
import { suppressionFor, type SuppressionDirective } from './suppressions.js';
import { formatMessage, REASONS, type MessageId, type RuleName } from './catalogue.js';

/** The ESLint rule that reports each kind of fact (the catalogue's); the audit's SARIF and annotations use the same ids. */
export const RULE_FOR_FLAG: Record<OperationFlag, RuleName> = {
  outbox: REASONS['no-outbox-repository'].rule,
  event: REASONS['no-event'].rule,
  idempotency: REASONS['no-idempotency-check'].rule,
  commit: REASONS['commit-left-to-router'].rule,
};
export const ROUTER_RULE: RuleName = REASONS['router-db-call'].rule;

/**
 * The catalogue's message for a router DB call: one that owns the transaction (commits, begins one or runs a callback
 * in one), or any other DB work; with the route when the call sits in a route's handler.
 */
export function routerCallMessage(call: Pick<RouterDbCall, 'handle' | 'call' | 'effect' | 'route'>): { messageId: MessageId; data: Record<string, string> } {
  const owns = call.effect === 'commit' || call.effect === 'scope' || call.effect === 'begin';
  const data = { handle: call.handle, call: call.call };
  if (call.route) return { messageId: owns ? 'commitInRoute' : 'dbCallInRoute', data: { ...data, route: call.route } };
  return { messageId: owns ? 'commitInRouter' : 'dbCallInRouter', data };
}

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
      severity: REASONS['router-db-call'].severity,
      file: analysis.file,
      message: (({ messageId, data }) => formatMessage(messageId, data))(routerCallMessage(call)),
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
        severity: REASONS[missing.reason].severity,
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
          severity: REASONS[warning.kind].severity,
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
