import type { ClassFacts, FileAnalysis, Operation, RouterDbCall } from '../types.js';
import type { ChecklistSettings } from './settings.js';
import type { WorkflowFacts } from './workflow.js';
import type { CheckId } from './profiles.js';

/**
 * A checklist item as a unit, after OpenSSF Scorecard's checks: one file per check under `checks/`, each with its id,
 * title, what it requires, how to fix it and a doc page, and one `run` over the facts of the analysis. Every check
 * returns the same shape (pass, reason, details with file and line), and every report format prints that shape.
 */
export interface Check {
  id: CheckId;
  /** The label a report shows (a check may give a more precise one with its outcome, e.g. with a count). */
  title: string;
  /** What passing takes, in one sentence. */
  requires: string;
  /** What to do when it fails, in one or two sentences. */
  remediation: string;
  run(context: ChecklistContext): CheckOutcome;
}

export interface CheckOutcome {
  pass: boolean;
  /** One sentence: why it passes or fails. */
  reason: string;
  details: ChecklistDetail[];
  /** Replaces the title in the report (`All 114 operations use OutboxRepository`). */
  label?: string;
}

/** Where a checklist item's evidence is. */
export interface ChecklistDetail {
  file?: string;
  line?: number;
  message: string;
}

/** The router call names as configured, by kind: what the router checks count and how their labels name the calls. */
export interface RouterCallNames {
  /** The first configured DB-handle name (`db`), for labels such as `db.commit()`. */
  handle: string;
  commit: string[];
  execute: string[];
  other: string[];
}

export interface ChecklistContext {
  /** Every analysed file, paths relative to the audited root. */
  files: FileAnalysis[];
  /** Every operation of those files. */
  operations: Operation[];
  workflows: WorkflowFacts[];
  settings: ChecklistSettings;
  calls: RouterCallNames;
  /** How many files have each role, analysed or not (a router without DB calls is never parsed). */
  roles: { router: number; service: number };
  isTest: (path: string) => boolean;
}

/** Where the checks' doc pages are published. */
export const CHECK_DOCS_BASE = 'https://github.com/outbox-toolkit/outbox-toolkit/blob/main/packages/audit-cli/docs/checks';

export function routerCallNames(settings: { dbHandles: string[]; routerCalls: string[]; commitCalls: string[]; executeCalls: string[] }): RouterCallNames {
  return {
    handle: settings.dbHandles[0] ?? 'db',
    commit: settings.routerCalls.filter((call) => settings.commitCalls.includes(call)),
    execute: settings.routerCalls.filter((call) => settings.executeCalls.includes(call) && !settings.commitCalls.includes(call)),
    other: settings.routerCalls.filter((call) => !settings.executeCalls.includes(call) && !settings.commitCalls.includes(call)),
  };
}

/** `db.commit()`, `db.execute()/db.query()`: how labels name calls. */
export function callLabel(calls: RouterCallNames, names: string[]): string {
  return names.map((name) => `${calls.handle}.${name}()`).join('/');
}

export interface Located<T> {
  file: string;
  item: T;
}

export function classesNamed(files: FileAnalysis[], names: string[]): Located<ClassFacts>[] {
  const wanted = new Set(names);
  return files.flatMap((f) => f.classes.filter((c) => wanted.has(c.name)).map((item) => ({ file: f.file, item })));
}

/** Files other than `file` (and not tests) that import `name`. */
export function importers(files: FileAnalysis[], name: string, file: string, isTest: (path: string) => boolean): string[] {
  return files
    .filter((f) => f.file !== file && !isTest(f.file) && f.imports.some((i) => i.names.includes(name)))
    .map((f) => f.file);
}

/** Why an operations check cannot pass on nothing: a vacuous pass would read as "all good". */
export const NO_OPERATIONS =
  'no operations found: no service method or route handler writes through a DB handle (check serviceFiles, routerFiles and dbHandles in outbox.config.json, or run outbox-audit init)';

/** A check over one flag of every operation. */
export function everyOperation(operations: Operation[], flag: 'outbox' | 'idempotency' | 'event' | 'commit', what: string): CheckOutcome {
  const lacking = operations.filter((o) => !o[flag]);
  if (operations.length === 0) return { pass: false, label: `Operations ${what}`, reason: NO_OPERATIONS, details: [] };
  return {
    pass: lacking.length === 0,
    label: `All ${operations.length} operations ${what}`,
    reason: `${operations.length - lacking.length}/${operations.length} operations ${what}`,
    details: lacking.map((o) => ({ file: o.file, line: o.line, message: `${o.className ? `${o.className}.` : ''}${o.method}` })),
  };
}

/** A check that routers make none of the calls of `kinds` (strict-only calls are the strict gate's, not the checklist's). */
export function noRouterCalls(context: ChecklistContext, kinds: RouterDbCall['kind'][], label: string): CheckOutcome {
  if (context.roles.router === 0) {
    return {
      pass: false,
      label,
      reason: 'no router file found: the routerFiles globs match no file (set them in outbox.config.json, or run outbox-audit init)',
      details: [],
    };
  }
  const found = context.files.flatMap((f) =>
    f.routerDbCalls.filter((c) => kinds.includes(c.kind) && !c.strictOnly).map((c) => ({ file: f.file, line: c.line, message: `${c.handle}.${c.call}()` })),
  );
  const routers = new Set(found.map((f) => f.file));
  return {
    pass: found.length === 0,
    label,
    reason:
      found.length === 0
        ? `none in ${context.roles.router} router file(s)`
        : `${found.length} call(s) in ${routers.size} router file(s) with findings, of ${context.roles.router}`,
    details: found,
  };
}
