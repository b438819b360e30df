import { readFileSync } from 'node:fs';
import type { AuditReport } from './report.js';
import { UsageError } from './audit.js';

type Flags = { outbox: boolean; idempotency: boolean; event: boolean; commit: boolean };

/**
 * The known gaps a repository accepts for now. Operations are keyed by identity (module / class / method, or
 * module / router / route) and router DB calls by file, route and call, never by line, so edits elsewhere in a file
 * do not invalidate it.
 */
export interface Baseline {
  schemaVersion: 1;
  tool: 'outbox-audit';
  operations: Record<string, Flags>;
  routerCalls: Record<string, number>;
}

const FLAGS = ['outbox', 'idempotency', 'event', 'commit'] as const;

function routerCallKeys(report: AuditReport): Map<string, number> {
  const counts = new Map<string, number>();
  for (const router of report.routers) {
    for (const f of router.findings) {
      const key = `${router.file} | ${f.route ?? '(outside a route)'} | ${f.call}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

export function createBaseline(report: AuditReport): Baseline {
  const operations: Record<string, Flags> = {};
  for (const op of [...report.operations].sort((a, b) => a.key.localeCompare(b.key))) {
    if (op.compliant) continue;
    operations[op.key] = { outbox: op.outbox, idempotency: op.idempotency, event: op.event, commit: op.commit };
  }
  const routerCalls = Object.fromEntries([...routerCallKeys(report).entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { schemaVersion: 1, tool: 'outbox-audit', operations, routerCalls };
}

export function readBaseline(file: string): Baseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code ? `cannot read baseline (${code})` : `not valid JSON: ${(error as Error).message}`}; create one with --write-baseline ${file}`);
  }
  const b = parsed as Partial<Baseline>;
  if (b?.schemaVersion !== 1 || typeof b.operations !== 'object' || typeof b.routerCalls !== 'object' || !b.operations || !b.routerCalls) {
    throw new UsageError(`${file}: not an outbox-audit baseline (expected schemaVersion 1 with "operations" and "routerCalls")`);
  }
  return b as Baseline;
}

export interface BaselineComparison {
  /** Non-compliant operations the baseline does not know. */
  newOperations: string[];
  /** Known operations with a flag that was true in the baseline and is false now. */
  regressions: { key: string; flags: string[] }[];
  /** Router DB calls beyond the baseline's count for that file, route and call. */
  newRouterCalls: { key: string; count: number; baseline: number }[];
  /** Flags that became true, operations now compliant or gone, router calls removed. */
  fixed: string[];
}

export function compareWithBaseline(report: AuditReport, baseline: Baseline): BaselineComparison {
  const result: BaselineComparison = { newOperations: [], regressions: [], newRouterCalls: [], fixed: [] };
  const current = new Map(report.operations.map((o) => [o.key, o]));
  for (const op of report.operations) {
    const known = baseline.operations[op.key];
    if (!known) {
      if (!op.compliant) result.newOperations.push(op.key);
      continue;
    }
    const lost = FLAGS.filter((f) => known[f] && !op[f]);
    if (lost.length > 0) result.regressions.push({ key: op.key, flags: lost });
    const gained = FLAGS.filter((f) => !known[f] && op[f]);
    if (op.compliant) result.fixed.push(`${op.key} is now compliant`);
    else if (gained.length > 0) result.fixed.push(`${op.key} gained ${gained.join(', ')}`);
  }
  for (const key of Object.keys(baseline.operations)) {
    if (!current.has(key)) result.fixed.push(`${key} no longer exists or no longer writes`);
  }
  const calls = routerCallKeys(report);
  for (const [key, count] of calls) {
    const known = baseline.routerCalls[key] ?? 0;
    if (count > known) result.newRouterCalls.push({ key, count, baseline: known });
  }
  for (const [key, known] of Object.entries(baseline.routerCalls)) {
    const now = calls.get(key) ?? 0;
    if (now < known) result.fixed.push(`${key}: ${known - now} router DB call(s) removed`);
  }
  return result;
}

/**
 * The findings a baseline does not accept: every finding of a new non-compliant operation, the lost flags of a known
 * one, and the router calls of a file, route and call that now has more calls than the baseline counted (all of them:
 * which one is new cannot be told without line numbers). GitHub annotations point at these, not at the known gaps.
 */
export function findingsBeyondBaseline(report: AuditReport, baseline: Baseline): AuditReport['findings'] {
  const cmp = compareWithBaseline(report, baseline);
  const newOperations = new Set(cmp.newOperations);
  const lostFlags = new Set(cmp.regressions.flatMap((r) => r.flags.map((flag) => `op:${r.key}:${flag}`)));
  const newCalls = new Set(cmp.newRouterCalls.map((c) => c.key));
  return report.findings.filter((f) => {
    if (f.kind === 'router-db-call') {
      const router = report.routers.find((r) => r.file === f.file);
      const call = router?.findings.find((c) => c.line === f.span.line && c.column === f.span.column);
      return call !== undefined && newCalls.has(`${router!.file} | ${call.route ?? '(outside a route)'} | ${call.call}`);
    }
    return (f.operationKey !== undefined && newOperations.has(f.operationKey)) || lostFlags.has(f.identity);
  });
}
