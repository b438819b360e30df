import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PEAK_RSS = pathToFileURL(path.join(fileURLToPath(new URL('.', import.meta.url)), 'peak-rss.mjs')).href;

export interface ChildRun {
  ms: number;
  peakRssMb: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` with the peak-RSS reporter preloaded; wall time includes process start, as a user sees it. */
export function runNode(nodeArgs: string[]): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', PEAK_RSS, ...nodeArgs], { env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const stderr = Buffer.concat(err).toString();
      // Worker threads report too (the figure is per process); the largest is the peak.
      const rss = Math.max(...[...stderr.matchAll(/@outbox-bench peak-rss-kb=(\d+)/g)].map((m) => Number(m[1])));
      resolve({ ms, peakRssMb: Number.isFinite(rss) ? rss / 1024 : NaN, code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr });
    });
  });
}
