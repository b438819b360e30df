import type { FileAnalysis, OutboxSettings } from 'outbox-analysis';

/** The transforms, in the order `all` runs them (each one's output is the next one's input). */
export const TRANSFORM_ORDER = [
  'service-commit',
  'extract-router-db',
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
  file: string;
  line?: number;
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
  /** Current text (pending edits included). Throws for a missing file. */
  read(path: string): string;
  /** Replaces a file's text (or creates the file). Same text = no change. */
  write(path: string, text: string): void;
  /** The analysis of the file's current text (cached per text). */
  analysis(path: string): FileAnalysis;
  /** Records a place that could not be migrated safely. */
  skip(entry: Omit<SkipEntry, 'transform'>): void;
}

export interface Transform {
  name: TransformName;
  /** One line for --help and the summary. */
  summary: string;
  /** Plans from the analysis, then edits through the workspace. Must be idempotent: a second run changes nothing. */
  run(workspace: Workspace): void | Promise<void>;
}
