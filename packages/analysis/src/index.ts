/**
 * The analysis: the one place that decides what a router, a DB call, a write and an operation are. The ESLint rules,
 * outbox-audit and outbox-codemod all read its results. (`./core.js` is the same without the parser.)
 */
export * from './core.js';
export { analyzeFile, analyzeSourceFile, parseFile } from './analyze.js';
export { classifySql, resolveText, sqlWriteTarget, type SqlKind, type ResolvedText, type WriteTarget, type ConstLookup } from './sql.js';
export { ormWriteTarget, type OrmWriteTarget } from './orm-target.js';
