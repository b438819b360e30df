/**
 * `npm run test:stress -- [runs] [--load <processes>]`: the whole suite — `npm test`, the README's command — `runs`
 * times in a row (default 5) while CPU-bound processes (default: one per core) keep every core busy, as a shared CI
 * runner or a laptop compiling something else would. Prints each run's result, duration and vitest's test counts as
 * a table, keeps each run's output in a log file named there, and exits 1 if any run failed.
 *
 * The suite must be green on a busy machine, so a failure here is a bug in a test (a wall-clock bound, a race with the
 * scheduler) or in the code, never "the machine was slow". The environment passes through: with DATABASE_URL and
 * REDIS_URL set, every run includes the real-server projects.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

function usage(message: string): never {
  process.stderr.write(`test:stress: ${message}\nusage: npm run test:stress -- [runs] [--load <processes>]\n`);
  process.exit(2);
}

function positiveInteger(text: string | undefined, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) usage(`${what} must be a whole number of at least 1, not ${JSON.stringify(text ?? '')}`);
  return value;
}

const args = process.argv.slice(2);
let runs = 5;
let loadProcesses = availableParallelism();
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--load') loadProcesses = positiveInteger(args[++i], '--load');
  else if (/^\d+$/.test(arg)) runs = positiveInteger(arg, 'runs');
  else usage(`unknown argument ${JSON.stringify(arg)}`);
}

/** One process spinning on a core until it is killed: `for (;;);` never yields, so it takes all the CPU it is given. */
function startLoad(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
}

function stopLoad(load: ChildProcess[]): void {
  for (const child of load) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

interface RunResult {
  run: number;
  code: number;
  ms: number;
  tests: string[];
  log: string;
}

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** `npm test` once, its output teed to `log`; resolves with the exit code and vitest's "Tests ..." lines. */
function runSuite(run: number, log: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const out = createWriteStream(log);
    const started = performance.now();
    const child = spawn('npm', ['test'], { cwd: repo, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const keep = (chunk: Buffer) => {
      out.write(chunk);
      text += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code, signal) => {
      out.end();
      const tests = stripAnsi(text)
        .split('\n')
        .filter((line) => /^\s*Tests\s+\d/.test(line))
        .map((line) => line.trim().replace(/^Tests\s+/, ''));
      resolve({ run, code: code ?? (signal ? 128 : 1), ms: performance.now() - started, tests, log });
    });
  });
}

const minutes = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

function table(results: RunResult[]): string {
  const rows = [
    ['run', 'result', 'duration', 'tests (vitest runs: all but migration, then migration)', 'log'],
    ...results.map((r) => [String(r.run), r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`, minutes(r.ms), r.tests.join(' + ') || '-', r.log]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const logs = mkdtempSync(path.join(tmpdir(), 'outbox-test-stress-'));
const load = startLoad(loadProcesses);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopLoad(load);
    process.exit(130);
  });
}

const results: RunResult[] = [];
try {
  process.stderr.write(
    `test:stress: ${runs} run(s) of npm test on ${availableParallelism()} core(s), ${loadProcesses} CPU-bound process(es) spinning meanwhile; logs in ${logs}\n`,
  );
  for (let run = 1; run <= runs; run++) {
    process.stderr.write(`test:stress: run ${run}/${runs} started\n`);
    const result = await runSuite(run, path.join(logs, `run-${run}.log`));
    results.push(result);
    process.stderr.write(`test:stress: run ${run}/${runs} ${result.code === 0 ? 'passed' : `FAILED (exit ${result.code})`} in ${minutes(result.ms)}\n`);
  }
} finally {
  stopLoad(load);
}

const failed = results.filter((r) => r.code !== 0).length;
process.stdout.write(`\n${table(results)}\n\n${results.length - failed} of ${results.length} run(s) passed under load (${loadProcesses} spinning process(es) on ${availableParallelism()} core(s)).\n`);
process.exitCode = failed > 0 ? 1 : 0;
