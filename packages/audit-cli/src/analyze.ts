import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileAnalysis, FileDiagnostic, PartialSettings } from 'eslint-plugin-outbox/analysis';
import type { DiscoveredFile } from './discover.js';
import { analyzeBatch, type BatchResult } from './batch.js';

export interface AnalyzeOptions {
  settings: PartialSettings;
  maxFileSize: number;
  /** Worker threads to use; 0 or 1 = in this thread. Default: the cores, when the tree is big enough to pay off. */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Below this many bytes of candidate source, starting workers costs more than it saves. */
const PARALLEL_THRESHOLD_BYTES = 2 * 1024 * 1024;
const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * Reads, filters and analyses the files, in this thread or spread over worker threads. Files are dealt to the
 * workers by size so each gets a similar amount of parsing, and the results come back in path order.
 */
export async function analyzeFiles(files: DiscoveredFile[], options: AnalyzeOptions): Promise<BatchResult> {
  const total = files.reduce((n, f) => n + f.size, 0);
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
  const results = await Promise.all(
    shares.map(
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
  const analyses: FileAnalysis[] = results.flatMap((r) => r.analyses);
  const diagnostics: FileDiagnostic[] = results.flatMap((r) => r.diagnostics);
  analyses.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { analyses, diagnostics, parsed: results.reduce((n, r) => n + r.parsed, 0), skipped: results.reduce((n, r) => n + r.skipped, 0) };
}
