import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { classifyFile, typeScriptCodeCacheDir, type FileAnalysis, type FileDiagnostic, type PartialSettings, type ProjectLayout } from 'outbox-analysis/core';
import type { DiscoveredFile } from './discover.js';
import { analyzeBatch, settingsFor, type BatchResult, type ParsedSources, type SourceTexts } from './batch.js';
import type { CacheEntry } from './cache.js';

export interface AnalyzeOptions {
  settings: PartialSettings;
  /** The packages of the tree, which name the modules. */
  layout?: ProjectLayout;
  maxFileSize: number;
  /** Worker threads to use; 0 or 1 = in this thread. Default: the cores, when the tree is big enough to pay off. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
  /** Analyses from an earlier run, by relative path: a file with the same bytes is not parsed again. */
  cache?: ReadonlyMap<string, CacheEntry>;
  /** Trees this process parsed already (init's permissive pass): used for the files whose text is unchanged. */
  parsedSources?: ParsedSources;
  /** Texts this process read already (init's first look): used for the files whose size and time are unchanged. */
  sourceTexts?: SourceTexts;
}

/**
 * Below this many bytes of router and service source, starting workers costs more than it saves: each worker loads
 * TypeScript and warms up its own JIT (about half a second of CPU) before it parses anything (bench/run.ts).
 */
const PARALLEL_THRESHOLD_BYTES = 8 * 1024 * 1024;
/**
 * Parsing allocates so much that two threads on two cores parse no faster than one (measured: 2,000 files, one thread
 * 0.96 s, two threads 1.0–1.1 s each), while each worker costs a copy of the compiler in memory. Workers are used by
 * default only from this many cores; --workers still asks for them anywhere.
 */
const PARALLEL_MIN_CORES = 4;
const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * Reads, filters and analyses the files, in this thread or spread over this thread and worker threads. Files are
 * dealt by size so each thread gets a similar amount of parsing, and the results come back in path order. This
 * thread takes a share itself: it has TypeScript loaded and warm already, and one thread fewer is one copy of the
 * compiler fewer in memory.
 */
export async function analyzeFiles(files: DiscoveredFile[], options: AnalyzeOptions): Promise<BatchResult> {
  // Only routers and services are parsed (other files are read and skipped on a substring check), so they decide
  // whether parallel parsing pays: a sparse monorepo of 20 MiB with 2 MiB of backend is faster in one thread.
  const settings = settingsFor(options.settings);
  const total = files.reduce((n, f) => (classifyFile(f.relative, settings).role === 'other' ? n : n + f.size), 0);
  // Under vitest the sources run as .ts and there is no compiled worker: analyse in this thread.
  const canUseWorkers = existsSync(fileURLToPath(WORKER_URL));
  const cores = availableParallelism();
  const wanted = options.workers ?? (total >= PARALLEL_THRESHOLD_BYTES && cores >= PARALLEL_MIN_CORES ? cores : 1);
  const count = canUseWorkers ? Math.min(wanted, Math.max(1, files.length)) : 1;
  if (count <= 1) return await analyzeBatch(files, options.settings, options.maxFileSize, options.onProgress, options.cache, options.layout, options.parsedSources, options.sourceTexts);

  const shares: DiscoveredFile[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  for (const file of [...files].sort((a, b) => b.size - a.size)) {
    let lightest = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[lightest]!) lightest = i;
    shares[lightest]!.push(file);
    load[lightest]! += file.size + 512;
  }
  let done = 0;
  const tick = (n: number) => {
    done += n;
    options.onProgress?.(done, files.length);
  };
  const [own, ...others] = shares;
  const workers = Promise.all(
    others.map(
      (share) =>
        new Promise<BatchResult>((resolve, reject) => {
          const worker = new Worker(WORKER_URL, {
            workerData: {
              files: share,
              settings: options.settings,
              layout: options.layout,
              maxFileSize: options.maxFileSize,
              cache: cacheShare(share, options.cache),
              codeCache: typeScriptCodeCacheDir(),
            },
          });
          worker.on('message', (message: { progress?: number; result?: BatchResult }) => {
            if (message.progress) tick(message.progress);
            if (message.result) resolve(message.result);
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`analysis worker exited with code ${code}`));
          });
        }),
    ),
  );
  // The workers are started; analyse this thread's share meanwhile (their messages wait in the queue).
  let reported = 0;
  const ownResult = await analyzeBatch(
    own!,
    options.settings,
    options.maxFileSize,
    (n) => {
      tick(n - reported);
      reported = n;
    },
    options.cache,
    options.layout,
    options.parsedSources,
    options.sourceTexts,
  );
  const results = [ownResult, ...(await workers)];
  const analyses: FileAnalysis[] = results.flatMap((r) => r.analyses);
  const diagnostics: FileDiagnostic[] = results.flatMap((r) => r.diagnostics);
  analyses.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    analyses,
    diagnostics,
    parsed: results.reduce((n, r) => n + r.parsed, 0),
    skipped: results.reduce((n, r) => n + r.skipped, 0),
    fromCache: results.reduce((n, r) => n + r.fromCache, 0),
    cacheChanged: results.reduce((n, r) => n + r.cacheChanged, 0),
    unanalysed: results.flatMap((r) => r.unanalysed).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    ...(options.cache ? { cacheEntries: results.flatMap((r) => r.cacheEntries ?? []) } : {}),
  };
}

/** The cache entries of one worker's files only: the rest would be copied to it for nothing. */
function cacheShare(share: DiscoveredFile[], cache: ReadonlyMap<string, CacheEntry> | undefined): Map<string, CacheEntry> | undefined {
  if (!cache) return undefined;
  const out = new Map<string, CacheEntry>();
  for (const file of share) {
    const entry = cache.get(file.relative);
    if (entry) out.set(file.relative, entry);
  }
  return out;
}
