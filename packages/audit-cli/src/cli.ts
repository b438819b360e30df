#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { supportsColor } from 'chalk';
import { ConfigError, enableTypeScriptCodeCache } from 'outbox-analysis/core';
import { UsageError, bundledRuntimeRoot, collectAudit, repositoryRoot, runAudit, toolVersion, DEFAULT_MAX_FILE_SIZE } from './audit.js';
import { createBaseline, findingsBeyondBaseline, readBaseline, upgradeBaseline, type Baseline } from './baseline.js';
import { defaultCacheFile } from './cache.js';
import { evaluateGate } from './gate.js';
import type { AuditReport } from './report.js';
import { initCommand, runInitCommand } from './init.js';
import { mergePartials, readPartials } from './merge.js';
import { printJson } from './printers/json.js';
import { printMarkdown } from './printers/markdown.js';
import { printSarif } from './printers/sarif.js';
import { guardCommandLines, terminalText } from './printers/escape.js';
import { printText } from './printers/text.js';
import { createPartial, parseShard, printPartial, type ShardSpec } from './shard.js';
import { writeAtomic } from './write.js';

// A reader that stops early (`outbox … --help | head -1`) closes the pipe: what is left to print has nowhere to go,
// which is not an error of the tool. Further writes are dropped and the run ends with its own exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stream.write = () => true;
  });
}

const FORMATS = ['text', 'markdown', 'json', 'sarif', 'github', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** The options of a report, whether it comes from an audit or from merging shards. */
interface ReportOptions {
  format: Format;
  output?: string;
  sarif?: string;
  minScore?: number;
  minCompliance?: number;
  baseline?: string;
  writeBaseline?: string;
  reportOnly?: boolean;
  color: boolean;
  verbose?: boolean;
  linkBase?: string;
}

interface AuditCliOptions extends ReportOptions {
  config?: string;
  strict?: boolean;
  maxFileSize: number;
  workers?: number;
  cache?: boolean;
  cacheLocation?: string;
  shard?: ShardSpec;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function percent(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('expected a percentage from 0 to 100');
  return n;
}

function mebibytes(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a size in MiB greater than 0');
  return Math.round(n * 1048576);
}

function webUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL, e.g. https://github.com/acme/shop/blob/<commit>');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError('expected an http(s) URL');
  return value;
}

/**
 * Writes an output (report, SARIF, baseline, partial): its folder is created, then it goes through a new temporary
 * file and a rename, so a reader never sees half of it and a link planted at the path is replaced, never written
 * through (write.ts, safe-fs.ts).
 */
function writeOutput(file: string, text: string): void {
  try {
    writeAtomic(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${file}: ${code ?? (error as Error).message}`);
  }
}

/**
 * Text for standard error: every line shown safely (control characters escaped, no line that GitHub's runner would
 * take for a workflow command). Values from the audited tree reach these lines.
 */
function say(text: string): void {
  process.stderr.write(guardCommandLines(text.split('\n').map(terminalText).join('\n')));
}

function colorLevel(options: ReportOptions, toFile: boolean): 0 | 1 | 2 | 3 {
  if (!options.color || toFile || (process.env.NO_COLOR ?? '') !== '') return 0;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return (supportsColor ? supportsColor.level : 1) || 1;
  if (!process.stdout.isTTY) return 0;
  return supportsColor ? supportsColor.level : 0;
}

function progressReporter(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY || process.env.CI) return undefined;
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (total < 200 || (now - last < 100 && done < total)) return;
    last = now;
    process.stderr.write(`\r\x1b[2Kanalysing ${done}/${total} files`);
    if (done >= total) process.stderr.write('\r\x1b[2K');
  };
}

/**
 * When and from what the report was made, for the Markdown and HTML reports: the date (SOURCE_DATE_EPOCH when set,
 * for reproducible output) and the commit (GITHUB_SHA in Actions, else the audited folder's git HEAD, if any).
 */
function provenance(root: string | undefined): { date: string; commit?: string } {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = (Number.isFinite(epoch) && process.env.SOURCE_DATE_EPOCH ? new Date(epoch * 1000) : new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let commit = process.env.GITHUB_SHA || undefined;
  if (!commit && root) {
    try {
      commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim() || undefined;
    } catch {
      // Not a git checkout, or no git: the report says so by leaving the commit out.
    }
  }
  return { date, ...(commit && /^[0-9a-f]{7,64}$/i.test(commit) ? { commit } : {}) };
}

/** The options every report takes, whether from an audit or a merge. */
function addReportOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output (folders are created)')
    .option('--sarif <file>', 'also write SARIF 2.1.0 to this file (for code scanning), whatever --format is')
    .option('--link-base <url>', "the repository's web URL for file links in the HTML report (e.g. https://github.com/acme/shop/blob/<commit>)", webUrl)
    .option('--min-score <n>', 'fail when fewer than n checklist items pass (at most the number of items the checklist runs)', integer(0, 1000))
    .option('--min-compliance <percent>', 'fail when fewer operations than this percentage are compliant (and when there are none)', percent)
    .option('--baseline <file>', 'fail only on findings new since this baseline, or operations that got worse')
    .option('--write-baseline <file>', 'write the current findings as a baseline and exit 0')
    .option('--report-only', 'always exit 0 (unless the call itself is wrong): print the report, gate nothing')
    .option('--no-color', 'no colours in the text report (NO_COLOR is honoured too)')
    .option('-v, --verbose', 'list every finding in the text report');
}

const EXIT_CODES = `
Exit codes:
  0  the gate passed (or --report-only / --write-baseline)
  1  the gate failed: a finding (no options), a new finding or regression (--baseline), a threshold missed
  2  usage or configuration error (bad option, unreadable path, invalid outbox.config.json or baseline)
  3  the gate failed because files in scope could not be analysed (binary, not UTF-8, too large, unreadable, a
     parse that failed, a link out of the root, a folder not entered) and the config's "unanalysable" list does
     not accept them; listed in the report, and failing whatever else the gate checks`;

function buildProgram(run: (result: Promise<number>) => void): Command {
  const program = new Command()
    .name('outbox-audit')
    .description(
      'Computes the outbox verification report from code: which mutating operations have the outbox, idempotency, ' +
        'an event before the commit and their own commit; which routers make DB calls; and the checklist (generic ' +
        'checks by default, the seed report\'s 12 items with "checklist": { "profile": "seed" }).',
    )
    .version(toolVersion(), '-V, --version')
    .argument('[path]', 'folder to audit (default: the bundled reference runtime)')
    .option('-c, --config <file>', 'settings file (default: <path>/outbox.config.json when present)')
    .option('--strict', 'also forbid rollback/flush/begin/query in routers and warn on the racy Redis idempotency pattern')
    .addOption(new Option('--max-file-size <MiB>', 'larger files are reported, not analysed').argParser(mebibytes).default(DEFAULT_MAX_FILE_SIZE, '2 MiB'))
    .option('--workers <n>', 'analysis threads (default: one; the cores for large trees on 4+ cores)', integer(1, 256))
    .option('--cache', 'reuse the analysis of unchanged files from the last run (kept in node_modules/.cache/outbox-audit/)')
    .option('--cache-location <file>', 'where --cache keeps its file (implies --cache)')
    .option('--shard <i/n>', 'audit only shard i of n (a stable share of the files) and write a partial report for outbox-audit merge', parseShard);
  addReportOptions(program)
    .addHelpText(
      'after',
      `${EXIT_CODES}

Environment:
  NO_COLOR=1                    no colours in the text report
  SOURCE_DATE_EPOCH=<seconds>   the date the Markdown and HTML reports state (default: now)
  NODE_DISABLE_COMPILE_CACHE=1  do not keep TypeScript's compiled code between runs (kept in the system's
                                temporary folder, under outbox-toolkit-<user>/v8-cache)
  OUTBOX_DEBUG=1                print the stack trace of an internal error

Examples:
  $ outbox-audit                                   audit the bundled reference runtime
  $ outbox-audit . --format markdown -o report.md  the seed-style report of this repository
  $ outbox-audit . --format html -o outbox.html    a page to open in a browser or keep as a CI artifact
  $ outbox-audit . --write-baseline .outbox-baseline.json
  $ outbox-audit . --baseline .outbox-baseline.json --format github --sarif outbox.sarif
  $ outbox-audit . --min-score 7                   fail unless every checklist item passes
  $ outbox-audit init [path]                       write a starter outbox.config.json and a baseline
  $ outbox-audit . --shard 2/4 -o part-2.json      audit a quarter of the files (one CI job of four)
  $ outbox-audit merge part-*.json --format github the whole report from the four parts`,
    )
    .action((given: string | undefined, options: AuditCliOptions) => run(auditMain(given, options)));

  program.addCommand(
    initCommand()
      .exitOverride()
      .action((_path: string, _options: unknown, command: Command) => {
        // init parses far more than an audit does, and was compiling TypeScript afresh on every run (~0.1 s).
        enableTypeScriptCodeCache();
        return run(runInitCommand(command));
      }),
  );
  program.addCommand(
    addReportOptions(
      new Command('merge')
        .summary('the report of a sharded audit, from its partial reports')
        .description(
          'Joins the partial reports written by `outbox-audit <path> --shard i/n -o part-i.json` (all n of them) and ' +
            'prints the report an unsharded audit gives, with the same formats and gate.',
        )
        .argument('<parts...>', 'partial reports written by outbox-audit --shard i/n (all n of them)'),
    )
      .addHelpText('after', `${EXIT_CODES}\n\nExample:\n  $ outbox-audit merge part-*.json --baseline .outbox-baseline.json --format github --sarif outbox.sarif`)
      .exitOverride()
      .action((parts: string[], options: ReportOptions) => run(mergeMain(parts, options))),
  );
  // A subcommand's options are its own: `merge part-*.json --format json` is merge's --format, not the audit's.
  return program.enablePositionalOptions().exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

async function auditMain(given: string | undefined, options: AuditCliOptions): Promise<number> {
  // Kept between runs: TypeScript's compiled code (about 50 ms per start; see the analysis' code-cache.ts).
  enableTypeScriptCodeCache();
  const root = given ?? bundledRuntimeRoot();
  if (!root) throw new UsageError('no path given and no bundled reference runtime beside this install: pass the folder to audit');
  const target = given ?? path.relative(process.cwd(), root) ?? root;
  const rootInRepo = path.relative(repositoryRoot(root), path.resolve(root)).split(path.sep).join('/');
  const auditOptions = {
    root,
    configFile: options.config,
    strict: options.strict,
    maxFileSize: options.maxFileSize,
    workers: options.workers,
    onProgress: progressReporter(),
    ...(options.cache || options.cacheLocation
      ? {
          cacheFile: options.cacheLocation ?? defaultCacheFile(root),
          onCache: ({ file, reused, analysed }: { file: string; reused: number; analysed: number }) =>
            say(`outbox-audit: cache ${path.relative(process.cwd(), file) || file}: ${reused} file(s) reused, ${analysed} analysed\n`),
        }
      : {}),
    onWarning: (message: string) => say(`outbox-audit: warning: ${message}\n`),
  };
  if (options.shard) {
    const gating = ['baseline', 'writeBaseline', 'sarif', 'minScore', 'minCompliance'] as const;
    const misplaced = gating.filter((key) => options[key] !== undefined);
    if (misplaced.length > 0) {
      throw new UsageError(`--shard writes a partial report; pass ${misplaced.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} to outbox-audit merge instead`);
    }
    const collected = await collectAudit({ ...auditOptions, shard: options.shard });
    const text = printPartial(createPartial(collected, options.shard, { target, rootInRepo }));
    if (options.output) writeOutput(options.output, text);
    else process.stdout.write(text);
    return 0;
  }
  const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  const report = await runAudit(auditOptions);
  return await finish(report, options, { target, rootInRepo, root, baseline });
}

async function mergeMain(parts: string[], options: ReportOptions): Promise<number> {
  const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  const { report, target, rootInRepo } = mergePartials(readPartials(parts));
  return await finish(report, options, { target, rootInRepo, root: undefined, baseline });
}

/** Gates and prints a report; returns the exit code. */
async function finish(
  report: AuditReport,
  options: ReportOptions,
  where: { target: string; rootInRepo: string; root: string | undefined; baseline: ReturnType<typeof readBaseline> | undefined },
): Promise<number> {
  if (options.writeBaseline) {
    const b = createBaseline(report);
    writeOutput(options.writeBaseline, JSON.stringify(b, null, 2) + '\n');
    say(
      `outbox-audit: wrote ${options.writeBaseline}: ${Object.keys(b.operations).length} non-compliant operation(s), ${Object.values(b.routerCalls).reduce((n, c) => n + c, 0)} router DB call(s)\n`,
    );
    return 0;
  }
  if (options.minScore !== undefined && options.minScore > report.summary.checklistTotal) {
    throw new UsageError(
      `--min-score ${options.minScore} can never be met: the checklist runs ${report.summary.checklistTotal} item(s) (profile "${report.summary.checklistProfile}"; see checklist.profile and checklist.disable in outbox.config.json)`,
    );
  }
  let baseline: Baseline | undefined;
  if (where.baseline) {
    const upgraded = upgradeBaseline(where.baseline, report, options.baseline);
    if (upgraded.message) say(`outbox-audit: ${upgraded.message}\n`);
    baseline = upgraded.baseline;
  }

  const gate = evaluateGate(report, {
    minScore: options.minScore,
    minCompliance: options.minCompliance,
    baseline,
    baselineFile: options.baseline,
    reportOnly: options.reportOnly,
  });
  const sarifOptions = { rootInRepo: where.rootInRepo };
  if (options.sarif) writeOutput(options.sarif, printSarif(report, sarifOptions));

  let text: string | undefined;
  switch (options.format) {
    case 'text':
      text = printText(report, gate, { color: colorLevel(options, Boolean(options.output)), target: where.target, verbose: options.verbose });
      break;
    case 'markdown':
      text = printMarkdown(report, gate, { target: where.target, ...provenance(where.root) });
      break;
    case 'json':
      text = printJson(report, gate);
      break;
    case 'sarif':
      text = printSarif(report, sarifOptions);
      break;
    case 'html': {
      const { printHtml } = await import('./printers/html.js');
      text = printHtml(report, gate, {
        target: where.target,
        ...provenance(where.root),
        ...(options.linkBase ? { linkBase: options.linkBase } : {}),
        ...(options.baseline ? { baselineFile: options.baseline } : {}),
      });
      break;
    }
    case 'github': {
      // Loaded only for this format: @actions/core brings an HTTP client that costs every other run ~35 ms to load.
      const { printGithub } = await import('./printers/github.js');
      await printGithub(report, gate, {
        target: where.target,
        root: where.rootInRepo,
        ...(options.sarif ? { sarifFile: options.sarif } : {}),
        ...(baseline ? { annotate: findingsBeyondBaseline(report, baseline) } : {}),
      });
      break;
    }
  }
  if (text !== undefined) {
    if (options.output) writeOutput(options.output, text);
    else process.stdout.write(text);
  }
  if (options.format !== 'text' && !options.reportOnly && !gate.pass) {
    say(`outbox-audit: gate failed: ${gate.summary}\n`);
    for (const d of gate.details.filter((d) => !d.startsWith('fixed:'))) say(`  ${d}\n`);
  }
  if (options.reportOnly || gate.pass) return 0;
  return gate.unanalysed > 0 ? 3 : 1;
}

async function main(argv: string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(0);
  const program = buildProgram((started) => {
    result = started;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    throw error;
  }
  return await result;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      say(`outbox-audit: invalid configuration\n${error.message}\n`);
    } else if (error instanceof UsageError) {
      say(`outbox-audit: ${error.message}\n`);
    } else {
      say(`outbox-audit: internal error: ${(error as Error)?.message ?? String(error)}\n`);
      if (process.env.OUTBOX_DEBUG) say(`${(error as Error)?.stack ?? ''}\n`);
      say('This is a bug in outbox-audit; please report it with the command you ran.\n');
    }
    process.exitCode = 2;
  },
);
