#!/usr/bin/env node
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from 'outbox-analysis';
import { unifiedDiff } from './engine/diff.js';
import { dirtyFiles, writeChanges } from './engine/write.js';
import { TRANSFORM_ORDER } from './engine/types.js';
import { bundledRuntimeRoot, planMigration, UsageError, type MigrationResult } from './migrate.js';
import { orderedTransforms } from './transforms/index.js';

/** Exit codes: 0 nothing (left) to change; 1 a dry run found pending changes; 2 an error, or something was skipped. */
const EXIT_PENDING = 1;
const EXIT_PROBLEM = 2;

interface CliOptions {
  write?: boolean;
  force?: boolean;
  todoComments?: boolean;
  idempotency: 'store' | 'redis';
  config?: string;
}

/** Where the CLI writes: stdout for the diff and help, stderr for the summary and errors. */
export interface Output {
  write(text: string): unknown;
}

export async function main(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  const program = new Command('outbox-codemod')
    .description('Retrofit the transactional-outbox pattern by machine: every edit is planned from the outbox analysis, then applied.')
    .argument('<transform>', `a transform, or "all" (${TRANSFORM_ORDER.join(' → ')})`)
    .argument('[path]', 'the project to migrate (default: the bundled reference runtime)')
    .option('--write', 'apply the changes (default: a dry run printing a unified diff)')
    .option('--force', 'with --write: also when the git tree under the path has uncommitted changes')
    .option('--todo-comments', 'leave a // TODO(outbox-codemod): marker where something could not be migrated safely')
    .addOption(new Option('--idempotency <style>', 'store: the transactional idempotency store; redis: the seed\'s Redis GET/SETEX pattern').choices(['store', 'redis']).default('store'))
    .option('--config <file>', 'settings file (default: <path>/outbox.config.json when present)')
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
  2  a file could not be transformed safely (listed with its reason), a bad option or config, or a dirty git tree

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

  let result: MigrationResult;
  try {
    result = await planMigration({
      root,
      transform: transformName,
      options: { idempotency: options.idempotency, todoComments: options.todoComments ?? false },
      ...(options.config ? { configFile: options.config } : {}),
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      err.write(`outbox-codemod: ${error.message}\n`);
      return EXIT_PROBLEM;
    }
    const message = error instanceof Error ? error.message : String(error);
    err.write(`outbox-codemod: internal error: ${message}\nPlease report it with the file that triggered it.\n`);
    return EXIT_PROBLEM;
  }

  printSummary(result, err);
  if (options.write) {
    if (result.changes.length > 0 && !options.force) {
      const dirty = dirtyFiles(root);
      if (dirty && dirty.length > 0) {
        err.write(`outbox-codemod: refusing to write: ${dirty.length} uncommitted change(s) under ${root} (commit or stash them, or pass --force):\n`);
        for (const line of dirty.slice(0, 10)) err.write(`  ${line}\n`);
        return EXIT_PROBLEM;
      }
    }
    writeChanges(root, result.changes);
    err.write(`wrote ${result.changes.length} file(s)\n`);
  } else {
    out.write(unifiedDiff(result.changes));
  }
  if (result.skipped.length > 0) return EXIT_PROBLEM;
  return !options.write && result.changes.length > 0 ? EXIT_PENDING : 0;
}

function printSummary(result: MigrationResult, err: Output): void {
  for (const summary of result.summaries) {
    const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
    err.write(`${summary.transform}: ${summary.filesChanged.length} file(s) changed${skipped}\n`);
  }
  if (result.skipped.length > 0) {
    err.write(`\nNot migrated (left as they were):\n`);
    for (const entry of result.skipped) err.write(`  ${entry.file}${entry.line ? `:${entry.line}` : ''}  [${entry.transform}] ${entry.reason}\n`);
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
if (invokedDirectly()) {
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
