import { parentPort, workerData } from 'node:worker_threads';
import type { PartialSettings } from 'eslint-plugin-outbox/analysis';
import { analyzeBatch } from './batch.js';
import type { CacheEntry } from './cache.js';
import type { DiscoveredFile } from './discover.js';

const { files, settings, maxFileSize, cache } = workerData as {
  files: DiscoveredFile[];
  settings: PartialSettings;
  maxFileSize: number;
  cache?: Map<string, CacheEntry>;
};
let reported = 0;
const result = await analyzeBatch(files, settings, maxFileSize, (done) => {
  parentPort!.postMessage({ progress: done - reported });
  reported = done;
}, cache);
parentPort!.postMessage({ result });
