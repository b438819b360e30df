import { placeOf, unitsFor } from './attribute.js';
import type { Transform, UnitClaim } from './types.js';
import { ProjectTypeCheck, type IntroducedTypeError } from './typecheck.js';
import { SOURCE, type OverlayWorkspace, type WorkspaceSnapshot } from './workspace.js';

export interface TransformSummary {
  transform: string;
  filesChanged: string[];
  skipped: number;
}

export interface RunOptions {
  /**
   * Type-check the result with the project's own tsconfig (default true). Units of work whose edits introduce a type
   * error are left out and reported; the others are kept.
   */
  typeCheck?: boolean;
  /** Told when a transform starts, and when the result is being type-checked (for a progress line). */
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  /** The transform running, or the one whose output is being checked. */
  transform: string;
  index: number;
  total: number;
  phase: 'run' | 'type-check';
}

/** What the run's type check did: why it did not run, or how many compiles it took. */
export interface TypeCheckReport {
  unavailable?: string;
  compiles: number;
  /** The TypeScript that checked: `TypeScript 4.9.5 (the project's)`, or the codemod's own when the project has none. */
  compiler?: string;
}

export interface RunResult {
  summaries: TransformSummary[];
  typeCheck: TypeCheckReport;
}

/** Passes over the transforms: each one leaves out what the previous one's type errors were traced to. */
const MAX_PASSES = 8;

interface ExcludedUnit {
  label: string;
  file: string;
  line?: number;
  error: IntroducedTypeError;
}

/** One transform's part of a pass. */
interface Step {
  transform: Transform;
  /**
   * The workspace before it ran (the one after it is the next step's `before`, or the end of the pass). Kept whole
   * only when there is a type check to go back for; without one its texts are let go as soon as the step is recorded,
   * so a run does not hold every version of every file it changed (at 5,000 files that was most of its memory).
   */
  before: WorkspaceSnapshot;
  /** Its claims, to trace a type error back to a unit of work (none are recorded when there is no type check). */
  claims: UnitClaim[];
  /** The files whose text it changed (created ones included), sorted: taken when it ends, for the summary. */
  filesChanged: string[];
  /** How many skips it added. */
  skips: number;
}

/**
 * Runs transforms in order over one workspace (each one's output is the next one's input).
 *
 * - After each transform, every file it changed must still parse; one that does not is put back byte for byte and
 *   reported, so a run never leaves a half-transformed file.
 * - Then the result is type-checked with the project's own tsconfig, in memory. An error the original program did not
 *   have is traced to the first transform whose output has it, and there to the units of work (operations, routes)
 *   whose edits are nearest to it (see attribute.ts). Those units are left out, that transform and the ones after it
 *   run again, and each unit is reported with the error it would have caused. An error that cannot be traced to what
 *   remains leaves the whole transform out. So a run never leaves code that does not compile.
 *
 * In the usual case — no error — this is one compile of the changed files and the files that import them.
 */
export async function runTransforms(workspace: OverlayWorkspace, transforms: Transform[], options: RunOptions = {}): Promise<RunResult> {
  const typeCheck: TypeCheckReport = { compiles: 0 };
  let checker: ProjectTypeCheck | undefined;
  if (options.typeCheck === false) typeCheck.unavailable = 'not asked for';
  else {
    const opened = ProjectTypeCheck.open(workspace);
    if (opened instanceof ProjectTypeCheck) {
      checker = opened;
      typeCheck.compiler = opened.compiler;
    }
    else typeCheck.unavailable = opened.unavailable;
  }
  workspace.recordClaims = checker !== undefined;
  const excluded = transforms.map(() => new Map<string, ExcludedUnit>());
  const droppedEntirely = transforms.map((): IntroducedTypeError[] | undefined => undefined);
  const steps: Step[] = [];
  const start = workspace.snapshot();

  const check = (index: number): IntroducedTypeError[] => {
    const changed = workspace.changes().filter((c) => /\.(ts|tsx|mts|cts)$/.test(c.path)).map((c) => c.path);
    if (!checker || changed.length === 0) return [];
    options.onProgress?.({ transform: transforms[index]!.name, index, total: transforms.length, phase: 'type-check' });
    typeCheck.compiles++;
    return checker.newErrors(changed);
  };

  let from = 0;
  for (let pass = 1; ; pass++) {
    workspace.restore(steps[from]?.before ?? start);
    steps.length = from;
    for (let index = from; index < transforms.length; index++) {
      const transform = transforms[index]!;
      options.onProgress?.({ transform: transform.name, index, total: transforms.length, phase: 'run' });
      const before = workspace.snapshot();
      workspace.beginTransform(transform.name, new Set(excluded[index]!.keys()));
      if (!droppedEntirely[index]) {
        await transform.run(workspace);
        keepParsing(workspace, before);
      }
      const after = workspace.snapshot();
      steps.push({
        transform,
        before: checker ? before : { current: new Map(), skips: before.skips, skipEntries: [] },
        claims: workspace.claims(),
        filesChanged: [...new Set([...before.current.keys(), ...after.current.keys()])]
          .filter((file) => textIn(workspace, before, file) !== textIn(workspace, after, file))
          .sort(),
        skips: after.skips - before.skips,
      });
    }
    if (!checker) break;
    const finalErrors = check(transforms.length - 1);
    if (finalErrors.length === 0) break;

    // Some transform introduced an error: the first one whose output has it.
    const end = workspace.snapshot();
    let culprit: { index: number; errors: IntroducedTypeError[] } | undefined;
    for (let index = from; index < transforms.length && !culprit; index++) {
      const after = steps[index + 1]?.before ?? end;
      workspace.restore(after);
      const errors = index === transforms.length - 1 ? check(index) : changedBy(workspace, steps[index]!.before).length === 0 ? [] : check(index);
      if (errors.length > 0) culprit = { index, errors };
    }
    // The last state checked is the end of the pass, which has the errors: some transform is always the first.
    if (!culprit) throw new Error(`type errors that no transform introduced: ${finalErrors.map(formatError).join('; ')}`);
    const { index, errors } = culprit;
    const blamed = pass < MAX_PASSES ? trace(workspace, errors, steps[index]!.claims, checker, excluded[index]!) : new Map<string, ExcludedUnit>();
    if (blamed.size === 0) droppedEntirely[index] = errors;
    for (const [key, unit] of blamed) excluded[index]!.set(key, unit);
    from = index;
  }

  // The report, per transform: what it changed, what it skipped, what was left out for type errors.
  const summaries: TransformSummary[] = [];
  // A project that does not resolve one of its own imports is checked without that module's types: say so beside
  // each change left out, as the likelier cause (a Prisma client not generated, a dependency not installed).
  let unresolved: { error: IntroducedTypeError | undefined } | undefined;
  const unresolvedNote = (): string => {
    unresolved ??= { error: checker?.unresolvedImport() };
    return unresolved.error
      ? `; the project does not type-check as it is either (${formatError(unresolved.error)}): without that module's types the check may blame the change for it; generate or install it (for a Prisma client: \`prisma generate\`) and run again`
      : '';
  };
  for (const [index, transform] of transforms.entries()) {
    workspace.beginTransform(transform.name, new Set());
    const dropped = droppedEntirely[index];
    for (const error of dropped?.slice(0, 20) ?? []) {
      workspace.skip({ code: 'transform-type-error', file: error.file, line: error.line, reason: `${transform.name} left out entirely: its edits would not type-check (${formatError(error)})${unresolvedNote()}` });
    }
    for (const unit of excluded[index]!.values()) {
      workspace.skip({ code: 'type-error', file: unit.file, ...(unit.line !== undefined ? { line: unit.line } : {}), reason: `${unit.label}: left as it was: the change would not type-check (${formatError(unit.error)})${unresolvedNote()}` });
    }
    const step = steps[index]!;
    summaries.push({
      transform: transform.name,
      filesChanged: step.filesChanged,
      skipped: step.skips + (dropped ? Math.min(dropped.length, 20) : 0) + excluded[index]!.size,
    });
  }
  return { summaries, typeCheck };
}

/** The units the errors are traced to, among those not left out yet; empty when none is left to blame. */
function trace(workspace: OverlayWorkspace, errors: IntroducedTypeError[], claims: UnitClaim[], checker: ProjectTypeCheck, already: ReadonlyMap<string, ExcludedUnit>): Map<string, ExcludedUnit> {
  const blamed = new Map<string, ExcludedUnit>();
  for (const error of errors) {
    const place = placeOf(error.file, workspace.read(error.file), error.start, workspace.analysis(error.file));
    for (const key of unitsFor(error, place, claims, (file) => checker.importsOf(file))) {
      if (blamed.has(key) || already.has(key)) continue;
      const claim = claims.find((c) => c.key === key && c.line !== undefined) ?? claims.find((c) => c.key === key);
      blamed.set(key, { label: claim?.label ?? key.slice(key.indexOf('#') + 1), file: claim?.file ?? error.file, ...(claim?.line !== undefined ? { line: claim.line } : {}), error });
    }
  }
  return blamed;
}

/** Every file a transform changed must still parse: one that does not goes back to its text before the transform. */
function keepParsing(workspace: OverlayWorkspace, before: WorkspaceSnapshot): void {
  for (const file of changedBy(workspace, before)) {
    const problem = parseProblem(workspace, file);
    if (!problem) continue;
    const previous = before.current.get(file);
    if (previous === undefined) workspace.revert(file);
    else workspace.write(file, previous);
    workspace.skip({ code: 'transformed-text-does-not-parse', file, reason: `the transformed text would not parse (${problem}); file left as it was` });
  }
}

/** Files whose text differs from a snapshot's. */
function changedBy(workspace: OverlayWorkspace, before: WorkspaceSnapshot): string[] {
  return workspace
    .changes()
    .filter((c) => textIn(workspace, before, c.path) !== c.after)
    .map((c) => c.path);
}

/** A file's text in a snapshot: pending there, else as the run found it. */
function textIn(workspace: OverlayWorkspace, snapshot: WorkspaceSnapshot, file: string): string | undefined {
  return snapshot.current.has(file) ? snapshot.current.get(file) : workspace.baselineText(file);
}

function formatError(error: IntroducedTypeError): string {
  return `${error.file}:${error.line}:${error.column} TS${error.code}: ${error.message}`;
}

/**
 * The first syntax error of a changed file, from the workspace's analysis of its new text: the same parse the next
 * transform's analysis needs, so checking costs no extra parse.
 */
function parseProblem(workspace: OverlayWorkspace, file: string): string | undefined {
  if (!SOURCE.test(file)) return undefined;
  const PREFIX = 'parse error: ';
  const diagnostic = workspace.analysis(file).diagnostics.find((d) => d.message.startsWith(PREFIX));
  return diagnostic?.message.slice(PREFIX.length);
}
