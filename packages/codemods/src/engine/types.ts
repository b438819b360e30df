import type { FileAnalysis, OutboxSettings } from 'outbox-analysis';
import type { SkipCode } from './skips.js';

/** The transforms, in the order `all` runs them (each one's output is the next one's input). */
export const TRANSFORM_ORDER = [
  'scaffold',
  'service-commit',
  'extract-router-db',
  'wrap-transaction',
  'inject-outbox',
  'inject-idempotency',
  'inject-ai-orchestrator',
  'add-pr-lint-workflow',
] as const;

export type TransformName = (typeof TRANSFORM_ORDER)[number];

export interface CodemodOptions {
  /** 'store' (default): the transactional idempotency store; 'redis': the seed's exact Redis pattern. */
  idempotency: 'store' | 'redis';
  /** Leave a `// TODO(outbox-codemod): …` marker where something could not be migrated safely. */
  todoComments: boolean;
}

/** Something a transform could not migrate safely: reported, never guessed. */
export interface SkipEntry {
  transform: TransformName;
  /** Which reason of the catalogue (skips.ts) this is. */
  code: SkipCode;
  file: string;
  line?: number;
  /** The obstacle, in words for this place. */
  reason: string;
}

/**
 * The files a run works on. Reads see the pending changes of earlier transforms; nothing reaches the disk until the
 * engine has checked every changed file and the user asked for --write.
 */
export interface Workspace {
  /** Absolute root of the target. */
  readonly root: string;
  readonly settings: OutboxSettings;
  readonly options: CodemodOptions;
  /** Relative paths (with '/') of every source file under the root, new ones included, sorted. */
  files(): string[];
  exists(path: string): boolean;
  /**
   * Every regular file under `dir` (relative to the root, with '/'; `''` for the root), of any kind (SQL, schema
   * files), files created by the run included, sorted. Links are not followed; installs and builds are not listed.
   */
  listFiles(dir: string): string[];
  /** Current text (pending edits included). Throws for a missing file. */
  read(path: string): string;
  /** Replaces a file's text (or creates the file). Same text = no change. */
  write(path: string, text: string): void;
  /** The analysis of the file's current text (cached per text). */
  analysis(path: string): FileAnalysis;
  /** Records a place that could not be migrated safely. */
  skip(entry: Omit<SkipEntry, 'transform'>): void;
  /**
   * True when a unit of work (an operation, a route) must be left out of the running transform: an earlier attempt's
   * edits for it did not type-check. The engine reports it; the transform just leaves it as it is.
   */
  excluded(key: string): boolean;
  /** Declares where a unit of work's edits land, so that a type error there is traced back to it (see UnitClaim). */
  claim(claim: UnitClaim): void;
}

/**
 * Where the edits of one unit of work land. A type error is traced to the units whose claims are nearest to it: the
 * same route, the same class member, the same class, the same file (in that order).
 */
export interface UnitClaim {
  /** The unit: an operation (`file#Class.method`), a route (`routerFile#POST /x`), a class (`file#Class`). */
  key: string;
  /** How a person names it in a report: `StockService.repriceLot`, `POST /bins`. */
  label: string;
  file: string;
  /** Where the unit is in the file as the transform found it (for the report). */
  line?: number;
  className?: string;
  /** A member of `className` (`<constructor>` for the constructor). */
  member?: string;
  /** A route of a router file, as the analysis names it (`POST /bins`). */
  route?: string;
}

export interface Transform {
  name: TransformName;
  /** One line for --help and the summary. */
  summary: string;
  /** Plans from the analysis, then edits through the workspace. Must be idempotent: a second run changes nothing. */
  run(workspace: Workspace): void | Promise<void>;
}
