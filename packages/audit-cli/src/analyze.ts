import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { classifyFile, resolveSettings, type FileAnalysis, type FileDiagnostic, type PartialSettings } from 'eslint-plugin-outbox/analysis';
import type { DiscoveredFile } from './discover.js';
import { analyzeBatch, type BatchResult } from './batch.js';

export interface AnalyzeOptions {
  settings: PartialSettings;
  maxFileSize: number;
  /** Worker threads to use; 0 or 1 = in this thread. Default: the cores, when the tree is big enough to pay off. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Below this many bytes of router and service source, starting workers costs more than it saves: each worker loads
 * TypeScript and warms up its own JIT (about half a second of CPU) before it parses anything (bench/run.ts).
 */
const PARALLEL_THRESHOLD_BYTES = 8 * 1024 * 1024;
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
  const settings = resolveSettings(options.settings);
  const total = files.reduce((n, f) => (classifyFile(f.relative, settings).role === 'other' ? n : n + f.size), 0);
  // Under vitest the sources run as .ts and there is no compiled worker: analyse in this thread.
  const canUseWorkers = existsSync(fileURLToPath(WORKER_URL));
  const wanted = options.workers ?? (total >= PARALLEL_THRESHOLD_BYTES ? availableParallelism() : 1);
  const count = canUseWorkers ? Math.min(wanted, Math.max(1, files.length)) : 1;
  if (count <= 1) return analyzeBatch(files, options.settings, options.maxFileSize, options.onProgress);

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
            workerData: { files: share, settings: options.settings, maxFileSize: options.maxFileSize },
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
  const ownResult = analyzeBatch(own!, options.settings, options.maxFileSize, (n) => {
    tick(n - reported);
    reported = n;
  });
  const results = [ownResult, ...(await workers)];
  const analyses: FileAnalysis[] = results.flatMap((r) => r.analyses);
  const diagnostics: FileDiagnostic[] = results.flatMap((r) => r.diagnostics);
  analyses.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { analyses, diagnostics, parsed: results.reduce((n, r) => n + r.parsed, 0), skipped: results.reduce((n, r) => n + r.skipped, 0) };
}
