import { parentPort, workerData } from 'node:worker_threads';
import { enableTypeScriptCodeCache, type PartialSettings, type ProjectLayout } from 'outbox-analysis/core';
import { analyzeBatch } from './batch.js';
import type { CacheEntry } from './cache.js';
import type { DiscoveredFile } from './discover.js';

const { files, settings, layout, maxFileSize, cache, codeCache } = workerData as {
  files: DiscoveredFile[];
  settings: PartialSettings;
  layout?: ProjectLayout;
  maxFileSize: number;
  cache?: Map<string, CacheEntry>;
  /** The main thread's TypeScript code cache folder, if it keeps one; this thread reads it (only the main one writes). */
  codeCache?: string;
};
enableTypeScriptCodeCache(codeCache ?? false);
let reported = 0;
const result = await analyzeBatch(files, settings, maxFileSize, (done) => {
  parentPort!.postMessage({ progress: done - reported });
  reported = done;
}, cache, layout);
parentPort!.postMessage({ result });
