import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PEAK_RSS = pathToFileURL(path.join(fileURLToPath(new URL('.', import.meta.url)), 'peak-rss.mjs')).href;
/** GNU time: reports a command's peak RSS whatever the command is written in (ast-grep is a native binary). */
const GNU_TIME = '/usr/bin/time';

export interface ChildRun {
  ms: number;
  /** CPU time, user + system, all threads: less sensitive than the wall time to a machine shared with others. */
  cpuMs: number;
  peakRssMb: number;
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
}

/** What a measured process reported of itself: its peak RSS in KiB and its CPU time in ms (NaN when unknown). */
interface Usage {
  rssKb: number;
  cpuMs: number;
}

function collect(command: string, args: string[], options: RunOptions, usageOf: (stderr: string) => Usage): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const stderr = Buffer.concat(err).toString();
      const usage = usageOf(stderr);
      resolve({ ms, cpuMs: usage.cpuMs, peakRssMb: usage.rssKb / 1024, code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr });
    });
  });
}

/** Runs `node <args>` with the peak-RSS reporter preloaded; wall time includes process start, as a user sees it. */
export function runNode(nodeArgs: string[], options: RunOptions = {}): Promise<ChildRun> {
  // Worker threads report too (the figures are per process); the last line is the main thread's, at exit.
  return collect(process.execPath, ['--import', PEAK_RSS, ...nodeArgs], options, (stderr) => {
    const last = [...stderr.matchAll(/@outbox-bench peak-rss-kb=(\d+) cpu-us=(\d+)/g)].at(-1);
    return last ? { rssKb: Number(last[1]), cpuMs: Number(last[2]) / 1000 } : { rssKb: NaN, cpuMs: NaN };
  });
}

/**
 * Runs any program (a native binary too) under GNU time for its peak RSS; without /usr/bin/time the RSS is NaN and
 * only the wall time is measured. The wall time includes GNU time's own start (about a millisecond).
 */
export async function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<ChildRun> {
  if (!existsSync(GNU_TIME)) return collect(command, args, options, () => ({ rssKb: NaN, cpuMs: NaN }));
  const dir = mkdtempSync(path.join(tmpdir(), 'outbox-bench-time-'));
  const report = path.join(dir, 'rss');
  try {
    return await collect(GNU_TIME, ['-f', '%M %U %S', '-o', report, command, ...args], options, () => {
      try {
        const [rss, user, system] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
        return { rssKb: rss!, cpuMs: (user! + system!) * 1000 };
      } catch {
        return { rssKb: NaN, cpuMs: NaN };
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
