import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import {
  CONFIG_FILE_NAME,
  analyzeWorkflow,
  readConfigFile,
  detectPresets,
  resolveSettings,
  type OutboxConfigFile,
  type OutboxSettings,
  type PartialSettings,
  type WorkflowFacts,
} from 'outbox-analysis/core';
import { analyzeFiles } from './analyze.js';
import { cacheKey, openCache, saveCache } from './cache.js';
import { discoverFiles, type DiscoveredFile } from './discover.js';
import { buildReport, type AuditReport, type ReportInput } from './report.js';

/** A mistake in how the audit was called (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface AuditOptions {
  /** The folder to audit. */
  root: string;
  /** An explicit config file; otherwise `<root>/outbox.config.json` when it exists. */
  configFile?: string;
  /** Also forbid rollback/flush/begin/query in routers and warn on the racy Redis pattern. */
  strict?: boolean;
  /** Files larger than this are a diagnostic, not analysed. */
  maxFileSize?: number;
  workers?: number;
  /** Audit only shard `index` (1-based) of `count`: a deterministic share of the files. */
  shard?: { index: number; count: number };
  onProgress?: (done: number, total: number) => void;
  /** Keep analyses in this file between runs (--cache): unchanged files are not parsed again. */
  cacheFile?: string;
  /** Told, with --cache, how many files the cache spared. */
  onCache?: (stats: { file: string; reused: number; analysed: number }) => void;
}

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export function toolVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * A fingerprint of the analysis code in use (the size and time of each of its files), so that a cache made by other
 * analysis code — an upgrade, or a change in this monorepo — is not trusted.
 */
function analysisFingerprint(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('outbox-analysis');
    const dir = path.dirname(entry);
    return readdirSync(dir)
      .sort()
      .map((name) => {
        const info = statSync(path.join(dir, name));
        return `${name}:${info.size}:${info.mtimeMs}`;
      })
      .join(',');
  } catch {
    return 'unknown';
  }
}

/** The reference runtime shipped beside the audit in this monorepo: the default target. */
export function bundledRuntimeRoot(): string | undefined {
  const candidate = path.resolve(packageRoot, '..', 'reference-runtime');
  return existsSync(path.join(candidate, 'src')) ? candidate : undefined;
}

export interface LoadedConfig {
  file?: string;
  config: OutboxConfigFile;
}

export function loadConfig(root: string, explicit?: string): LoadedConfig {
  const file = explicit ? path.resolve(explicit) : path.join(root, CONFIG_FILE_NAME);
  if (!explicit && !existsSync(file)) return { config: {} };
  return { file, config: readConfigFile(file) };
}

/** Globs the user wrote that match no file: a rule that checks nothing is a silent failure, so say it. */
function globWarnings(config: OutboxConfigFile, configFile: string | undefined, files: DiscoveredFile[]): string[] {
  const warnings: string[] = [];
  for (const key of ['routerFiles', 'serviceFiles'] as const) {
    const globs = config[key];
    if (!Array.isArray(globs)) continue;
    for (const glob of globs as string[]) {
      const match = picomatch(glob, { dot: true });
      if (!files.some((f) => match(f.relative))) {
        warnings.push(`${configFile ?? CONFIG_FILE_NAME}: ${key} glob "${glob}" matches no file`);
      }
    }
  }
  return warnings;
}

function readWorkflows(root: string, dir: string, lintCommands: string[]): WorkflowFacts[] {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const base = dir.replace(/\\/g, '/').replace(/\/$/, '');
  return readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const rel = `${base}/${f}`;
      try {
        return analyzeWorkflow(rel, readFileSync(path.join(abs, f), 'utf8'), lintCommands);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        return { file: rel, name: rel, onPullRequest: false, checkSteps: [], masks: [], parseError: `cannot read: ${reason}` };
      }
    });
}

/** A stable share of the files for sharding: by a hash of the path, so adding a file moves nothing else. */
export function inShard(relative: string, shard: { index: number; count: number }): boolean {
  let h = 2166136261;
  for (let i = 0; i < relative.length; i++) h = Math.imul(h ^ relative.charCodeAt(i), 16777619);
  return (h >>> 0) % shard.count === shard.index - 1;
}

/** What one audit (or one shard of it) collected: the report's inputs, and the settings they were computed with. */
export interface CollectedAudit {
  input: ReportInput;
  settings: OutboxSettings;
}

/** Runs the whole audit of one folder and returns the report. Throws UsageError or ConfigError for exit code 2. */
export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  return buildReport((await collectAudit(options)).input);
}

/**
 * Discovers, reads and analyses the files (all of them, or one shard's share) and reads the workflows: everything
 * the report is computed from. A shard keeps this as its partial report so that a merge can compute the whole one.
 */
export async function collectAudit(options: AuditOptions): Promise<CollectedAudit> {
  const root = path.resolve(options.root);
  let info;
  try {
    info = statSync(root);
  } catch {
    throw new UsageError(`${options.root}: no such folder`);
  }
  if (!info.isDirectory()) throw new UsageError(`${options.root}: not a folder (give the root of the code to audit)`);

  const { file: configFile, config } = loadConfig(root, options.configFile);
  // Without a config file the stacks come from what the code depends on, as `init` would write them.
  const detected = configFile === undefined ? detectPresets(root) : undefined;
  const partial = (detected && detected.presets.length > 0 ? { ...config, presets: detected.presets } : config) as PartialSettings;
  const settings = resolveSettings(partial);
  const checklistSettings = settings.checklist;

  const discovery = await discoverFiles(root, settings.ignore);
  const shard = options.shard;
  const files = shard ? discovery.files.filter((f) => inShard(f.relative, shard)) : discovery.files;
  // A folder-level diagnostic belongs to one shard too, so the merged report lists it once.
  const discoveryDiagnostics = shard ? discovery.diagnostics.filter((d) => inShard(d.file, shard)) : discovery.diagnostics;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // The size limit decides which files are analysed at all, so a cache made under another limit is not reused.
  const cache = options.cacheFile
    ? openCache(path.resolve(options.cacheFile), cacheKey(settings, [toolVersion(), analysisFingerprint(), `max-file-size=${maxFileSize}`]))
    : undefined;
  const result = await analyzeFiles(files, {
    settings: partial,
    maxFileSize,
    workers: options.workers,
    onProgress: options.onProgress,
    ...(cache ? { cache: cache.entries } : {}),
  });
  if (cache) {
    const entries = new Map(result.cacheEntries);
    // Every entry as it was and none gone: the file on disk already says all of it.
    const unchanged = result.cacheChanged === 0 && cache.entries.size === entries.size;
    if (!unchanged) saveCache(cache, entries);
    options.onCache?.({ file: cache.file, reused: result.fromCache, analysed: result.parsed - result.fromCache });
  }
  const workflows = readWorkflows(root, checklistSettings.workflowsDir, checklistSettings.lintCommands);

  const input: ReportInput = {
    version: toolVersion(),
    strict: options.strict ?? false,
    analyses: result.analyses,
    workflows,
    diagnostics: [...discoveryDiagnostics, ...result.diagnostics],
    warnings: [
      ...(detected && detected.presets.length > 0
        ? [`no ${CONFIG_FILE_NAME}: using the presets its dependencies name (${detected.presets.join(', ')}); \`outbox-audit init\` writes them to a config`]
        : []),
      ...globWarnings(config, configFile ? path.relative(process.cwd(), configFile) || configFile : undefined, discovery.files),
    ],
    checklistSettings,
    filesScanned: files.length,
    filesParsed: result.parsed,
  };
  return { input, settings };
}
