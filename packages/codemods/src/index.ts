export * from './engine/types.js';
export { OverlayWorkspace, type FileChange } from './engine/workspace.js';
export { runTransforms, type TransformSummary } from './engine/run.js';
