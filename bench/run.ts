/**
 * Benchmarks at scale: one run, one table. For each size it generates a dense and a sparse backend
 * (bench/generate.ts), then measures side by side
 *
 *   - the audit: the built CLI in a child process, wall time and peak RSS (worker threads included), its counts
 *     checked against the generator's expected counts on every run; on the dense tree also with --workers (this
 *     thread and one worker per further core, at least one);
 *   - the parse floor: TypeScript's createSourceFile over every .ts file of the same tree, single-threaded;
 *   - ESLint with the plugin's `recommended` config against ESLint with the same parser and no rules (dense tree);
 *   - the codemods: `outbox-codemod all --write` on a copy of the dense tree, wall time and peak RSS.
 *
 *   npm run bench [-- --quick] [-- --json] [-- --sizes 500,2000]
 *   npm run bench -- --repo <dir> [--runs 3] [--json]
 *
 * --quick: 500 files only (about a minute on 2 cores). --json: the same figures as one JSON object on stdout.
 * --repo: a real checkout instead of generated trees, against ast-grep, ESLint and TypeScript's parse (bench/repo.ts).
 * A benchmark, not a test: targets are printed as met or missed, and only a wrong audit count fails the run.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ESLint, type Linter } from 'eslint';
import { generateBackend, type ExpectedCounts, type Layout } from './generate.js';
import { benchRepo, printRepo } from './repo.js';
import { median, runNode, type ChildRun } from './support/child.js';
import { eslintArgs, writeEslintConfigs } from './support/tools.js';
import { resolveSettings } from 'outbox-analysis/core';

const repo = fileURLToPath(new URL('..', import.meta.url));
const AUDIT_CLI = path.join(repo, 'packages/audit-cli/dist/cli.js');
const CODEMOD_CLI = path.join(repo, 'packages/codemods/dist/cli.js');
const PARSE_FLOOR = path.join(repo, 'bench/support/parse-floor.ts');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const asJson = args.includes('--json');
const sizesArg = args[args.indexOf('--sizes') + 1];
const sizes = args.includes('--sizes') && sizesArg ? sizesArg.split(',').map(Number) : quick ? [500] : [500, 2000, 5000];
/** Timing noise on a shared machine only ever adds time: each timed step runs this often and keeps its fastest. */
const repeats = quick ? 2 : 3;

/** --workers for the audit's parallel run: one thread per core, and at least two so a worker always starts. */
const WORKERS = Math.max(2, availableParallelism());

/**
 * The targets of the issue on performance on real repositories (#18): it relaxed the dense tree's audit to 2× the
 * parse floor, and judges the plugin against ESLint with one empty rule (each in a process of its own), wall and peak
 * RSS alike; the sparse tree's target is the earlier round's.
 */
const TARGETS = { auditOverParseFloorDense: 2.0, auditOverParseFloorSparse: 0.3, pluginOverEmptyRuleWall: 1.1, pluginOverEmptyRuleRss: 1.1, auditPeakRssMb: 400, codemodPeakRssMb: 400 };

const log = (line: string) => process.stderr.write(`${line}\n`);

function fastest<T extends { ms: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

interface AuditCounts {
  operations: number;
  compliant: number;
  routerCommits: number;
  routerExecutes: number;
}

/** The audit must find exactly what the generator wrote; anything else is a bug, and the benchmark stops on it. */
function checkCounts(layout: Layout, files: number, report: { summary: { operations: number; compliant: number; routerDbCommit: number; routerDbExecute: number } }, expected: ExpectedCounts): AuditCounts {
  const got: AuditCounts = {
    operations: report.summary.operations,
    compliant: report.summary.compliant,
    routerCommits: report.summary.routerDbCommit,
    routerExecutes: report.summary.routerDbExecute,
  };
  const wrong = (Object.keys(got) as (keyof AuditCounts)[]).filter((k) => got[k] !== expected[k]);
  if (wrong.length > 0) {
    throw new Error(
      `audit counts differ from the generator's on the ${layout} tree of ${files} files: ` +
        wrong.map((k) => `${k} ${got[k]} (expected ${expected[k]})`).join(', '),
    );
  }
  return got;
}

/**
 * The audit from scratch, or with `cacheFile` the audit of an unchanged tree with --cache (a first, untimed run fills
 * the cache; the timed runs reuse it): what an editor save or a CI run with a restored cache pays.
 */
async function measureAudit(root: string, layout: Layout, files: number, expected: ExpectedCounts, cacheFile?: string, workers?: number): Promise<ChildRun> {
  const runs: ChildRun[] = [];
  const cache = [...(cacheFile ? ['--cache-location', cacheFile] : []), ...(workers ? ['--workers', String(workers)] : [])];
  if (cacheFile) {
    const prime = await runNode([AUDIT_CLI, root, '--format', 'json', '--report-only', ...cache]);
    if (prime.code !== 0) throw new Error(`outbox-audit --cache exited ${prime.code} on ${root}:\n${prime.stderr}`);
  }
  for (let i = 0; i < repeats; i++) {
    const run = await runNode([AUDIT_CLI, root, '--format', 'json', '--report-only', ...cache]);
    if (run.code !== 0) throw new Error(`outbox-audit exited ${run.code} on ${root}:\n${run.stderr}`);
    checkCounts(layout, files, JSON.parse(run.stdout), expected);
    runs.push(run);
  }
  return fastest(runs);
}

/** The parse floor of a tree; with `audited`, of the files the audit parses only (the least any audit can take). */
async function measureParseFloor(root: string, audited = false): Promise<{ coldMs: number; warmMs: number }> {
  const runs: { ms: number; warmMs: number }[] = [];
  for (let i = 0; i < repeats; i++) {
    const run = await runNode(['--import', 'tsx', PARSE_FLOOR, root, ...(audited ? ['--audited'] : [])]);
    if (run.code !== 0) throw new Error(`parse floor failed on ${root}:\n${run.stderr}`);
    const figures = JSON.parse(run.stdout) as { coldMs: number; warmMs: number };
    runs.push({ ms: figures.coldMs, warmMs: figures.warmMs });
  }
  const best = fastest(runs);
  return { coldMs: best.ms, warmMs: Math.min(...runs.map((r) => r.warmMs)) };
}

// ESLint runs in this process; each run starts from a collected heap so none pays for the previous one's garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function lintOnce(root: string, config: Linter.Config): Promise<number> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [config], cache: false });
  collectGarbage();
  const started = performance.now();
  const results = await eslint.lintFiles(['.']);
  const ms = performance.now() - started;
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal));
  if (fatal.length > 0) throw new Error(`ESLint could not parse the generated tree: ${fatal[0]!.message}`);
  return ms;
}

/**
 * ESLint three ways on the same tree: the parser and no rules (the baseline), the parser and one rule that
 * does nothing on `Program` (what any rule at all costs: with a rule on, ESLint traverses every AST), and the plugin's
 * `recommended`.
 */
async function measureEslint(root: string): Promise<{ bareMs: number; emptyRuleMs: number; recommendedMs: number }> {
  const tsParser = await import('@typescript-eslint/parser');
  const plugin = (await import(pathToFileURL(path.join(repo, 'packages/eslint-plugin-outbox/dist/index.js')).href)) as {
    configs: { recommended: Linter.Config };
  };
  const files = ['**/*.ts'];
  const bare: Linter.Config = { files, languageOptions: { parser: tsParser as unknown as Linter.Parser, sourceType: 'module' } };
  const empty: Linter.Config = {
    ...bare,
    plugins: { bench: { rules: { empty: { meta: { type: 'problem', schema: [] }, create: () => ({ Program() {} }) } } } },
    rules: { 'bench/empty': 'error' },
  };
  const recommended: Linter.Config = { ...plugin.configs.recommended, files };
  const configs = { bare, empty, recommended };
  const times = { bare: [] as number[], empty: [] as number[], recommended: [] as number[] };
  // Rotate the order so no side always runs on a warmer (or busier) machine; the first round warms up all three.
  const names = ['bare', 'empty', 'recommended'] as const;
  for (let round = 0; round <= repeats; round++) {
    for (let i = 0; i < names.length; i++) {
      const which = names[(i + round) % names.length]!;
      const ms = await lintOnce(root, configs[which]);
      if (round > 0) times[which].push(ms);
    }
  }
  return { bareMs: Math.min(...times.bare), emptyRuleMs: Math.min(...times.empty), recommendedMs: Math.min(...times.recommended) };
}

/**
 * ESLint's CLI in a child process, the plugin's `recommended` against the same parser with one empty rule, for what
 * the in-process timing above cannot give: each side's peak memory (the whole process, as a user's CI pays it).
 */
async function measureEslintProcesses(root: string, work: string): Promise<{ pluginMs: number; emptyRuleMs: number; pluginRssMb: number; emptyRuleRssMb: number }> {
  const dir = path.join(work, `eslint-${path.basename(root)}`);
  mkdirSync(dir, { recursive: true });
  const configs = await writeEslintConfigs(dir, resolveSettings(), undefined);
  const runs = { plugin: [] as ChildRun[], emptyRule: [] as ChildRun[] };
  for (let round = 0; round < repeats; round++) {
    for (const which of round % 2 === 0 ? (['plugin', 'emptyRule'] as const) : (['emptyRule', 'plugin'] as const)) {
      const run = await runNode(eslintArgs(configs[which], path.join(dir, `${which}.json`)), { cwd: root });
      if (run.code !== 0 && run.code !== 1) throw new Error(`eslint (${which}) exited ${run.code}:\n${run.stderr.slice(-2000)}`);
      runs[which].push(run);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    pluginMs: median(runs.plugin.map((r) => r.ms)),
    emptyRuleMs: median(runs.emptyRule.map((r) => r.ms)),
    pluginRssMb: median(runs.plugin.map((r) => r.peakRssMb)),
    emptyRuleRssMb: median(runs.emptyRule.map((r) => r.peakRssMb)),
  };
}

async function measureCodemod(root: string, work: string): Promise<ChildRun | undefined> {
  if (!existsSync(CODEMOD_CLI)) return undefined;
  const copy = path.join(work, `codemod-${path.basename(root)}`);
  rmSync(copy, { recursive: true, force: true });
  cpSync(root, copy, { recursive: true });
  // Exit 2 only says some operations need a hand (listed on stderr); the run itself is what is timed.
  const run = await runNode([CODEMOD_CLI, 'all', copy, '--write', '--force']);
  rmSync(copy, { recursive: true, force: true });
  if (run.code !== 0 && run.code !== 2) throw new Error(`outbox-codemod all exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  return run;
}

interface SizeFigures {
  files: number;
  denseMiB: number;
  sparseMiB: number;
  operations: number;
  parseFloorDenseMs: number;
  parseFloorDenseWarmMs: number;
  auditDenseMs: number;
  auditDensePeakRssMb: number;
  auditWorkersDenseMs: number;
  auditWorkersDensePeakRssMb: number;
  parseFloorSparseMs: number;
  parseFloorSparseWarmMs: number;
  auditSparseMs: number;
  auditSparsePeakRssMb: number;
  auditOverParseFloorDense: number;
  auditOverParseFloorSparse: number;
  parseAuditedDenseMs: number;
  parseAuditedSparseMs: number;
  auditedParseOverFloorDense: number;
  auditedParseOverFloorSparse: number;
  auditCachedDenseMs: number;
  auditCachedSparseMs: number;
  auditCachedOverParseFloorDense: number;
  auditCachedOverParseFloorSparse: number;
  eslintBareMs: number;
  eslintRecommendedMs: number;
  eslintEmptyRuleMs: number;
  pluginOverBareEslint: number;
  pluginOverEmptyRule: number;
  eslintPluginProcessMs: number;
  eslintEmptyRuleProcessMs: number;
  eslintPluginPeakRssMb: number;
  eslintEmptyRulePeakRssMb: number;
  pluginOverEmptyRuleProcessWall: number;
  pluginOverEmptyRuleRss: number;
  codemodMs: number | null;
  codemodPeakRssMb: number | null;
  codemodMsPerOperation: number | null;
  auditPeakRssMb: number;
}

async function measureSize(files: number, work: string): Promise<SizeFigures> {
  const trees = {} as Record<Layout, { root: string; expected: ExpectedCounts }>;
  for (const layout of ['dense', 'sparse'] as const) {
    const root = path.join(work, `${layout}-${files}`);
    trees[layout] = { root, expected: generateBackend(root, { files, layout, violations: 0.5, seed: files }) };
  }
  const dense = trees.dense;
  const sparse = trees.sparse;
  log(`${files} files: dense ${(dense.expected.bytes / 1048576).toFixed(1)} MiB, ${dense.expected.operations} operations; sparse ${(sparse.expected.bytes / 1048576).toFixed(1)} MiB`);
  const floorDense = await measureParseFloor(dense.root);
  const mustParseDense = await measureParseFloor(dense.root, true);
  const auditDense = await measureAudit(dense.root, 'dense', files, dense.expected);
  const cachedDense = await measureAudit(dense.root, 'dense', files, dense.expected, path.join(work, `cache-dense-${files}`));
  const workersDense = await measureAudit(dense.root, 'dense', files, dense.expected, undefined, WORKERS);
  log(`  audit dense ${auditDense.ms.toFixed(0)} ms, with --workers ${WORKERS} ${workersDense.ms.toFixed(0)} ms, with --cache ${cachedDense.ms.toFixed(0)} ms (floor ${floorDense.coldMs.toFixed(0)} ms, files it parses ${mustParseDense.coldMs.toFixed(0)} ms), counts as generated`);
  const floorSparse = await measureParseFloor(sparse.root);
  const mustParseSparse = await measureParseFloor(sparse.root, true);
  const auditSparse = await measureAudit(sparse.root, 'sparse', files, sparse.expected);
  const cachedSparse = await measureAudit(sparse.root, 'sparse', files, sparse.expected, path.join(work, `cache-sparse-${files}`));
  log(`  audit sparse ${auditSparse.ms.toFixed(0)} ms, with --cache ${cachedSparse.ms.toFixed(0)} ms (floor ${floorSparse.coldMs.toFixed(0)} ms, files it parses ${mustParseSparse.coldMs.toFixed(0)} ms), counts as generated`);
  const eslint = await measureEslint(dense.root);
  log(`  eslint bare ${eslint.bareMs.toFixed(0)} ms, one empty rule ${eslint.emptyRuleMs.toFixed(0)} ms, recommended ${eslint.recommendedMs.toFixed(0)} ms`);
  const eslintProcesses = await measureEslintProcesses(dense.root, work);
  log(
    `  eslint CLI: plugin ${eslintProcesses.pluginMs.toFixed(0)} ms ${eslintProcesses.pluginRssMb.toFixed(0)} MB, ` +
      `one empty rule ${eslintProcesses.emptyRuleMs.toFixed(0)} ms ${eslintProcesses.emptyRuleRssMb.toFixed(0)} MB`,
  );
  const codemod = await measureCodemod(dense.root, work);
  log(codemod ? `  codemod ${codemod.ms.toFixed(0)} ms` : '  codemod n/a (codemods not built)');
  for (const t of [dense, sparse]) {
    rmSync(t.root, { recursive: true, force: true });
    rmSync(`${t.root}.expected.json`, { force: true });
  }
  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    files,
    denseMiB: round(dense.expected.bytes / 1048576, 1),
    sparseMiB: round(sparse.expected.bytes / 1048576, 1),
    operations: dense.expected.operations,
    parseFloorDenseMs: round(floorDense.coldMs, 0),
    parseFloorDenseWarmMs: round(floorDense.warmMs, 0),
    auditDenseMs: round(auditDense.ms, 0),
    auditDensePeakRssMb: round(auditDense.peakRssMb, 0),
    auditWorkersDenseMs: round(workersDense.ms, 0),
    auditWorkersDensePeakRssMb: round(workersDense.peakRssMb, 0),
    parseFloorSparseMs: round(floorSparse.coldMs, 0),
    parseFloorSparseWarmMs: round(floorSparse.warmMs, 0),
    auditSparseMs: round(auditSparse.ms, 0),
    auditSparsePeakRssMb: round(auditSparse.peakRssMb, 0),
    auditOverParseFloorDense: round(auditDense.ms / floorDense.coldMs),
    auditOverParseFloorSparse: round(auditSparse.ms / floorSparse.coldMs),
    parseAuditedDenseMs: round(mustParseDense.coldMs, 0),
    parseAuditedSparseMs: round(mustParseSparse.coldMs, 0),
    auditedParseOverFloorDense: round(mustParseDense.coldMs / floorDense.coldMs),
    auditedParseOverFloorSparse: round(mustParseSparse.coldMs / floorSparse.coldMs),
    auditCachedDenseMs: round(cachedDense.ms, 0),
    auditCachedSparseMs: round(cachedSparse.ms, 0),
    auditCachedOverParseFloorDense: round(cachedDense.ms / floorDense.coldMs),
    auditCachedOverParseFloorSparse: round(cachedSparse.ms / floorSparse.coldMs),
    eslintBareMs: round(eslint.bareMs, 0),
    eslintRecommendedMs: round(eslint.recommendedMs, 0),
    eslintEmptyRuleMs: round(eslint.emptyRuleMs, 0),
    pluginOverBareEslint: round(eslint.recommendedMs / eslint.bareMs, 3),
    pluginOverEmptyRule: round(eslint.recommendedMs / eslint.emptyRuleMs, 3),
    eslintPluginProcessMs: round(eslintProcesses.pluginMs, 0),
    eslintEmptyRuleProcessMs: round(eslintProcesses.emptyRuleMs, 0),
    eslintPluginPeakRssMb: round(eslintProcesses.pluginRssMb, 0),
    eslintEmptyRulePeakRssMb: round(eslintProcesses.emptyRuleRssMb, 0),
    pluginOverEmptyRuleProcessWall: round(eslintProcesses.pluginMs / eslintProcesses.emptyRuleMs, 3),
    pluginOverEmptyRuleRss: round(eslintProcesses.pluginRssMb / eslintProcesses.emptyRuleRssMb, 3),
    codemodMs: codemod ? round(codemod.ms, 0) : null,
    codemodPeakRssMb: codemod ? round(codemod.peakRssMb, 0) : null,
    codemodMsPerOperation: codemod ? round(codemod.ms / dense.expected.operations) : null,
    auditPeakRssMb: round(Math.max(auditDense.peakRssMb, auditSparse.peakRssMb), 0),
  };
}

function table(rows: SizeFigures[]): string {
  const columns: [string, (r: SizeFigures) => string][] = [
    ['files', (r) => String(r.files)],
    ['ops', (r) => String(r.operations)],
    ['dense MiB', (r) => r.denseMiB.toFixed(1)],
    ['floor dense', (r) => `${r.parseFloorDenseMs} ms`],
    ['audit dense', (r) => `${r.auditDenseMs} ms`],
    [`--workers ${WORKERS}`, (r) => `${r.auditWorkersDenseMs} ms, ${r.auditWorkersDensePeakRssMb} MB`],
    ['audit/floor', (r) => `${r.auditOverParseFloorDense.toFixed(2)}×`],
    ['its parse', (r) => `${r.auditedParseOverFloorDense.toFixed(2)}×`],
    ['cached', (r) => `${r.auditCachedOverParseFloorDense.toFixed(2)}×`],
    ['floor sparse', (r) => `${r.parseFloorSparseMs} ms`],
    ['audit sparse', (r) => `${r.auditSparseMs} ms`],
    ['audit/floor', (r) => `${r.auditOverParseFloorSparse.toFixed(2)}×`],
    ['its parse', (r) => `${r.auditedParseOverFloorSparse.toFixed(2)}×`],
    ['cached', (r) => `${r.auditCachedOverParseFloorSparse.toFixed(2)}×`],
    ['audit RSS', (r) => `${r.auditPeakRssMb} MB`],
    ['eslint bare', (r) => `${r.eslintBareMs} ms`],
    ['eslint rec.', (r) => `${r.eslintRecommendedMs} ms`],
    ['plugin/bare', (r) => `${r.pluginOverBareEslint.toFixed(3)}×`],
    ['plugin/empty rule', (r) => `${r.pluginOverEmptyRule.toFixed(3)}×`],
    ['RSS plugin/empty', (r) => `${r.pluginOverEmptyRuleRss.toFixed(3)}× (${r.eslintPluginPeakRssMb}/${r.eslintEmptyRulePeakRssMb} MB)`],
    ['codemod', (r) => (r.codemodMs === null ? 'n/a (codemods not built)' : `${r.codemodMs} ms, ${r.codemodPeakRssMb} MB`)],
    ['codemod ms/op', (r) => (r.codemodMsPerOperation === null ? 'n/a' : r.codemodMsPerOperation.toFixed(2))],
  ];
  const cells = [columns.map(([h]) => h), ...rows.map((r) => columns.map(([, f]) => f(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function verdicts(largest: SizeFigures, rows: SizeFigures[]): string[] {
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const perOp = rows.map((r) => r.codemodMsPerOperation).filter((v): v is number => v !== null);
  return [
    `audit / parse floor, dense:  ${largest.auditOverParseFloorDense.toFixed(2)}× (target ≤ ${TARGETS.auditOverParseFloorDense}×: ${mark(largest.auditOverParseFloorDense <= TARGETS.auditOverParseFloorDense)})`,
    `audit / parse floor, sparse: ${largest.auditOverParseFloorSparse.toFixed(2)}× (target ≤ ${TARGETS.auditOverParseFloorSparse}×: ${mark(largest.auditOverParseFloorSparse <= TARGETS.auditOverParseFloorSparse)})`,
    `  the files the audit parses take, to parse alone: dense ${largest.auditedParseOverFloorDense.toFixed(2)}×, sparse ${largest.auditedParseOverFloorSparse.toFixed(2)}× the floor (no audit that parses them can take less)`,
    `  the same with --cache, tree unchanged: dense ${largest.auditCachedOverParseFloorDense.toFixed(2)}× (${mark(largest.auditCachedOverParseFloorDense <= TARGETS.auditOverParseFloorDense)}), sparse ${largest.auditCachedOverParseFloorSparse.toFixed(2)}× (${mark(largest.auditCachedOverParseFloorSparse <= TARGETS.auditOverParseFloorSparse)}); the targets are judged on the runs without it`,
    `plugin / one empty rule:     ESLint's CLI in a process of its own, ${largest.pluginOverEmptyRuleProcessWall.toFixed(3)}× the wall time (target ≤ ${TARGETS.pluginOverEmptyRuleWall}×: ${mark(largest.pluginOverEmptyRuleProcessWall <= TARGETS.pluginOverEmptyRuleWall)}), ${largest.pluginOverEmptyRuleRss.toFixed(3)}× the peak RSS (target ≤ ${TARGETS.pluginOverEmptyRuleRss}×: ${mark(largest.pluginOverEmptyRuleRss <= TARGETS.pluginOverEmptyRuleRss)})`,
    `  in this process: the plugin over one empty rule ${largest.pluginOverEmptyRule.toFixed(3)}×, over bare ESLint ${largest.pluginOverBareEslint.toFixed(3)}× (one empty rule alone costs ${(largest.eslintEmptyRuleMs / largest.eslintBareMs).toFixed(3)}×: ESLint only walks the ASTs when a rule is on)`,
    `audit peak RSS:              ${largest.auditPeakRssMb} MB at ${largest.files} files (target < ${TARGETS.auditPeakRssMb} MB at 5,000 files: ${largest.files >= 5000 ? mark(largest.auditPeakRssMb < TARGETS.auditPeakRssMb) : 'not measured at that size'})`,
    perOp.length > 0
      ? `codemod ms per operation:    ${perOp.map((v) => v.toFixed(2)).join(' → ')} (target: flat; spread ${(Math.max(...perOp) / Math.min(...perOp)).toFixed(2)}×)`
      : 'codemod ms per operation:    n/a (codemods not built: run npm run build once packages/codemods compiles)',
    largest.codemodPeakRssMb === null
      ? 'codemod peak RSS:            n/a'
      : `codemod peak RSS:            ${largest.codemodPeakRssMb} MB at ${largest.files} files (target ≤ ${TARGETS.codemodPeakRssMb} MB at 5,000 files: ${largest.files >= 5000 ? mark(largest.codemodPeakRssMb <= TARGETS.codemodPeakRssMb) : 'not measured at that size'})`,
  ];
}

async function benchGenerated(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'outbox-bench-'));
  try {
    log(`outbox bench: sizes ${sizes.join(', ')}; ${availableParallelism()} cores; Node ${process.version}; best of ${repeats}`);
    const rows: SizeFigures[] = [];
    for (const files of sizes) rows.push(await measureSize(files, work));
    const largest = rows.at(-1)!;
    if (asJson) {
      process.stdout.write(
        JSON.stringify(
          {
            auditOverParseFloorDense: largest.auditOverParseFloorDense,
            auditOverParseFloorSparse: largest.auditOverParseFloorSparse,
            auditCachedOverParseFloorDense: largest.auditCachedOverParseFloorDense,
            auditCachedOverParseFloorSparse: largest.auditCachedOverParseFloorSparse,
            auditedParseOverFloorDense: largest.auditedParseOverFloorDense,
            auditedParseOverFloorSparse: largest.auditedParseOverFloorSparse,
            pluginOverBareEslint: largest.pluginOverBareEslint,
            pluginOverEmptyRule: largest.pluginOverEmptyRule,
            pluginOverEmptyRuleWall: largest.pluginOverEmptyRuleProcessWall,
            pluginOverEmptyRuleRss: largest.pluginOverEmptyRuleRss,
            codemodMsPerOperation: largest.codemodMsPerOperation,
            codemodPeakRssMb: largest.codemodPeakRssMb,
            auditPeakRssMb: largest.auditPeakRssMb,
            files: largest.files,
            cores: availableParallelism(),
            bySize: rows,
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      process.stdout.write(`\n${table(rows)}\n\n${verdicts(largest, rows).join('\n')}\n`);
      process.stdout.write(
        '\nfloor: createSourceFile over every .ts file, one pass in a fresh process (module load and reads not timed);\n' +
          "its parse: the same floor over only the files the audit parses (the analysis' own pre-check), as a share of the floor;\n" +
          'audit: the built CLI, --format json, wall time from spawn to exit; best of several runs;\n' +
          `--workers ${WORKERS}: the same on the dense tree with that many analysis threads (peak RSS of all of them);\n` +
          'cached: the same with --cache on an unchanged tree (the cache filled by an untimed run first).\n',
      );
    }
  } catch (error) {
    process.stderr.write(`\nbench FAILED: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const repoDir = args.includes('--repo') ? args[args.indexOf('--repo') + 1] : undefined;
if (args.includes('--repo')) {
  const runsArg = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 3;
  if (!repoDir || repoDir.startsWith('--') || !Number.isInteger(runsArg) || runsArg < 1) {
    process.stderr.write('bench: --repo takes the folder of a checkout (npm run bench -- --repo <dir> [--runs 3] [--json])\n');
    process.exitCode = 2;
  } else {
    try {
      const figures = await benchRepo(repoDir, { runs: runsArg });
      process.stdout.write(asJson ? `${JSON.stringify(figures, null, 2)}\n` : `\n${printRepo(figures)}\n`);
    } catch (error) {
      process.stderr.write(`\nbench FAILED: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  }
} else {
  await benchGenerated();
}
