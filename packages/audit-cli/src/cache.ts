import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileAnalysis, OutboxSettings } from 'outbox-analysis';

/**
 * `--cache`: the analysis of each file, kept between runs and keyed by the file's content. A file whose bytes have
 * not changed is not parsed again; one whose size and modification time have not changed either is not even read
 * (ESLint's default cache strategy; a checkout that touches every file still reuses every analysis, by hash). The cache is only valid for the settings and tool versions it was made with; with
 * anything else (or a damaged file) it starts empty — a cache can make a run faster, never different.
 */

/** Where the cache lives unless --cache-location says otherwise (like ESLint's .eslintcache). */
export const DEFAULT_CACHE_FILE = '.outbox-audit-cache';

const FORMAT = 2;

export interface CacheEntry {
  /** sha256 of the file's bytes, base64. */
  hash: string;
  /** Size and modification time when the hash was taken: both unchanged, the file is not even read again. */
  size: number;
  mtimeMs: number;
  /** Absent for a file that was read and skipped (no role, none of the names the checklist looks for). */
  analysis?: FileAnalysis;
}

export interface AnalysisCache {
  file: string;
  key: string;
  /** Entries by path relative to the audited root. */
  entries: Map<string, CacheEntry>;
}

interface CacheFile {
  format: number;
  key: string;
  entries: Record<string, CacheEntry>;
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** What the cached analyses depend on besides the files: the settings and the versions of the code that computed them. */
export function cacheKey(settings: OutboxSettings, versions: string[]): string {
  return createHash('sha256').update(JSON.stringify({ format: FORMAT, versions, settings })).digest('base64');
}

/** Reads the cache; a missing, damaged or foreign one is an empty cache. */
export function openCache(file: string, key: string): AnalysisCache {
  const cache: AnalysisCache = { file, key, entries: new Map() };
  let parsed: CacheFile;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
  } catch {
    return cache;
  }
  if (parsed?.format !== FORMAT || parsed.key !== key || typeof parsed.entries !== 'object' || parsed.entries === null) return cache;
  for (const [relative, entry] of Object.entries(parsed.entries)) {
    const wellFormed =
      typeof entry?.hash === 'string' &&
      typeof entry.size === 'number' &&
      typeof entry.mtimeMs === 'number' &&
      (entry.analysis === undefined || (typeof entry.analysis === 'object' && entry.analysis !== null));
    if (wellFormed) cache.entries.set(relative, entry);
  }
  return cache;
}

/**
 * Writes the entries of this run (files that are gone drop out) through a temporary file and a rename, so a run
 * that is killed half-way leaves the previous cache, never half of one.
 */
export function saveCache(cache: AnalysisCache, entries: Map<string, CacheEntry>): void {
  const body: CacheFile = { format: FORMAT, key: cache.key, entries: Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  mkdirSync(path.dirname(cache.file), { recursive: true });
  const tmp = `${cache.file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(body));
  renameSync(tmp, cache.file);
}
