import { closeSync, constants, openSync, readSync } from 'node:fs';
import {
  classifyFile,
  declaredRouterAnalysis,
  isCandidate,
  mayHoldStrayDbWork,
  resolveSettings,
  type FileAnalysis,
  type FileDiagnostic,
  type OutboxSettings,
  type PartialSettings,
  type ProjectLayout,
} from 'outbox-analysis/core';
import { contentHash, type CacheEntry } from './cache.js';
import { decodeSource, tooLargeMessage, type DiscoveredFile } from './discover.js';
import { readRegularFile } from './safe-fs.js';
import type { UnanalysedFile } from './unanalysed.js';

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
  /** Files in scope that could not be analysed (each also a diagnostic). */
  unanalysed: UnanalysedFile[];
}

type AnalyzeFile = (typeof import('outbox-analysis'))['analyzeFile'];
type SourceFile = Extract<ReturnType<(typeof import('outbox-analysis'))['parseFile']>, { sourceFile: unknown }>['sourceFile'];

/**
 * Files parsed by an earlier pass of the same process, by relative path: their text and TypeScript's tree. init parses
 * every backend file for its permissive pass, then audits with the config it wrote; the audit takes a file's tree from
 * here when the text it reads is the text that was parsed (the analysis never changes a tree), instead of parsing
 * again. Only the thread that parsed can use them (a tree cannot be sent to a worker).
 */
export type ParsedSources = Map<string, { text: string; sourceFile: SourceFile }>;

/**
 * Texts an earlier pass of the same process read, by relative path, with the size and modification time the file had:
 * init reads every backend file for its first look, and its second look, its handle search and its audit take the
 * text from here instead of opening the file again (three reads of every file became one: on a public Koa backend of
 * 2,460 source files, open, read and close were a tenth of init). A file whose size or time has changed since is read
 * again. Not used where a cache is kept: the cache hashes the bytes on disk.
 */
export type SourceTexts = Map<string, { size: number; mtimeMs: number; text: string }>;

function rememberedText(file: DiscoveredFile, texts: SourceTexts | undefined): string | undefined {
  const known = texts?.get(file.relative);
  return known && file.mtimeMs > 0 && known.size === file.size && known.mtimeMs === file.mtimeMs ? known.text : undefined;
}

function remember(file: DiscoveredFile, text: string, texts: SourceTexts | undefined): void {
  texts?.set(file.relative, { size: file.size, mtimeMs: file.mtimeMs, text });
}
type Analysis = typeof import('outbox-analysis');
let analysisModule: Analysis | undefined;
let parser: AnalyzeFile | undefined;

const resolved = new WeakMap<PartialSettings, OutboxSettings>();

/**
 * The settings of a partial settings object, resolved once per object: the audit, the thread's share of the files and
 * the file counts all read the same object, so the analysis' per-settings caches (compiled globs, each path's role,
 * the pre-check's needles) are built once per run rather than once per reader.
 */
export function settingsFor(partial: PartialSettings): OutboxSettings {
  let settings = resolved.get(partial);
  if (!settings) {
    settings = resolveSettings(partial);
    resolved.set(partial, settings);
  }
  return settings;
}

/** The parser and the analysis on top of it, loaded on the first file that needs them (TypeScript takes ~0.2 s). */
async function loadAnalysis(): Promise<Analysis> {
  analysisModule ??= await import('outbox-analysis');
  return analysisModule;
}

async function loadParser(): Promise<AnalyzeFile> {
  parser ??= (await loadAnalysis()).analyzeFile;
  return parser;
}

/**
 * The analyses of `files` under each of several settings, with each file read and parsed once (init tries every file
 * as a router and as a service: two parses of the whole tree became one). Files that cannot be read, decoded or
 * parsed are left out: a caller that needs their diagnostics runs the audit.
 */
export async function analyzeBatchUnder(
  files: DiscoveredFile[],
  partials: PartialSettings[],
  maxFileSize: number,
  parsedSources?: ParsedSources,
  /** Only the files whose relative path and text this accepts are analysed (asked once per file read). */
  only?: (relative: string, text: string) => boolean,
  /** Texts read already (taken from here), and where the texts read now are kept. */
  texts?: SourceTexts,
): Promise<FileAnalysis[][]> {
  const settingsList = partials.map((partial) => settingsFor(partial));
  const results: FileAnalysis[][] = settingsList.map(() => []);
  for (const file of files) {
    if (file.size > maxFileSize) continue;
    let text = rememberedText(file, texts);
    if (text === undefined) {
      let bytes: Buffer;
      try {
        // Read as the audit reads (a regular file, within the limit, no link followed that discovery did not follow).
        bytes = readRegularFile(file.absolute, { limit: maxFileSize, noFollow: !file.viaLink });
      } catch {
        continue;
      }
      const source = decodeSource(bytes, maxFileSize);
      if (!source.ok) continue;
      text = source.text;
      remember(file, text, texts);
    }
    const source = { text };
    if (only && !only(file.relative, source.text)) continue;
    const wanted = settingsList.map((settings) => isCandidate(file.relative, source.text, settings));
    if (!wanted.includes(true)) continue;
    const analysis = await loadAnalysis();
    const known = parsedSources?.get(file.relative);
    const parsed = known && known.text === source.text ? known : analysis.parseFile(file.relative, source.text);
    if ('error' in parsed) continue;
    if (parsedSources && parsed !== known) parsedSources.set(file.relative, { text: source.text, sourceFile: parsed.sourceFile });
    settingsList.forEach((settings, i) => {
      if (!wanted[i]) return;
      try {
        results[i]!.push(analysis.analyzeSourceFile(parsed.sourceFile, file.relative, settings));
      } catch {
        // The analysis is meant never to throw; the audit that follows reports such a file as a diagnostic.
      }
    });
  }
  return results;
}

/**
 * The files without a role that do DB work, each as an analysis holding only its `strayDbCalls`: what the report
 * lists as "DB work outside every role". The audit asks for it only when its routers and services gave nothing, so
 * the extra parsing is paid only where it explains an empty report. Never throws for a file.
 */
export async function analyzeStrays(files: DiscoveredFile[], partial: PartialSettings, maxFileSize: number, layout?: ProjectLayout): Promise<FileAnalysis[]> {
  const settings = settingsFor(partial);
  const found: FileAnalysis[] = [];
  for (const file of files) {
    if (file.size > maxFileSize || classifyFile(file.relative, settings, layout).role !== 'other') continue;
    let bytes: Buffer;
    try {
      bytes = readRegularFile(file.absolute, { limit: maxFileSize, noFollow: !file.viaLink });
    } catch {
      continue;
    }
    const source = decodeSource(bytes, maxFileSize);
    if (!source.ok || !mayHoldStrayDbWork(file.relative, source.text, settings, layout)) continue;
    try {
      const analysis = (await loadAnalysis()).analyzeFile(file.relative, source.text, settings, layout);
      if ((analysis.strayDbCalls?.length ?? 0) === 0) continue;
      found.push({
        file: analysis.file,
        role: analysis.role,
        module: analysis.module,
        routerDbCalls: [],
        routes: [],
        operations: [],
        classes: [],
        functions: [],
        imports: [],
        diagnostics: [],
        strayDbCalls: analysis.strayDbCalls!,
      });
    } catch {
      // The analysis is meant never to throw; a file it cannot read adds nothing to this list.
    }
  }
  return found;
}

/** Analyses a list of files in this thread: read, decode, pre-filter, parse, analyse. Never throws for a file. */
export async function analyzeBatch(
  files: DiscoveredFile[],
  partial: PartialSettings,
  maxFileSize: number,
  onProgress?: (done: number, total: number) => void,
  cache?: ReadonlyMap<string, CacheEntry>,
  layout?: ProjectLayout,
  parsedSources?: ParsedSources,
  /** Texts read already (without a cache: taken from here instead of reading the file), and where new ones are kept. */
  texts?: SourceTexts,
): Promise<BatchResult> {
  const settings = settingsFor(partial);
  const result: BatchResult = {
    analyses: [],
    diagnostics: [],
    parsed: 0,
    skipped: 0,
    fromCache: 0,
    cacheChanged: 0,
    unanalysed: [],
    ...(cache ? { cacheEntries: [] } : {}),
  };
  const fatal = (analysis: FileAnalysis): void => {
    const failed = analysis.diagnostics.find((d) => d.fatal);
    if (failed) result.unanalysed.push({ file: analysis.file, kind: 'parse-failed', message: failed.message });
  };
  const reuse = (relative: string, entry: CacheEntry, changed: boolean): void => {
    if (entry.analysis && entry.unparsed) {
      result.skipped++;
      result.analyses.push(entry.analysis);
    } else if (entry.analysis) {
      result.parsed++;
      result.fromCache++;
      result.analyses.push(entry.analysis);
      result.diagnostics.push(...entry.analysis.diagnostics);
      fatal(entry.analysis);
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
    // A file over the limit is not read whole: whether it is in scope is found by a bounded scan.
    if (file.size > maxFileSize) {
      const message = tooLargeMessage(file.size, maxFileSize);
      result.diagnostics.push({ file: file.relative, message });
      if (inScope(file, undefined, settings)) result.unanalysed.push({ file: file.relative, kind: 'too-large', message });
      continue;
    }
    const remembered = cache ? undefined : rememberedText(file, texts);
    let bytes: Buffer | undefined;
    if (remembered === undefined) {
      try {
        bytes = readRegularFile(file.absolute, { limit: maxFileSize, noFollow: !file.viaLink });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const message = code === 'ETOOBIG' ? 'file grew past the size limit while being read, not analysed' : `cannot read file: ${code ?? (error as Error).message}`;
        result.diagnostics.push({ file: file.relative, message });
        // What cannot be read cannot be judged by its text either: it is in scope.
        result.unanalysed.push({ file: file.relative, kind: 'unreadable', message });
        continue;
      }
    }
    const source = bytes ? decodeSource(bytes, maxFileSize) : { ok: true as const, text: remembered! };
    if (!source.ok) {
      result.diagnostics.push({ file: file.relative, message: source.message });
      if (inScope(file, bytes, settings)) result.unanalysed.push({ file: file.relative, kind: source.kind, message: source.message });
      continue;
    }
    if (bytes && !cache) remember(file, source.text, texts);
    const hash = cache && bytes ? contentHash(bytes) : '';
    const stamp = { hash, size: file.size, mtimeMs: file.mtimeMs };
    if (hit && hit.hash === hash) {
      // Same bytes, new time (a fresh checkout): the analysis stands; the entry takes the new time.
      reuse(file.relative, { ...hit, ...stamp }, true);
      continue;
    }
    if (!isCandidate(file.relative, source.text, settings, layout)) {
      result.skipped++;
      // A controller that names no DB handle is not parsed, and is still listed among the routers.
      const declared = declaredRouterAnalysis(file.relative, source.text, settings, layout);
      if (declared) result.analyses.push(declared);
      if (cache) {
        result.cacheEntries!.push([file.relative, declared ? { ...stamp, analysis: declared, unparsed: true } : stamp]);
        result.cacheChanged++;
      }
      continue;
    }
    const analyzeFile = parser ?? (await loadParser());
    try {
      const known = parsedSources?.get(file.relative);
      const analysis =
        known && known.text === source.text
          ? analysisModule!.analyzeSourceFile(known.sourceFile, file.relative, settings, layout)
          : analyzeFile(file.relative, source.text, settings, layout);
      result.parsed++;
      result.analyses.push(analysis);
      result.diagnostics.push(...analysis.diagnostics);
      fatal(analysis);
      if (cache) {
        result.cacheEntries!.push([file.relative, { ...stamp, analysis }]);
        result.cacheChanged++;
      }
    } catch (error) {
      // The analysis is meant never to throw; if it does, the file is a diagnostic and the rest is still scored.
      const message = `analysis failed: ${(error as Error).message}`;
      result.diagnostics.push({ file: file.relative, message });
      result.unanalysed.push({ file: file.relative, kind: 'parse-failed', message });
    }
  }
  onProgress?.(files.length, files.length);
  return result;
}

const lenient = new TextDecoder('utf-8');
const SCAN_CHUNK = 1024 * 1024;

/**
 * Is a file the audit could not decode in scope? A router or service file by its path always is. Any other file is
 * when the audit would have parsed it: when its text, read leniently (invalid bytes replaced), mentions a name the
 * checklist looks for — the analysis' own pre-check, on every chunk of a file too large to hold.
 */
function inScope(file: DiscoveredFile, bytes: Uint8Array | undefined, settings: OutboxSettings): boolean {
  if (classifyFile(file.relative, settings).role !== 'other') return true;
  if (bytes) return isCandidate(file.relative, lenient.decode(bytes), settings);
  let fd: number;
  try {
    fd = openSync(file.absolute, constants.O_RDONLY | (file.viaLink ? 0 : (constants.O_NOFOLLOW ?? 0)));
  } catch {
    return true;
  }
  try {
    // Chunks overlap by a few hundred bytes, so a name split between two chunks is still found.
    const overlap = 1024;
    const buffer = Buffer.alloc(SCAN_CHUNK + overlap);
    let kept = 0;
    for (;;) {
      const read = readSync(fd, buffer, kept, SCAN_CHUNK, null);
      if (read === 0) return false;
      const length = kept + read;
      if (isCandidate(file.relative, lenient.decode(buffer.subarray(0, length)), settings)) return true;
      kept = Math.min(overlap, length);
      buffer.copy(buffer, 0, length - kept, length);
    }
  } catch {
    return true;
  } finally {
    closeSync(fd);
  }
}
