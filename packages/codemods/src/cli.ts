#!/usr/bin/env node
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, terminalText as t } from 'outbox-analysis';
import { fileDiff } from './engine/diff.js';
import { JOURNAL, hasJournal, recoverInterruptedWrite, treeState, writeChanges, WriteRefusedError } from './engine/write.js';
import type { ProgressEvent } from './engine/run.js';
import { TRANSFORM_ORDER } from './engine/types.js';
import { bundledRuntimeRoot, planMigration, UsageError, type MigrationResult } from './migrate.js';
import { orderedTransforms } from './transforms/index.js';

// A reader that stops early (`outbox … --help | head -1`) closes the pipe: what is left to print has nowhere to go,
// which is not an error of the tool. Further writes are dropped and the run ends with its own exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stream.write = () => true;
  });
}

/** Exit codes: 0 nothing (left) to change; 1 a dry run found pending changes; 2 an error, or something was skipped. */
const EXIT_PENDING = 1;
const EXIT_PROBLEM = 2;

interface CliOptions {
  write?: boolean;
  force?: boolean;
  typeCheck: boolean;
  todoComments?: boolean;
  idempotency: 'store' | 'redis';
  config?: string;
}

/** Where the CLI writes: stdout for the diff and help, stderr for the summary and errors. */
export interface Output {
  write(text: string): unknown;
  /** A terminal gets a progress line (stderr only). */
  isTTY?: boolean;
}

/** This package's version, from its package.json (beside src/ and dist/). */
export function version(): string {
  const file = fileURLToPath(new URL('../package.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export async function main(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const program = new Command('outbox-codemod')
    .description('Retrofit the transactional-outbox pattern by machine: every edit is planned from the outbox analysis, then applied.')
    .argument('<transform>', `a transform, or "all" (${TRANSFORM_ORDER.join(' → ')})`)
    .argument('[path]', 'the project to migrate (default: the bundled reference runtime)')
    .option('--write', 'apply the changes (default: a dry run printing a unified diff)')
    .option('--force', 'with --write: also when the git tree under the path has uncommitted changes')
    .option('--todo-comments', 'leave a // TODO(outbox-codemod): marker where something could not be migrated safely')
    .option('--no-type-check', 'do not type-check the result with the project\'s tsconfig (faster; nothing then guarantees it compiles)')
    .addOption(new Option('--idempotency <style>', 'store: the transactional idempotency store; redis: the seed\'s Redis GET/SETEX pattern').choices(['store', 'redis']).default('store'))
    .option('--config <file>', 'settings file (default: <path>/outbox.config.json when present)')
    .version(version(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) })
    .addHelpText(
      'after',
      `
Transforms:
${orderedTransforms().map((t) => `  ${t.name.padEnd(24)}${t.summary}`).join('\n')}

Exit codes:
  0  nothing to change (dry run), or all changes written
  1  dry run: changes are pending (the diff is on stdout)
  2  something was left as it was (listed with file, line and reason: a type error the change would cause,
     a shape not migrated safely, a link not followed), a bad option or config, a dirty git tree or one git
     cannot answer for, or a file that cannot be written

Safety:
  The result is type-checked in memory with <path>/tsconfig.json; an operation or route whose edits would add a
  type error is left as it was and reported with the error. --write stages every file, journals, then renames;
  an interrupted --write is finished by the next run (${JOURNAL}). Links are never followed.

Examples:
  outbox-codemod all                              dry run on the bundled reference runtime
  outbox-codemod service-commit ./backend > p.diff && (cd backend && git apply ../p.diff)
  outbox-codemod all ./backend --write            apply every transform (refuses a dirty git tree)
  outbox-codemod inject-idempotency ./backend --idempotency=redis --write --force`,
    );

  let transformName: string;
  let target: string | undefined;
  let options: CliOptions;
  try {
    program.parse(argv, { from: 'user' });
    [transformName, target] = program.processedArgs as [string, string | undefined];
    options = program.opts<CliOptions>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_PROBLEM;
    throw error;
  }

  const root = target ? path.resolve(target) : bundledRuntimeRoot();
  if (!root || !existsSync(root) || !statSync(root).isDirectory()) {
    err.write(`outbox-codemod: ${target ? `${target} is not a folder` : 'no path given and no bundled reference runtime found'}\n`);
    return EXIT_PROBLEM;
  }

  // A journal means an earlier --write was interrupted: --write finishes it first; a dry run would read a
  // half-written tree, so it stops and says so.
  if (hasJournal(root)) {
    if (!options.write) {
      err.write(`outbox-codemod: an interrupted --write left ${JOURNAL} in ${root}; run again with --write to finish it\n`);
      return EXIT_PROBLEM;
    }
    try {
      const recovered = recoverInterruptedWrite(root);
      if (recovered) {
        err.write(recovered.finished.length > 0
          ? `finished the interrupted write: ${recovered.finished.length} more file(s) renamed into place\n`
          : `the interrupted write had changed nothing; its ${recovered.discarded.length} staged file(s) were removed\n`);
      }
    } catch (error) {
      return refused(error, err);
    }
  }

  const progress = progressLine(err);
  let result: MigrationResult;
  try {
    result = await planMigration({
      root,
      transform: transformName,
      options: { idempotency: options.idempotency, todoComments: options.todoComments ?? false },
      typeCheck: options.typeCheck,
      ...(progress ? { onProgress: progress.update } : {}),
      ...(options.config ? { configFile: options.config } : {}),
    });
  } catch (error) {
    progress?.clear();
    if (error instanceof UsageError || error instanceof ConfigError) {
      err.write(`outbox-codemod: ${error.message}\n`);
      return EXIT_PROBLEM;
    }
    const message = error instanceof Error ? error.message : String(error);
    err.write(`outbox-codemod: internal error: ${message}\nPlease report it with the file that triggered it.\n`);
    return EXIT_PROBLEM;
  }
  progress?.clear();

  printSummary(result, err);
  if (options.write) {
    if (result.changes.length > 0 && !options.force) {
      const state = treeState(root);
      if (state.state === 'dirty') {
        err.write(`outbox-codemod: refusing to write: ${state.files.length} uncommitted change(s) under ${root} (commit or stash them, or pass --force):\n`);
        for (const line of state.files.slice(0, 10)) err.write(`  ${line}\n`);
        return EXIT_PROBLEM;
      }
      if (state.state === 'unknown') {
        err.write(`outbox-codemod: refusing to write: cannot tell whether ${root} has uncommitted changes (${state.reason}); fix git or commit your work elsewhere, or pass --force\n`);
        return EXIT_PROBLEM;
      }
    }
    try {
      writeChanges(root, result.changes);
    } catch (error) {
      return refused(error, err);
    }
    err.write(`wrote ${result.changes.length} file(s)\n`);
  } else {
    // File by file: the diff of a whole tree is never one string (nor are all the texts it was made from).
    for (const change of result.changes) out.write(fileDiff(change));
  }
  if (result.skipped.length > 0 || result.unread.length > 0) return EXIT_PROBLEM;
  return !options.write && result.changes.length > 0 ? EXIT_PENDING : 0;
}

function refused(error: unknown, err: Output): number {
  if (error instanceof WriteRefusedError) {
    err.write('outbox-codemod: refusing to write (nothing was changed by this run):\n');
    for (const problem of error.problems) err.write(`  ${t(problem.file)}: ${t(problem.reason)}\n`);
    return EXIT_PROBLEM;
  }
  err.write(`outbox-codemod: write failed: ${t(error instanceof Error ? error.message : String(error))}\nRun again with --write to finish it (${JOURNAL} records where it stopped).\n`);
  return EXIT_PROBLEM;
}

/** On a terminal, one line on stderr that says which transform runs (long runs: a tree of thousands of files). */
function progressLine(err: Output): { update: (event: ProgressEvent) => void; clear: () => void } | undefined {
  if (!err.isTTY) return undefined;
  let shown = false;
  return {
    update: (event) => {
      const what = event.phase === 'run' ? event.transform : `type-checking after ${event.transform}`;
      err.write(`\r\u001b[K[${event.index + 1}/${event.total}] ${what}…`);
      shown = true;
    },
    clear: () => {
      if (shown) err.write('\r\u001b[K');
    },
  };
}

function printSummary(result: MigrationResult, err: Output): void {
  for (const summary of result.summaries) {
    const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
    err.write(`${summary.transform}: ${summary.filesChanged.length} file(s) changed${skipped}\n`);
  }
  const check = result.typeCheck;
  err.write(check.unavailable ? `type check: not done (${check.unavailable})\n` : `type check: no new type errors (${check.compiles} compile(s) of the changed files and their importers${check.compiler ? `, ${check.compiler}` : ''})\n`);
  if (result.unread.length > 0) {
    err.write(`\nNot read (links are not followed):\n`);
    for (const entry of result.unread) err.write(`  ${t(entry.file)}  ${t(entry.reason)}\n`);
  }
  if (result.skipped.length > 0) {
    err.write(`\nNot migrated (left as they were):\n`);
    // File names and reasons quote the project's code: no control character of it reaches the terminal.
    for (const entry of result.skipped) err.write(`  ${t(entry.file)}${entry.line ? `:${entry.line}` : ''}  [${entry.transform}] ${t(entry.reason)}\n`);
  }
}

/** Run as a program (also through the npm bin symlink), not imported by tests. */
function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
/**
 * How far V8 lets the heap grow past what the last full collection kept, in percent (V8's own default, up to 4×, is
 * tuned for servers). A run allocates a parse and an analysis per file and transform and keeps little of it: on the
 * dense generated tree of 1,000 files it held 48 MB after a full collection while its RSS reached 340 MB; at 5,000
 * files the peak RSS was 854 MB. Collecting at +30% brought that peak to 463 MB, with the same output, for more full
 * collections (the generated tree of `npm run bench`, `outbox-codemod all --write`).
 */
const HEAP_GROWING_PERCENT = 30;
/**
 * How much V8 grows the young generation when it fills (its own default doubles it, up to 16 MB a semi-space on this
 * heap size): 1 keeps it at its starting size (1 MB). A run's garbage is mostly short-lived parses, and a large young
 * generation only added resident memory: at 5,000 generated files the peak RSS went from 481 to 399 MiB with it, CPU
 * time within the noise (52.8 s and 54.8 s). `--max-semi-space-size` does the same but is read only at start-up.
 */
const SEMI_SPACE_GROWTH_FACTOR = 1;

if (invokedDirectly()) {
  // Only for the program: a test importing the CLI keeps its own process's settings.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_GROWTH_FACTOR}`);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`outbox-codemod: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_PROBLEM;
    },
  );
}
