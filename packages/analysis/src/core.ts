/**
 * The analysis without the parser: settings, config files, file roles, the checklist and the findings — everything
 * that does not load TypeScript. outbox-audit imports this and loads the parser (`./index.js`) only when a file has to
 * be parsed, so a run answered from its cache never pays for loading the compiler.
 */
export type * from './types.js';
export {
  DEFAULT_SETTINGS,
  resolveSettings,
  type OutboxSettings,
  type PartialSettings,
  type OutboxCallSettings,
  type IdempotencySettings,
  type UnanalysableEntry,
} from './settings.js';
export { classifyFile, declaredRouterAnalysis, isCandidate, mayDeclareRoutes, mayHoldStrayDbWork, moduleOf, normalizePath, type FileClass, type PackageInfo, type ProjectLayout } from './classify.js';
export { precheckFor, textMayMatter, mayCallByName, mentionsDbHandle, mentionsChecklistName, mentionsRouterDecorator, fixedPartOf, type PreCheck } from './precheck.js';
export { PRESETS, PRESET_NAMES, presetByName, type Preset } from './presets/index.js';
export { detectPresets, type PresetDetection, type PresetEvidence } from './detect.js';
export * from './checklist/index.js';
export * from './config.js';
export { compileGlobs, compileCommandPattern, globProblem, PatternError, MAX_PATTERN_LENGTH, type GlobMatcher, type CommandPattern } from './patterns.js';
export * from './findings.js';
export * from './suppressions.js';
export {
  defaultCodeCacheDir,
  enableTypeScriptCodeCache,
  typeScriptCodeCacheDir,
  typeScriptCodeCacheState,
  type CodeCacheState,
} from './code-cache.js';
export * from './catalogue.js';
export { diskLayout, layoutAbove, packageInfo, readProjectLayout } from './layout.js';
export { terminalText } from './terminal.js';
