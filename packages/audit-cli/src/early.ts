import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
// Node's modules and this one only: the point is to start before the tool's own modules load.
import { defaultCodeCacheDir } from 'outbox-analysis/code-cache';

/**
 * The analysis worker started before the command line is even parsed.
 *
 * A cold audit spends its first ~0.2 s loading its own modules, then lists and reads the tree, and only then loads
 * TypeScript (~0.2 s more) to parse the files that matter. On a machine with a second core, a worker thread started
 * at the very beginning loads TypeScript and the analysis during all of that, and then analyses the files the main
 * thread hands it (analyze.ts). The main thread never loads TypeScript at all in such a run.
 *
 * The decision to start it is only a guess from the arguments, and a guess can only cost CPU: the worker does nothing
 * until it is given files, whoever does not use it ends it (`discardEarlyWorker`), and it never keeps the process
 * alive on its own. Not started: on one core; for `init`, `merge` and `help`; for --help and --version; with
 * --workers (the caller chose the threads) and --cache (most files come from the cache); when
 * OUTBOX_EARLY_WORKER=0.
 */

const WORKER_URL = new URL('./worker.js', import.meta.url);
const NOT_AN_AUDIT = new Set(['init', 'merge', 'help', '-h', '--help', '-V', '--version', '--workers', '--cache', '--cache-location']);

interface Early {
  worker: Worker;
  failed: boolean;
}

let early: Early | undefined;

export function startEarlyWorker(args: string[]): void {
  if (early || process.env.OUTBOX_EARLY_WORKER === '0' || availableParallelism() < 2) return;
  if (args.some((arg) => NOT_AN_AUDIT.has(arg.split('=')[0]!))) return;
  // Under the test runner the sources run as .ts and there is no compiled worker: nothing to start.
  if (!existsSync(fileURLToPath(WORKER_URL))) return;
  try {
    const worker = new Worker(WORKER_URL, {
      workerData: { early: true, ...(process.env.NODE_DISABLE_COMPILE_CACHE ? {} : { codeCache: defaultCodeCacheDir() }) },
    });
    const started: Early = { worker, failed: false };
    // Until someone takes it, a failure only means the main thread analyses the files itself.
    const failed = () => {
      started.failed = true;
    };
    worker.on('error', failed);
    worker.on('exit', failed);
    worker.unref();
    early = started;
  } catch {
    early = undefined;
  }
}

/** The early worker, for the one caller that uses it (it is handed out once); undefined if none is ready. */
export function takeEarlyWorker(): Worker | undefined {
  const taken = early;
  early = undefined;
  if (!taken) return undefined;
  if (taken.failed) return undefined;
  taken.worker.removeAllListeners('error');
  taken.worker.removeAllListeners('exit');
  return taken.worker;
}

/** Ends the early worker if nobody took it (a run that turned out to need no parsing, or not to be an audit). */
export function discardEarlyWorker(): void {
  const taken = early;
  early = undefined;
  if (taken && !taken.failed) void taken.worker.terminate();
}
