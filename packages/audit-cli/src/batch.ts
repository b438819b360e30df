import { readFileSync } from 'node:fs';
import {
  isCandidate,
  resolveSettings,
  type FileAnalysis,
  type FileDiagnostic,
  type PartialSettings,
} from 'eslint-plugin-outbox/analysis/core';
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
  /** With a cache: the entry of every analysed file, to keep for the next run. */
  cacheEntries?: [string, CacheEntry][];
}

type AnalyzeFile = (typeof import('eslint-plugin-outbox/analysis'))['analyzeFile'];
let parser: AnalyzeFile | undefined;

/** The parser and the analysis on top of it, loaded on the first file that needs them (TypeScript takes ~0.2 s). */
async function loadParser(): Promise<AnalyzeFile> {
  parser ??= (await import('eslint-plugin-outbox/analysis')).analyzeFile;
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
  const result: BatchResult = { analyses: [], diagnostics: [], parsed: 0, skipped: 0, fromCache: 0, ...(cache ? { cacheEntries: [] } : {}) };
  for (const [index, file] of files.entries()) {
    if (onProgress && index % 50 === 0) onProgress(index, files.length);
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
    if (!isCandidate(file.relative, source.text, settings)) {
      result.skipped++;
      continue;
    }
    const hash = cache ? contentHash(bytes) : '';
    const hit = cache?.get(file.relative);
    if (hit && hit.hash === hash) {
      result.parsed++;
      result.fromCache++;
      result.analyses.push(hit.analysis);
      result.diagnostics.push(...hit.analysis.diagnostics);
      result.cacheEntries!.push([file.relative, hit]);
      continue;
    }
    const analyzeFile = parser ?? (await loadParser());
    try {
      const analysis = analyzeFile(file.relative, source.text, settings);
      result.parsed++;
      result.analyses.push(analysis);
      result.diagnostics.push(...analysis.diagnostics);
      result.cacheEntries?.push([file.relative, { hash, analysis }]);
    } catch (error) {
      // The analysis is meant never to throw; if it does, the file is a diagnostic and the rest is still scored.
      result.diagnostics.push({ file: file.relative, message: `analysis failed: ${(error as Error).message}` });
    }
  }
  onProgress?.(files.length, files.length);
  return result;
}
