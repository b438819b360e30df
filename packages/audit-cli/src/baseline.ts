import { readFileSync } from 'node:fs';
import { gatedMissing, type AuditReport } from './report.js';
import { UsageError } from './audit.js';

type Flags = { outbox: boolean; idempotency: boolean; event: boolean; commit: boolean };

/** The baseline format this version writes. Format 1 (no file in operation keys) is read and upgraded. */
export const BASELINE_FORMAT = 2;

/**
 * The known gaps a repository accepts for now. Operations are keyed by identity — file, and class and method (or
 * route): `src/orders/order.service.ts | OrderService.cancelOrder` — and router DB calls by file, route and call,
 * never by line, so edits elsewhere in a file do not invalidate it.
 */
export interface Baseline {
  schemaVersion: typeof BASELINE_FORMAT;
  tool: 'outbox-audit';
  operations: Record<string, Flags>;
  routerCalls: Record<string, number>;
}

/** Format 1: operations keyed `module/Class/method` (or `module/router/ROUTE`), which two files could share. */
export interface BaselineV1 {
  schemaVersion: 1;
  tool: 'outbox-audit';
  operations: Record<string, Flags>;
  routerCalls: Record<string, number>;
}

/** A baseline as read: format 2, or format 1 waiting for the report that upgrades its keys. */
export type AnyBaseline = Baseline | BaselineV1;

const FLAGS = ['outbox', 'idempotency', 'event', 'commit'] as const;

export const routerCallKey = (file: string, call: { route?: string; call: string }): string =>
  `${file} | ${call.route ?? '(outside a route)'} | ${call.call}`;

/** Router calls the gate holds routers to (not hidden by an inline comment), counted by file, route and call. */
function routerCallKeys(report: AuditReport): Map<string, number> {
  const counts = new Map<string, number>();
  for (const router of report.routers) {
    for (const f of router.findings) {
      if (f.suppressed) continue;
      const key = routerCallKey(router.file, f);
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
  return { schemaVersion: BASELINE_FORMAT, tool: 'outbox-audit', operations, routerCalls };
}

export function readBaseline(file: string): AnyBaseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code ? `cannot read baseline (${code})` : `not valid JSON: ${(error as Error).message}`}; create one with --write-baseline ${file}`);
  }
  const b = parsed as Partial<AnyBaseline>;
  const known = b?.schemaVersion === 1 || b?.schemaVersion === BASELINE_FORMAT;
  if (!known || typeof b.operations !== 'object' || typeof b.routerCalls !== 'object' || !b.operations || !b.routerCalls) {
    throw new UsageError(
      `${file}: not an outbox-audit baseline (expected schemaVersion ${BASELINE_FORMAT} or 1 with "operations" and "routerCalls"); create one with --write-baseline ${file}`,
    );
  }
  return b as AnyBaseline;
}

export interface BaselineUpgrade {
  baseline: Baseline;
  /** For the user: what was upgraded and how to keep it; absent when the baseline was already format 2. */
  message?: string;
}

/**
 * Reads a format-1 baseline against the current report: each old key (module / class / method) becomes the key of
 * every operation that has it now. A key two files share now (the collision format 2 exists for) is accepted for
 * both, as format 1 accepted it; a key no operation has stays as it was, and the comparison reports that gap as gone.
 */
export function upgradeBaseline(baseline: AnyBaseline, report: AuditReport, file = 'the baseline'): BaselineUpgrade {
  if (baseline.schemaVersion === BASELINE_FORMAT) return { baseline };
  const byLegacy = new Map<string, string[]>();
  for (const op of report.operations) byLegacy.set(op.legacyKey, [...(byLegacy.get(op.legacyKey) ?? []), op.key]);
  const operations: Record<string, Flags> = {};
  let shared = 0;
  let gone = 0;
  for (const [legacy, flags] of Object.entries(baseline.operations)) {
    const keys = byLegacy.get(legacy) ?? [];
    if (keys.length > 1) shared++;
    for (const key of keys) operations[key] = flags;
    // Kept under its old key, which no operation has: the comparison reports it as gone (fixed).
    if (keys.length === 0) {
      gone++;
      operations[legacy] = flags;
    }
  }
  const count = Object.keys(baseline.operations).length;
  const message =
    `${file} is a format-1 baseline (operations keyed module/Class/method, without the file); read as format ${BASELINE_FORMAT}: ` +
    `${count - gone} of ${count} operation key(s) matched${gone ? `, ${gone} no longer exist` : ''}` +
    `${shared ? `, ${shared} now match operations in several files (each is accepted)` : ''}. ` +
    `Rewrite it with --write-baseline ${file} once the gate passes.`;
  return { baseline: { schemaVersion: BASELINE_FORMAT, tool: 'outbox-audit', operations, routerCalls: { ...baseline.routerCalls } }, message };
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

/** What is new or worse than the baseline; a finding an inline ESLint disable comment hides is never new or worse. */
export function compareWithBaseline(report: AuditReport, baseline: Baseline): BaselineComparison {
  const result: BaselineComparison = { newOperations: [], regressions: [], newRouterCalls: [], fixed: [] };
  const current = new Map(report.operations.map((o) => [o.key, o]));
  for (const op of report.operations) {
    const gated = new Set(gatedMissing(op).map((m) => m.flag));
    const known = baseline.operations[op.key];
    if (!known) {
      if (gated.size > 0) result.newOperations.push(op.key);
      continue;
    }
    const lost = FLAGS.filter((f) => known[f] && !op[f] && gated.has(f));
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
      return call !== undefined && newCalls.has(routerCallKey(router!.file, call));
    }
    return (f.operationKey !== undefined && newOperations.has(f.operationKey)) || lostFlags.has(f.identity);
  });
}
