export * from './engine/types.js';
export { OverlayWorkspace, type FileChange } from './engine/workspace.js';
export { runTransforms, type TransformSummary } from './engine/run.js';
export { unifiedDiff } from './engine/diff.js';
export { writeChanges, dirtyFiles } from './engine/write.js';
export { planMigration, selectTransforms, bundledRuntimeRoot, UsageError, type MigrationOptions, type MigrationResult } from './migrate.js';
export { TRANSFORMS, orderedTransforms } from './transforms/index.js';
