import { parentPort, workerData } from 'node:worker_threads';
import { enableTypeScriptCodeCache, saveTypeScriptCodeCache, type PartialSettings, type ProjectLayout } from 'outbox-analysis/core';
import { analyzeBatch, preloadAnalysis } from './batch.js';
import type { CacheEntry } from './cache.js';
import type { DiscoveredFile } from './discover.js';

/** One share of an audit's files and how to analyse them (analyze.ts). */
export interface WorkerJob {
  files: DiscoveredFile[];
  settings: PartialSettings;
  layout?: ProjectLayout;
  maxFileSize: number;
  cache?: Map<string, CacheEntry>;
}

const data = workerData as (WorkerJob & { early?: false } | { early: true }) & {
  /** The main thread's TypeScript code cache folder, if it keeps one; this thread reads it (only the main one writes). */
  codeCache?: string;
};
enableTypeScriptCodeCache(data.codeCache ?? false);

async function run(job: WorkerJob): Promise<void> {
  let reported = 0;
  const result = await analyzeBatch(job.files, job.settings, job.maxFileSize, (done) => {
    parentPort!.postMessage({ progress: done - reported });
    reported = done;
  }, job.cache, job.layout);
  // The main thread of such a run never loads TypeScript, so the code cache is this thread's to write (when it had
  // none): before the result, since the process may end as soon as the result arrives.
  if (data.early) saveTypeScriptCodeCache();
  parentPort!.postMessage({ result });
}

if (data.early) {
  // Started before the audit knows its files (early.ts): load the parser and the analysis now, while the main thread
  // loads its own modules and lists the tree, then take the job when it comes.
  await preloadAnalysis();
  parentPort!.once('message', (job: WorkerJob) => void run(job));
} else {
  await run(data);
}
