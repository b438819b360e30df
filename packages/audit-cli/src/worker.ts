import { parentPort, workerData } from 'node:worker_threads';
import type { PartialSettings } from 'eslint-plugin-outbox/analysis';
import { analyzeBatch } from './batch.js';
import type { DiscoveredFile } from './discover.js';

const { files, settings, maxFileSize } = workerData as { files: DiscoveredFile[]; settings: PartialSettings; maxFileSize: number };
let reported = 0;
const result = analyzeBatch(files, settings, maxFileSize, (done) => {
  parentPort!.postMessage({ progress: done - reported });
  reported = done;
});
parentPort!.postMessage({ result });
