/**
 * The analysis: the one place that decides what a router, a DB call, a write and an operation are. The ESLint rules,
 * outbox-audit and outbox-codemod all read its results.
 */
export type * from './types.js';
export {
  DEFAULT_SETTINGS,
  resolveSettings,
  type OutboxSettings,
  type PartialSettings,
  type OutboxCallSettings,
  type IdempotencySettings,
} from './settings.js';
export { classifyFile, isCandidate, normalizePath, type FileClass } from './classify.js';
export { analyzeFile, analyzeSourceFile } from './analyze.js';
export { classifySql, resolveText, type SqlKind, type ResolvedText } from './sql.js';
export * from './checklist/index.js';
export * from './config.js';
export * from './findings.js';
