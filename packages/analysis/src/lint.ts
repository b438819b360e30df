/**
 * The analysis of one file at a time, as a linter or an editor asks for it: settings and config files, file roles and
 * the pre-check, the analysis of a parsed file, and the catalogue's rules and messages. It leaves out what only a
 * whole-tree tool runs (the checklist and its workflow YAML parser, preset detection, baselines and reports), so a
 * process that lints loads and keeps only what its rules use (eslint-plugin-outbox imports this). The same functions
 * as `./index.js`, not copies.
 */
export type * from './types.js';
export { DEFAULT_SETTINGS, resolveSettings, type OutboxSettings, type PartialSettings } from './settings.js';
export { classifyFile, classifyPathOnce, mayDeclareRoutes, type FileClass, type PackageInfo, type ProjectLayout } from './classify.js';
export { mentionsRouterDecorator, textMayMatter } from './precheck.js';
export { readConfigFile } from './config.js';
export { diskLayout } from './layout.js';
export { analyzeFile, analyzeSourceFile } from './analyze.js';
export { routerCallMessage } from './findings.js';
export { MESSAGES, RULES, messagesOf, repositoryUrl, type MessageId, type RuleName } from './catalogue.js';
