import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_FILE_NAME,
  ConfigError,
  classifyFile,
  compileGlobs,
  readConfigFile,
  detectPresets,
  routerCallNames,
  type OutboxConfigFile,
  type OutboxSettings,
  type PartialSettings,
} from 'outbox-analysis/core';
import { analyzeFiles } from './analyze.js';
import { analyzeStrays } from './batch.js';
import { settingsFor, type ParsedSources, type SourceTexts } from './batch.js';
import { cacheKey, openCache, saveCache } from './cache.js';
import { discoverFiles, type DiscoveredFile, type DiscoveryProblem } from './discover.js';
import { readProjectLayout } from './layout.js';
import { buildReport, type AuditReport, type ReportInput } from './report.js';
import { isInside, readRegularFile } from './safe-fs.js';
import type { UnanalysedFile } from './unanalysed.js';
import { analyzeWorkflowsInBackground, type WorkflowText } from './workflows.js';

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
  /** Told about a cache that could not be used (damaged, a link). */
  onWarning?: (message: string) => void;
  /** Trees this process parsed already (init's permissive pass, batch.ts): a file with the same text is not parsed again. */
  parsedSources?: ParsedSources;
  /** Texts this process read already (init's first look, batch.ts): a file unchanged since is not read again. */
  sourceTexts?: SourceTexts;
}

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export function toolVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

let fingerprint: string | undefined;

/**
 * A fingerprint of the analysis code in use — the content of its compiled files and the TypeScript version that
 * parses — so that a cache made by other analysis code (an upgrade, or a change in this monorepo) is not trusted,
 * while the same code gives the same fingerprint in every clone, install folder and `npm ci` (no paths, no times).
 */
function analysisFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256');
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve('outbox-analysis');
    const dir = path.dirname(entry);
    const walk = (folder: string, prefix: string): void => {
      const entries = readdirSync(folder, { withFileTypes: true }).sort((a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const item of entries) {
        if (item.isDirectory()) walk(path.join(folder, item.name), `${prefix}${item.name}/`);
        else if (/\.(js|cjs|mjs|ts|mts|cts)$/.test(item.name) && !item.name.endsWith('.d.ts') && !item.name.endsWith('.map')) {
          hash.update(`${prefix}${item.name}\0`).update(readFileSync(path.join(folder, item.name))).update('\0');
        }
      }
    };
    walk(dir, '');
    const analysisRequire = createRequire(entry);
    hash.update(`typescript@${(JSON.parse(readFileSync(analysisRequire.resolve('typescript/package.json'), 'utf8')) as { version: string }).version}`);
    fingerprint = hash.digest('base64');
  } catch {
    fingerprint = 'unknown';
  }
  return fingerprint;
}

/**
 * The repository the audited folder belongs to: GitHub's checkout when it holds the folder, else the nearest folder
 * above it with a `.git`, else the folder itself. Annotation and SARIF paths are relative to it, as GitHub resolves them.
 */
export function repositoryRoot(root: string): string {
  const abs = path.resolve(root);
  const workspace = process.env.GITHUB_WORKSPACE;
  if (workspace) {
    const relative = path.relative(path.resolve(workspace), abs);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return path.resolve(workspace);
  }
  for (let dir = abs; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return abs;
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

/**
 * Reads the config: `<root>/outbox.config.json`, or an explicit file. A config inside the root (the default one
 * always) must stay inside it once links are resolved, since a pull request can change it.
 */
export function loadConfig(root: string, explicit?: string): LoadedConfig {
  const file = explicit ? path.resolve(explicit) : path.join(root, CONFIG_FILE_NAME);
  if (!explicit && !existsSync(file) && !isLink(file)) return { config: {} };
  const realRoot = realpathSync(root);
  let insideRoot = !explicit;
  try {
    insideRoot ||= isInside(realRoot, realpathSync(path.dirname(file)));
  } catch {
    // a missing folder: readConfigFile says so
  }
  return { file, config: readConfigFile(file, insideRoot ? { root: realRoot } : {}) };
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Globs the user wrote that match no file: a rule that checks nothing is a silent failure, so say it. */
function globWarnings(config: OutboxConfigFile, configFile: string | undefined, files: DiscoveredFile[]): string[] {
  const warnings: string[] = [];
  for (const key of ['routerFiles', 'serviceFiles'] as const) {
    const globs = config[key];
    if (!Array.isArray(globs)) continue;
    for (const glob of globs as string[]) {
      const match = compileGlobs([glob]);
      if (!files.some((f) => match(f.relative))) {
        warnings.push(`${configFile ?? CONFIG_FILE_NAME}: ${key} glob "${glob}" matches no file`);
      }
    }
  }
  return warnings;
}

/** Workflow files read at most (each at most MAX_WORKFLOW_BYTES): more, or larger, are reported, not read. */
const MAX_WORKFLOWS = 1000;
const MAX_WORKFLOW_BYTES = 1024 * 1024;

/**
 * Reads the workflows under `dir` (relative to the root, checked by the config's validation to have no `..`). The
 * folder and each file must be inside the root once links are resolved: a link out of it is a ConfigError for the
 * folder, an unread workflow (with the reason) for a file. Only the reading happens here; the YAML is analysed by
 * `analyzeWorkflowTexts` or, in a worker thread, by `analyzeWorkflowsInBackground` (workflows.ts).
 */
function readWorkflowTexts(root: string, dir: string, configFile: string | undefined): WorkflowText[] {
  const realRoot = realpathSync(root);
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const realDir = realpathSync(abs);
  if (!isInside(realRoot, realDir)) {
    throw new ConfigError(configFile ?? CONFIG_FILE_NAME, [
      { key: 'checklist.workflowsDir', message: `"${dir}" leads outside the audited root through a symbolic link; the workflows must be in the audited tree` },
    ]);
  }
  const base = dir.replace(/\\/g, '/').replace(/\/$/, '');
  const names = readdirSync(realDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  return names.map((f, index): WorkflowText => {
    const file = `${base}/${f}`;
    if (index >= MAX_WORKFLOWS) return { file, unread: `not read: more than ${MAX_WORKFLOWS} workflow files` };
    try {
      const real = realpathSync(path.join(realDir, f));
      if (!isInside(realRoot, real)) return { file, unread: 'a symbolic link to outside the audited root: not read' };
      return { file, text: readRegularFile(real, { limit: MAX_WORKFLOW_BYTES }).toString('utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { file, unread: code === 'ETOOBIG' ? `not read: larger than ${MAX_WORKFLOW_BYTES} bytes` : `cannot read: ${code ?? (error as Error).message}` };
    }
  });
}

/**
 * Which problems met while listing the tree are in scope (fail the gate unless accepted): a folder that could not be
 * entered may hold anything; a path too long to read cannot be judged by its text; a link out of the root matters
 * when it stands for a router or service file (a folder link out of the root is reported, not failed: the code it
 * stands for is not in the repository).
 */
function problemsInScope(problems: DiscoveryProblem[], settings: OutboxSettings): UnanalysedFile[] {
  return problems
    .filter((p) => (p.kind === 'link-outside-root' ? !p.folder && classifyFile(p.file, settings).role !== 'other' : true))
    .map((p) => ({ file: p.file, kind: p.kind, message: p.message, ...(p.folder ? { folder: true as const } : {}) }));
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
  /** What a shard's part must agree on with the others: the analysis code, the size limit, the whole tree and its share. */
  run: { analysis: string; maxFileSize: number; tree: TreeDigest; share: TreeDigest };
}

/** An order-free digest of a set of paths: their count, and the sum of their hashes (so shares add up to the tree). */
export interface TreeDigest {
  files: number;
  sum: string;
}

const SUM_MODULUS = 1n << 128n;

export function treeDigest(paths: Iterable<string>): TreeDigest {
  let files = 0;
  let sum = 0n;
  for (const p of paths) {
    files++;
    sum = (sum + BigInt(`0x${createHash('sha256').update(p).digest('hex').slice(0, 32)}`)) % SUM_MODULUS;
  }
  return { files, sum: sum.toString(16) };
}

/** The digest of several shares together: the tree's when they are exactly its shares. */
export function addDigests(digests: TreeDigest[]): TreeDigest {
  return {
    files: digests.reduce((n, d) => n + d.files, 0),
    sum: (digests.reduce((n, d) => (n + BigInt(`0x${d.sum}`)) % SUM_MODULUS, 0n)).toString(16),
  };
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
  // The same object the analysis resolves (batch.ts): each path is classified, and each glob compiled, once per run.
  const settings = settingsFor(partial);
  const checklistSettings = settings.checklist;
  const shownConfig = configFile ? path.relative(process.cwd(), configFile) || configFile : undefined;
  // Read first: a workflowsDir that leads out of the root is a configuration error, found before any work. Their YAML
  // is analysed meanwhile, in a worker thread where there is a second core.
  const workflowsAnalysed = analyzeWorkflowsInBackground(readWorkflowTexts(root, checklistSettings.workflowsDir, shownConfig), checklistSettings.lintCommands);

  const discovery = await discoverFiles(root, settings.ignore);
  const shard = options.shard;
  const files = shard ? discovery.files.filter((f) => inShard(f.relative, shard)) : discovery.files;
  // A folder-level diagnostic belongs to one shard too, so the merged report lists it once.
  const discoveryDiagnostics = shard ? discovery.diagnostics.filter((d) => inShard(d.file, shard)) : discovery.diagnostics;
  const discoveryProblems = shard ? discovery.problems.filter((p) => inShard(p.file, shard)) : discovery.problems;
  // Every shard reads every package.json (modules are named after packages), and reports their problems once.
  const { layout, diagnostics: layoutDiagnostics } = readProjectLayout(root, discovery.packageDirs);
  const ownLayoutDiagnostics = shard ? layoutDiagnostics.filter((d) => inShard(d.file, shard)) : layoutDiagnostics;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  // The size limit decides which files are analysed at all, so a cache made under another limit is not reused; the
  // packages name the modules, so a cache made with other packages is not reused either.
  let cache;
  if (options.cacheFile) {
    const opened = openCache(
      path.resolve(options.cacheFile),
      cacheKey(settings, [toolVersion(), analysisFingerprint(), `max-file-size=${maxFileSize}`, `layout=${JSON.stringify(layout)}`]),
    );
    if (opened.warning) options.onWarning?.(opened.warning);
    cache = opened.cache;
  }
  const result = await analyzeFiles(files, {
    settings: partial,
    layout,
    maxFileSize,
    workers: options.workers,
    onProgress: options.onProgress,
    ...(cache ? { cache: cache.entries } : {}),
    ...(options.parsedSources ? { parsedSources: options.parsedSources } : {}),
    ...(options.sourceTexts ? { sourceTexts: options.sourceTexts } : {}),
  });
  if (cache) {
    const entries = new Map(result.cacheEntries);
    // Every entry as it was and none gone: the file on disk already says all of it.
    const unchanged = result.cacheChanged === 0 && cache.entries.size === entries.size;
    if (!unchanged) saveCache(cache, entries);
    options.onCache?.({ file: cache.file, reused: result.fromCache, analysed: result.parsed - result.fromCache });
  }
  // Nothing found in the routers and services: say where the DB work is instead (files outside every role).
  const nothingFound = result.analyses.every((a) => a.operations.length === 0 && a.routerDbCalls.length === 0);
  if (nothingFound) result.analyses.push(...(await analyzeStrays(files, partial, maxFileSize, layout)));
  // Files per role: by the globs (a router that names no DB handle is never parsed), and by what the analysis found
  // (a `@Controller` class makes a router of a file no glob names).
  const roleOf = new Map<string, string>();
  for (const f of files) roleOf.set(f.relative, classifyFile(f.relative, settings).role);
  for (const a of result.analyses) roleOf.set(a.file, a.role);
  const roles = { router: 0, service: 0 };
  for (const role of roleOf.values()) if (role === 'router' || role === 'service') roles[role]++;

  const input: ReportInput = {
    version: toolVersion(),
    strict: options.strict ?? false,
    analyses: result.analyses,
    workflows: await workflowsAnalysed,
    diagnostics: [...discoveryDiagnostics, ...ownLayoutDiagnostics, ...result.diagnostics],
    unanalysed: [...problemsInScope(discoveryProblems, settings), ...result.unanalysed],
    unanalysable: settings.unanalysable,
    warnings: [
      ...(detected && detected.presets.length > 0
        ? [`no ${CONFIG_FILE_NAME}: using the presets its dependencies name (${detected.presets.join(', ')}); \`outbox-audit init\` writes them to a config`]
        : []),
      ...globWarnings(config, shownConfig, discovery.files),
    ],
    checklistSettings,
    routerCalls: routerCallNames(settings),
    roles,
    filesScanned: files.length,
    filesParsed: result.parsed,
  };
  // Unsharded, the share is the tree (a hash per path: a tenth of a second on a few thousand files).
  const tree = treeDigest(discovery.files.map((f) => f.relative));
  return {
    input,
    settings,
    run: {
      analysis: analysisFingerprint(),
      maxFileSize,
      tree,
      share: shard ? treeDigest(files.map((f) => f.relative)) : tree,
    },
  };
}
