export * from './engine/types.js';
export { SKIP_CODES, type SkipCode } from './engine/skips.js';
export { OverlayWorkspace, type FileChange } from './engine/workspace.js';
export { runTransforms, type TransformSummary, type RunOptions, type RunResult, type TypeCheckReport } from './engine/run.js';
export { ProjectTypeCheck, type IntroducedTypeError } from './engine/typecheck.js';
export { unifiedDiff } from './engine/diff.js';
export { writeChanges, recoverInterruptedWrite, treeState, dirtyFiles, WriteRefusedError, JOURNAL, type TreeState } from './engine/write.js';
export { planMigration, selectTransforms, bundledRuntimeRoot, UsageError, type MigrationOptions, type MigrationResult } from './migrate.js';
export { TRANSFORMS, orderedTransforms } from './transforms/index.js';
