/**
 * The benchmark on a real checkout: `npm run bench -- --repo <dir> [--runs 3] [--json]`.
 *
 * The checkout is copied (without node_modules and .git) to a temporary folder, `outbox-audit init` writes its config
 * there (the presets it detects), and then, in rounds that rotate the order so that no tool always runs on a warmer or
 * busier machine, each of these runs once per round in a fresh process, wall time and peak RSS measured:
 *
 *   - the audit from scratch (`--format json`), and with `--cache` on the unchanged tree (filled by an untimed run);
 *   - TypeScript's `createSourceFile` over every file the audit lists, and over the files the audit parses (the parse
 *     alone, timed inside the process: the least a tool that parses them can take);
 *   - `ast-grep scan` with one rule for the same router calls (a call `$X.$M(...)`, `$M` a router call, in the
 *     router files): what a user could run instead of the audit's router check;
 *   - ESLint's CLI with the plugin's `recommended` and the detected settings, and with the same parser and one rule
 *     that does nothing (any rule makes ESLint walk every AST; the plugin is judged against that);
 *   - `outbox-audit init` alone.
 *
 * Medians of the runs. A benchmark, not a test: targets are printed as met or missed; a tool that fails stops it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveSettings, type OutboxSettings, type PartialSettings } from 'outbox-analysis/core';
import { median, runCommand, runNode, type ChildRun } from './support/child.js';
import {
  AUDIT_CLI,
  astGrepArgs,
  astGrepBinary,
  copyTree,
  eslintArgs,
  initArgs,
  initConfig,
  routerCallNames,
  writeAstGrepRule,
  writeEslintConfigs,
} from './support/tools.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const PARSE_FLOOR = path.join(repo, 'bench/support/parse-floor.ts');

export const REPO_TARGETS = { auditOverAstGrep: 1.0, pluginOverEmptyRuleWall: 1.1, pluginOverEmptyRuleRss: 1.1, initOverAudit: 1.5 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface AuditSummary {
  operations: number;
  compliant: number;
  filesScanned: number;
  filesParsed: number;
}

/** One tool's figures: medians over the runs. */
export interface ToolFigures {
  ms: number;
  /** CPU time, user + system, every thread: the figure to trust when the machine is shared. */
  cpuMs: number;
  peakRssMb: number;
  runs: number[];
}

export interface RepoFigures {
  repo: string;
  commit: string | null;
  /** Every file in the checkout (node_modules and .git aside). */
  files: number;
  /** The source files the audit lists (its extensions, less its ignore globs). */
  sourceFiles: number;
  /** The files the audit parses with the detected config. */
  parsedFiles: number;
  config: PartialSettings;
  /** When init wrote no presets: those the analysis detects, which replaced init's config. */
  addedPresets: string[];
  /** The methods ast-grep's rule looks for. */
  astGrepCalls: string[];
  operations: number;
  compliant: number;
  routerCalls: number;
  astGrepMatches: number;
  eslint: { files: number; fatal: number; pluginMessages: number };
  cores: number;
  runs: number;
  tools: {
    audit: ToolFigures;
    auditCached: ToolFigures;
    /** parseMs / parseCpuMs: the parse alone, timed inside its process (the process's own figures are beside). */
    parseAll: ToolFigures & { parseMs: number; parseCpuMs: number; files: number };
    parseAudited: ToolFigures & { parseMs: number; parseCpuMs: number; files: number };
    astGrep: ToolFigures;
    eslintPlugin: ToolFigures;
    eslintEmptyRule: ToolFigures;
    init: ToolFigures;
  };
  auditOverAstGrep: number;
  auditCachedOverAstGrep: number;
  auditOverParseAll: number;
  auditOverParseAudited: number;
  parseAuditedOverParseAll: number;
  pluginOverEmptyRuleWall: number;
  pluginOverEmptyRuleRss: number;
  initOverAudit: number;
  /** The same ratios in CPU time (ast-grep's is the sum over its threads). */
  cpu: { auditOverAstGrep: number; auditOverParseAll: number; auditOverParseAudited: number; pluginOverEmptyRule: number; initOverAudit: number };
}

function countFiles(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '.git') n += countFiles(path.join(dir, entry.name));
    } else n++;
  }
  return n;
}

function commitOf(dir: string): string | null {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

function check(run: ChildRun, what: string, okCodes = [0]): ChildRun {
  if (!okCodes.includes(run.code)) throw new Error(`${what} exited ${run.code}:\n${run.stderr.slice(-3000)}`);
  return run;
}

/** The ESLint results file: how many files it linted, how many it could not parse, how many findings the plugin made. */
function eslintResults(file: string): { files: number; fatal: number; pluginMessages: number } {
  const results = JSON.parse(readFileSync(file, 'utf8')) as { messages: { fatal?: boolean; ruleId: string | null }[] }[];
  return {
    files: results.length,
    fatal: results.filter((r) => r.messages.some((m) => m.fatal)).length,
    pluginMessages: results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith('outbox/')).length, 0),
  };
}

export async function benchRepo(dir: string, options: { runs: number }): Promise<RepoFigures> {
  const source = path.resolve(dir);
  if (!existsSync(source)) throw new Error(`${dir}: no such folder`);
  if (!existsSync(AUDIT_CLI)) throw new Error('outbox-audit is not built: run npm run build');
  const work = mkdtempSync(path.join(tmpdir(), 'outbox-bench-repo-'));
  try {
    const tree = path.join(work, 'tree');
    const tools = path.join(work, 'tools');
    mkdirSync(tools);
    copyTree(source, tree);
    const files = countFiles(tree);
    log(`${path.basename(source)}: ${files} files copied to ${tree}; ${availableParallelism()} cores; Node ${process.version}; median of ${options.runs}`);

    // init once, untimed: it writes the config every other tool reads. Each timed init rewrites it; the config is put
    // back after each, so that presets added to it below stay.
    const baseline = path.join(tools, 'baseline.json');
    const { file: configFile, config, addedPresets } = await initConfig(tree, baseline);
    const configText = readFileSync(configFile, 'utf8');
    const settings: OutboxSettings = resolveSettings(config);
    log(`  config: ${JSON.stringify(config)}${addedPresets.length > 0 ? ` (init wrote no presets: its config replaced by the presets detectPresets finds)` : ''}`);

    const auditArgs = [AUDIT_CLI, tree, '--format', 'json', '--report-only'];
    const cachedArgs = [...auditArgs, '--cache-location', path.join(tools, 'audit-cache')];
    const first = JSON.parse(check(await runNode(auditArgs), 'outbox-audit').stdout) as { summary: AuditSummary; routers: { findings: unknown[] }[] };
    check(await runNode(cachedArgs), 'outbox-audit --cache (filling the cache)');
    const summary = first.summary;
    // Every router DB call the report lists (the summary's two counters are the session style's commit and execute).
    const routerCalls = first.routers.reduce((n, r) => n + r.findings.length, 0);

    const rule = path.join(tools, 'router-calls.yml');
    const astGrepCalls = routerCallNames(settings);
    writeAstGrepRule(rule, settings, astGrepCalls);
    const eslintConfigs = await writeEslintConfigs(tools, settings, configFile);
    const pluginOut = path.join(tools, 'eslint-plugin.json');
    const emptyOut = path.join(tools, 'eslint-empty.json');
    const astGrep = astGrepBinary();
    const floorArgs = ['--import', 'tsx', PARSE_FLOOR, tree, '--config', configFile];

    type Name = keyof RepoFigures['tools'];
    const steps: [Name, () => Promise<ChildRun>][] = [
      ['audit', async () => check(await runNode(auditArgs), 'outbox-audit')],
      ['auditCached', async () => check(await runNode(cachedArgs), 'outbox-audit --cache')],
      ['parseAll', async () => check(await runNode(floorArgs), 'parse floor')],
      ['parseAudited', async () => check(await runNode([...floorArgs, '--audited']), 'parse floor --audited')],
      // ast-grep exits 0 with info-level matches; ESLint exits 1 when it reports something.
      ['astGrep', async () => check(await runCommand(astGrep, astGrepArgs(rule), { cwd: tree }), 'ast-grep scan')],
      ['eslintPlugin', async () => check(await runNode(eslintArgs(eslintConfigs.plugin, pluginOut), { cwd: tree }), 'eslint (plugin)', [0, 1])],
      ['eslintEmptyRule', async () => check(await runNode(eslintArgs(eslintConfigs.emptyRule, emptyOut), { cwd: tree }), 'eslint (one empty rule)', [0, 1])],
      [
        'init',
        async () => {
          const run = check(await runNode(initArgs(tree, baseline)), 'outbox-audit init');
          writeFileSync(configFile, configText);
          return run;
        },
      ],
    ];
    const runs = new Map<Name, ChildRun[]>(steps.map(([name]) => [name, []]));
    for (let r = 0; r < options.runs; r++) {
      for (let i = 0; i < steps.length; i++) {
        const [name, step] = steps[(i + r) % steps.length]!;
        const run = await step();
        runs.get(name)!.push(run);
        log(`  round ${r + 1}: ${name.padEnd(15)} ${run.ms.toFixed(0).padStart(6)} ms wall ${run.cpuMs.toFixed(0).padStart(6)} ms CPU ${run.peakRssMb.toFixed(0).padStart(5)} MB`);
      }
    }
    const figures = (name: Name): ToolFigures => {
      const list = runs.get(name)!;
      return { ms: round(median(list.map((r) => r.ms)), 0), cpuMs: round(median(list.map((r) => r.cpuMs)), 0), peakRssMb: round(median(list.map((r) => r.peakRssMb)), 0), runs: list.map((r) => round(r.ms, 0)) };
    };
    const floor = (name: 'parseAll' | 'parseAudited') => {
      const list = runs.get(name)!.map((r) => JSON.parse(r.stdout) as { coldMs: number; coldCpuMs: number; files: number });
      return {
        ...figures(name),
        parseMs: round(median(list.map((f) => f.coldMs)), 0),
        parseCpuMs: round(median(list.map((f) => f.coldCpuMs)), 0),
        files: list[0]!.files,
      };
    };
    const matches = runs.get('astGrep')![0]!.stdout.split('\n').filter((l) => l.trim() !== '').length;
    const t = {
      audit: figures('audit'),
      auditCached: figures('auditCached'),
      parseAll: floor('parseAll'),
      parseAudited: floor('parseAudited'),
      astGrep: figures('astGrep'),
      eslintPlugin: figures('eslintPlugin'),
      eslintEmptyRule: figures('eslintEmptyRule'),
      init: figures('init'),
    };
    return {
      repo: path.basename(source),
      commit: commitOf(source),
      files,
      sourceFiles: summary.filesScanned,
      parsedFiles: summary.filesParsed,
      config,
      addedPresets,
      astGrepCalls,
      operations: summary.operations,
      compliant: summary.compliant,
      routerCalls,
      astGrepMatches: matches,
      eslint: eslintResults(pluginOut),
      cores: availableParallelism(),
      runs: options.runs,
      tools: t,
      auditOverAstGrep: round(t.audit.ms / t.astGrep.ms),
      auditCachedOverAstGrep: round(t.auditCached.ms / t.astGrep.ms),
      auditOverParseAll: round(t.audit.ms / t.parseAll.parseMs),
      auditOverParseAudited: round(t.audit.ms / t.parseAudited.parseMs),
      parseAuditedOverParseAll: round(t.parseAudited.parseMs / t.parseAll.parseMs),
      pluginOverEmptyRuleWall: round(t.eslintPlugin.ms / t.eslintEmptyRule.ms, 3),
      pluginOverEmptyRuleRss: round(t.eslintPlugin.peakRssMb / t.eslintEmptyRule.peakRssMb, 3),
      initOverAudit: round(t.init.ms / t.audit.ms),
      cpu: {
        auditOverAstGrep: round(t.audit.cpuMs / t.astGrep.cpuMs),
        auditOverParseAll: round(t.audit.cpuMs / t.parseAll.parseCpuMs),
        auditOverParseAudited: round(t.audit.cpuMs / t.parseAudited.parseCpuMs),
        pluginOverEmptyRule: round(t.eslintPlugin.cpuMs / t.eslintEmptyRule.cpuMs, 3),
        initOverAudit: round(t.init.cpuMs / t.audit.cpuMs),
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function printRepo(f: RepoFigures): string {
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const a = f.tools.audit;
  const row = (label: string, t: ToolFigures, ms = t.ms, cpuMs = t.cpuMs): string[] => [label, `${ms} ms`, `${cpuMs} ms`, `${t.peakRssMb} MB`, `${(ms / a.ms).toFixed(2)}×`];
  const rows: string[][] = [
    row('audit, from scratch', a),
    row('audit, --cache (unchanged tree)', f.tools.auditCached),
    row(`TypeScript parse, all ${f.tools.parseAll.files} files (parse only)`, f.tools.parseAll, f.tools.parseAll.parseMs, f.tools.parseAll.parseCpuMs),
    row(`TypeScript parse, the ${f.tools.parseAudited.files} files the audit parses`, f.tools.parseAudited, f.tools.parseAudited.parseMs, f.tools.parseAudited.parseCpuMs),
    row(`ast-grep scan, one rule (${f.astGrepMatches} matches)`, f.tools.astGrep),
    row(`ESLint + plugin (${f.eslint.files} files, ${f.eslint.pluginMessages} findings)`, f.tools.eslintPlugin),
    row('ESLint, same parser, one empty rule', f.tools.eslintEmptyRule),
    row('outbox-audit init', f.tools.init),
  ];
  const header = ['tool', 'wall (median)', 'CPU', 'peak RSS', 'wall / audit'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `${f.repo}${f.commit ? ` @ ${f.commit.slice(0, 12)}` : ''}: ${f.files} files, ${f.sourceFiles} source files listed, ${f.parsedFiles} parsed by the audit; ` +
      `${f.operations} operations (${f.compliant} compliant), ${f.routerCalls} router DB calls; ${f.cores} cores, median of ${f.runs}`,
    `config: ${JSON.stringify(f.config)}${f.addedPresets.length > 0 ? ` (init wrote no presets: its config replaced by the presets the analysis detects, as the audit does with no config)` : ''}`,
    `ast-grep's rule: $X.$M(...) in the router files, $M one of ${f.astGrepCalls.length} calls: ${f.astGrepCalls.join(', ')}`,
    f.eslint.fatal > 0 ? `ESLint could not parse ${f.eslint.fatal} of its ${f.eslint.files} files (the same on both sides)` : '',
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `audit / ast-grep:            ${f.auditOverAstGrep.toFixed(2)}× (target ≤ ${REPO_TARGETS.auditOverAstGrep}×: ${mark(f.auditOverAstGrep <= REPO_TARGETS.auditOverAstGrep)}); with --cache ${f.auditCachedOverAstGrep.toFixed(2)}×`,
    `audit / TypeScript parse:    ${f.auditOverParseAll.toFixed(2)}× of all files, ${f.auditOverParseAudited.toFixed(2)}× of the files it parses (those are ${f.parseAuditedOverParseAll.toFixed(2)}× of the whole parse)`,
    `plugin / empty rule, wall:   ${f.pluginOverEmptyRuleWall.toFixed(3)}× (target ≤ ${REPO_TARGETS.pluginOverEmptyRuleWall}×: ${mark(f.pluginOverEmptyRuleWall <= REPO_TARGETS.pluginOverEmptyRuleWall)})`,
    `plugin / empty rule, RSS:    ${f.pluginOverEmptyRuleRss.toFixed(3)}× (target ≤ ${REPO_TARGETS.pluginOverEmptyRuleRss}×: ${mark(f.pluginOverEmptyRuleRss <= REPO_TARGETS.pluginOverEmptyRuleRss)})`,
    `init / audit:                ${f.initOverAudit.toFixed(2)}× (target ≤ ${REPO_TARGETS.initOverAudit}×: ${mark(f.initOverAudit <= REPO_TARGETS.initOverAudit)})`,
    `in CPU time:                 audit / ast-grep ${f.cpu.auditOverAstGrep.toFixed(2)}× (ast-grep's threads summed), audit / parse ${f.cpu.auditOverParseAll.toFixed(2)}× of all files and ${f.cpu.auditOverParseAudited.toFixed(2)}× of the files it parses, plugin / empty rule ${f.cpu.pluginOverEmptyRule.toFixed(3)}×, init / audit ${f.cpu.initOverAudit.toFixed(2)}×`,
    '',
    'wall: the whole process, spawn to exit (the parse rows: the parse alone, timed inside its process); CPU: user +',
    "system of the whole process, every thread; peak RSS: the process's (worker threads included; ast-grep's threads",
    "too). ESLint: its CLI with a config file; both sides lint the same files (the plugin's file globs, less the audit's",
    'ignore globs).',
  ]
    .filter((l, i) => l !== '' || i > 2)
    .join('\n');
}
