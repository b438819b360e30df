import { readFileSync } from 'node:fs';
import {
  isCandidate,
  resolveSettings,
  type FileAnalysis,
  type FileDiagnostic,
  type PartialSettings,
} from 'outbox-analysis/core';
import { contentHash, type CacheEntry } from './cache.js';
import { decodeSource, type DiscoveredFile } from './discover.js';

export interface BatchResult {
  analyses: FileAnalysis[];
  diagnostics: FileDiagnostic[];
  /** Files parsed and analysed. */
  parsed: number;
  /** Files read but skipped: no role and nothing the checklist looks for. */
  skipped: number;
  /** With a cache: the analyses taken from it unchanged (counted in `parsed` too, so a report is the same either way). */
  fromCache: number;
  /** With a cache: the entry of every analysed or skipped file, to keep for the next run. */
  cacheEntries?: [string, CacheEntry][];
  /** With a cache: entries that differ from the cache given (new files, new texts, new times). */
  cacheChanged: number;
}

type AnalyzeFile = (typeof import('outbox-analysis'))['analyzeFile'];
let parser: AnalyzeFile | undefined;

/** The parser and the analysis on top of it, loaded on the first file that needs them (TypeScript takes ~0.2 s). */
async function loadParser(): Promise<AnalyzeFile> {
  parser ??= (await import('outbox-analysis')).analyzeFile;
  return parser;
}

/** Analyses a list of files in this thread: read, decode, pre-filter, parse, analyse. Never throws for a file. */
export async function analyzeBatch(
  files: DiscoveredFile[],
  partial: PartialSettings,
  maxFileSize: number,
  onProgress?: (done: number, total: number) => void,
  cache?: ReadonlyMap<string, CacheEntry>,
): Promise<BatchResult> {
  const settings = resolveSettings(partial);
  const result: BatchResult = { analyses: [], diagnostics: [], parsed: 0, skipped: 0, fromCache: 0, cacheChanged: 0, ...(cache ? { cacheEntries: [] } : {}) };
  const reuse = (relative: string, entry: CacheEntry, changed: boolean): void => {
    if (entry.analysis) {
      result.parsed++;
      result.fromCache++;
      result.analyses.push(entry.analysis);
      result.diagnostics.push(...entry.analysis.diagnostics);
    } else {
      result.skipped++;
    }
    result.cacheEntries!.push([relative, entry]);
    if (changed) result.cacheChanged++;
  };
  for (const [index, file] of files.entries()) {
    if (onProgress && index % 50 === 0) onProgress(index, files.length);
    const hit = cache?.get(file.relative);
    if (hit && hit.size === file.size && hit.mtimeMs === file.mtimeMs && file.mtimeMs > 0) {
      reuse(file.relative, hit, false);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file.absolute);
    } catch (error) {
      result.diagnostics.push({ file: file.relative, message: `cannot read file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
      continue;
    }
    const source = decodeSource(bytes, maxFileSize);
    if (!source.ok) {
      result.diagnostics.push({ file: file.relative, message: source.message });
      continue;
    }
    const hash = cache ? contentHash(bytes) : '';
    const stamp = { hash, size: file.size, mtimeMs: file.mtimeMs };
    if (hit && hit.hash === hash) {
      // Same bytes, new time (a fresh checkout): the analysis stands; the entry takes the new time.
      reuse(file.relative, { ...hit, ...stamp }, true);
      continue;
    }
    if (!isCandidate(file.relative, source.text, settings)) {
      result.skipped++;
      if (cache) {
        result.cacheEntries!.push([file.relative, stamp]);
        result.cacheChanged++;
      }
      continue;
    }
    const analyzeFile = parser ?? (await loadParser());
    try {
      const analysis = analyzeFile(file.relative, source.text, settings);
      result.parsed++;
      result.analyses.push(analysis);
      result.diagnostics.push(...analysis.diagnostics);
      if (cache) {
        result.cacheEntries!.push([file.relative, { ...stamp, analysis }]);
        result.cacheChanged++;
      }
    } catch (error) {
      // The analysis is meant never to throw; if it does, the file is a diagnostic and the rest is still scored.
      result.diagnostics.push({ file: file.relative, message: `analysis failed: ${(error as Error).message}` });
    }
  }
  onProgress?.(files.length, files.length);
  return result;
}
