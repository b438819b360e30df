import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FileAnalysis, OutboxSettings } from 'outbox-analysis';
import { readRegularFile, writeFileAtomic } from './safe-fs.js';

/**
 * `--cache`: the analysis of each file, kept between runs and keyed by the file's content. A file whose bytes have
 * not changed is not parsed again; one whose size and modification time have not changed either is not even read
 * (ESLint's default cache strategy; a fresh clone, which gives every file a new time, still reuses every analysis, by
 * hash). The whole cache is only valid for what the analyses depend on besides the files — the tool's version, the
 * analysis code (by content, not by where it is installed or when), the settings and the size limit — so the same
 * key comes out in every clone and after every `npm ci`. With another key, or a damaged file (a warning), it starts
 * empty: a cache can make a run faster, never different.
 */

/** The file name of the cache, in `node_modules/.cache/outbox-audit/` (see defaultCacheFile). */
export const DEFAULT_CACHE_NAME = 'audit-cache.json';

const FORMAT = 3;
/** A cache larger than this is not read (a damaged or hostile file must not exhaust memory). */
const MAX_CACHE_BYTES = 1024 * 1024 * 1024;

export interface CacheEntry {
  /** sha256 of the file's bytes, base64. */
  hash: string;
  /** Size and modification time when the hash was taken: both unchanged, the file is not even read again. */
  size: number;
  mtimeMs: number;
  /** Absent for a file that was read and skipped (no role, none of the names the checklist looks for). */
  analysis?: FileAnalysis;
  /** The analysis was known from the text without a parse (`declaredRouterAnalysis`): not counted as parsed. */
  unparsed?: true;
}

export interface AnalysisCache {
  file: string;
  key: string;
  /** Entries by path relative to the audited root. */
  entries: Map<string, CacheEntry>;
}

/**
 * Where `--cache` keeps its file by default: `node_modules/.cache/outbox-audit/` of the nearest folder at or above
 * the audited root that has a `node_modules` (like Prettier and Babel), named after the root's path from there.
 * Not in the tree itself: a cache committed with a pull request would be trusted analyses chosen by its author, while
 * `npm ci` empties node_modules before a CI run restores the real cache into it.
 */
export function defaultCacheFile(root: string): string {
  const start = path.resolve(root);
  let base = start;
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules'))) {
      base = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  const where = path.relative(base, start).split(path.sep).join('/');
  const name = where === '' ? DEFAULT_CACHE_NAME : `audit-cache-${createHash('sha256').update(where).digest('hex').slice(0, 12)}.json`;
  return path.join(base, 'node_modules', '.cache', 'outbox-audit', name);
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** What the cached analyses depend on besides the files: the settings and the versions of the code that computed them. */
export function cacheKey(settings: OutboxSettings, versions: string[]): string {
  return createHash('sha256').update(JSON.stringify({ format: FORMAT, versions, settings })).digest('base64');
}

export interface OpenedCache {
  cache: AnalysisCache;
  /** Set when a cache file was there but could not be used (damaged, a link, too large): it is then ignored. */
  warning?: string;
}

/**
 * Reads the cache. A missing one, or one made with another key (other settings, another version), is an empty cache;
 * a damaged one too, with a warning. The file is never read through a symbolic link.
 */
export function openCache(file: string, key: string): OpenedCache {
  const cache: AnalysisCache = { file, key, entries: new Map() };
  const discard = (why: string): OpenedCache => ({ cache, warning: `cache ${file} ignored: ${why}; starting from an empty cache` });
  let text: string;
  try {
    text = readRegularFile(file, { limit: MAX_CACHE_BYTES, noFollow: true }).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { cache };
    if (code === 'ELOOP') return discard('it is a symbolic link (a cache is never read through one)');
    if (code === 'ETOOBIG') return discard(`larger than ${MAX_CACHE_BYTES} bytes`);
    return discard(`cannot read it (${code ?? (error as Error).message})`);
  }
  const header = /^\{"format":(\d+),"key":("[^"\\]*"),"checksum":"([0-9a-f]{64})","entries":/.exec(text);
  if (!header) {
    // An older format is expected after an upgrade; anything else is damage.
    return /^\{"format":\d+,/.test(text) && !text.startsWith(`{"format":${FORMAT},`) ? { cache } : discard('not a cache file of this version (damaged?)');
  }
  if (Number(header[1]) !== FORMAT || JSON.parse(header[2]!) !== key) return { cache };
  const body = text.slice(header[0].length, text.endsWith('}') ? -1 : undefined);
  if (!text.endsWith('}') || createHash('sha256').update(body).digest('hex') !== header[3]) return discard('its checksum does not match (a write was cut short, or it was edited)');
  let entries: unknown;
  try {
    entries = JSON.parse(body);
  } catch (error) {
    return discard(`not valid JSON (${(error as Error).message.slice(0, 80)})`);
  }
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) return discard('no entries');
  for (const [relative, entry] of Object.entries(entries as Record<string, unknown>)) {
    const problem = entryProblem(relative, entry);
    if (problem) return discard(`entry ${JSON.stringify(relative).slice(0, 200)} ${problem}`);
    cache.entries.set(relative, entry as CacheEntry);
  }
  return { cache };
}

const ROLES = new Set(['router', 'service', 'other']);
const ARRAYS = ['routerDbCalls', 'operations', 'classes', 'functions', 'imports', 'diagnostics'] as const;

/** The shape the report relies on; a cache that does not have it is damaged, never half-used. */
function entryProblem(relative: string, entry: unknown): string | undefined {
  const e = entry as Partial<CacheEntry> | null;
  if (typeof e !== 'object' || e === null) return 'is not an object';
  if (typeof e.hash !== 'string' || typeof e.size !== 'number' || typeof e.mtimeMs !== 'number') return 'lacks its hash, size or time';
  if (e.analysis === undefined) return undefined;
  const a = e.analysis as unknown as Record<string, unknown>;
  if (typeof a !== 'object' || a === null) return 'has an analysis that is not an object';
  if (a.file !== relative) return 'holds the analysis of another file';
  if (typeof a.role !== 'string' || !ROLES.has(a.role) || typeof a.module !== 'string') return 'has no role or module';
  for (const key of ARRAYS) if (!Array.isArray(a[key])) return `has no ${key} list`;
  return undefined;
}

/**
 * Writes the entries of this run (files that are gone drop out) through a temporary file created exclusively and a
 * rename, so a run that is killed half-way leaves the previous cache, and a planted link is never written through.
 */
export function saveCache(cache: AnalysisCache, entries: Map<string, CacheEntry>): void {
  const body = JSON.stringify(Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  const checksum = createHash('sha256').update(body).digest('hex');
  mkdirSync(path.dirname(cache.file), { recursive: true });
  writeFileAtomic(cache.file, `{"format":${FORMAT},"key":${JSON.stringify(cache.key)},"checksum":"${checksum}","entries":${body}}`);
}
