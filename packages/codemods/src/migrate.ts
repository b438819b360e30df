import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILE_NAME, detectPresets, readConfigFile, type PartialSettings } from 'outbox-analysis';
import { runTransforms, type RunOptions, type TransformSummary, type TypeCheckReport } from './engine/run.js';
import type { CodemodOptions, SkipEntry, Transform } from './engine/types.js';
import { OverlayWorkspace, type FileChange } from './engine/workspace.js';
import { orderedTransforms, TRANSFORMS } from './transforms/index.js';

export interface MigrationOptions {
  /** The target's root folder. */
  root: string;
  /** A transform name or 'all'. */
  transform: string;
  options?: Partial<CodemodOptions>;
  /** An explicit config file; otherwise `<root>/outbox.config.json` when it exists. Throws ConfigError. */
  configFile?: string;
  /** Type-check each transform's output (default true); see runTransforms. */
  typeCheck?: boolean;
  onProgress?: RunOptions['onProgress'];
}

export interface MigrationResult {
  transforms: Transform[];
  summaries: TransformSummary[];
  changes: FileChange[];
  skipped: SkipEntry[];
  /** Files not read: links under the root (never followed). */
  unread: { file: string; reason: string }[];
  typeCheck: TypeCheckReport;
}

export class UsageError extends Error {}

/** The transforms a name stands for: one, or every registered one in TRANSFORM_ORDER for `all`. */
export function selectTransforms(name: string): Transform[] {
  if (name === 'all') return orderedTransforms();
  const transform = (TRANSFORMS as Record<string, Transform | undefined>)[name];
  if (!transform) {
    throw new UsageError(`unknown transform "${name}"; choose one of: all, ${orderedTransforms().map((t) => t.name).join(', ')}`);
  }
  return [transform];
}

/** Plans and runs the transforms on an overlay of the target; nothing is written (see writeChanges). */
export async function planMigration(options: MigrationOptions): Promise<MigrationResult> {
  const transforms = selectTransforms(options.transform);
  const configFile = options.configFile ? path.resolve(options.configFile) : path.join(options.root, CONFIG_FILE_NAME);
  const hasConfig = options.configFile !== undefined || existsSync(configFile);
  const settings: PartialSettings = hasConfig ? (readConfigFile(configFile) as PartialSettings) : {};
  // Without a config file the stacks come from what the code depends on, as the audit reads them (and `init` writes them).
  if (!hasConfig) {
    const detected = detectPresets(options.root).presets;
    if (detected.length > 0) settings.presets = detected;
  }
  const codemodOptions: CodemodOptions = { idempotency: 'store', todoComments: false, ...options.options };
  const workspace = new OverlayWorkspace(options.root, codemodOptions, settings);
  const { summaries, typeCheck } = await runTransforms(workspace, transforms, {
    ...(options.typeCheck !== undefined ? { typeCheck: options.typeCheck } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { transforms, summaries, changes: workspace.changes(), skipped: workspace.skipped(), unread: workspace.unread(), typeCheck };
}

/** The reference runtime shipped beside this package in the monorepo: the default target. */
export function bundledRuntimeRoot(): string | undefined {
  const candidate = path.resolve(fileURLToPath(new URL('..', import.meta.url)), '..', 'reference-runtime');
  return existsSync(path.join(candidate, 'src')) ? candidate : undefined;
}
