import type { FileAnalysis, Operation, OperationFlag, SourceSpan } from './types.js';

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
  /** `partners/PartnerService/createPartner` or `organization/router/POST /organizations`. */
  operationKey?: string;
  /** Stable identity of the finding: operation key + flag, or router file + route + call. */
  identity: string;
}

/** The key an operation is known by across edits: module, class (or `router`), method or route. */
export function operationKey(op: Pick<Operation, 'module' | 'className' | 'method' | 'kind'>): string {
  return `${op.module}/${op.kind === 'router' ? 'router' : (op.className ?? '?')}/${op.method}`;
}

/**
 * Every finding of one analysed file, in source order. `strict` adds the strict-only router calls and the warning
 * on the race-prone Redis idempotency pattern.
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
      span: call,
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
  return findings.sort((a, b) => a.span.start - b.span.start);
}
