/**
 * What the audit finds on a real checkout, for a person to judge: `npm run accuracy -- <dir> [--sample 20] [--seed 1]
 * [--json]`.
 *
 * The checkout is copied (without node_modules and .git) to a temporary folder, `outbox-audit init` writes its config
 * there (the presets it detects; its own summary goes to stderr), and the audit runs with that config. Printed:
 *
 *   - counts: files listed and parsed, router DB calls by call, operations by kind and by missing flag, files by role
 *     (by the analysis for the parsed files, by path for all of them), diagnostics;
 *   - a random sample of N router DB calls and N operations, the same for the same seed and the same tree, each with a
 *     few lines of its source (the call's line; for an operation its declaration and its first write), to be judged
 *     true or false positive by reading the code.
 *
 * It decides nothing itself: every fact is the analysis'; this only counts, samples and shows the code. Source lines
 * are printed with control characters escaped (the code is untrusted).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { classifyFile, resolveSettings, type FileAnalysis } from 'outbox-analysis/core';
import { collectAudit } from '../packages/audit-cli/src/audit.ts';
import { discoverFiles } from '../packages/audit-cli/src/discover.ts';
import { buildReport } from '../packages/audit-cli/src/report.ts';
import { copyTree, initConfig } from './support/tools.js';

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const option = (name: string, fallback: number): number => {
  if (!args.includes(name)) return fallback;
  const value = Number(args[args.indexOf(name) + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`accuracy: ${name} takes a whole number\n`);
    process.exit(2);
  }
  return value;
};
const sampleSize = option('--sample', 20);
const seed = option('--seed', 1);
const optionValues = new Set(['--sample', '--seed'].filter((o) => args.includes(o)).map((o) => args[args.indexOf(o) + 1]));
const dir = args.find((a) => !a.startsWith('--') && !optionValues.has(a));
if (!dir) {
  process.stderr.write('usage: npm run accuracy -- <dir> [--sample 20] [--seed 1] [--json]\n');
  process.exit(2);
}

/** mulberry32, as bench/generate.ts: the same seed gives the same sample. */
function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n items drawn without replacement (a partial Fisher-Yates shuffle), in the order drawn. */
function sample<T>(items: T[], n: number, random: () => number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) {
    const i = Math.floor(random() * pool.length);
    out.push(pool[i]!);
    pool[i] = pool[pool.length - 1]!;
    pool.pop();
  }
  return out;
}

/** Control characters (ANSI escapes, carriage returns, bidi overrides) shown as escapes, never sent to a terminal. */
const printable = (s: string): string =>
  s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

interface ContextLine {
  line: number;
  text: string;
  /** The line the finding points at. */
  at: boolean;
}

const sources = new Map<string, string[]>();
function context(root: string, file: string, from: number, to: number, at: number[]): ContextLine[] {
  let lines = sources.get(file);
  if (!lines) {
    lines = readFileSync(path.join(root, file), 'utf8').split(/\r?\n/);
    sources.set(file, lines);
  }
  const out: ContextLine[] = [];
  for (let line = Math.max(1, from); line <= Math.min(lines.length, to); line++) {
    out.push({ line, text: lines[line - 1]!.slice(0, 200), at: at.includes(line) });
  }
  return out;
}

interface SampledCall {
  file: string;
  line: number;
  column: number;
  call: string;
  handle: string;
  route?: string;
  context: ContextLine[];
}

interface SampledOperation {
  file: string;
  line: number;
  kind: 'service' | 'router';
  name: string;
  compliant: boolean;
  missing: string[];
  firstWriteLine: number;
  context: ContextLine[];
}

const work = mkdtempSync(path.join(tmpdir(), 'outbox-accuracy-'));
try {
  const source = path.resolve(dir);
  const tree = path.join(work, 'tree');
  copyTree(source, tree);
  const { file: configFile, config, addedPresets, init } = await initConfig(tree, path.join(work, 'baseline.json'));
  if (!asJson) process.stderr.write(printable(init.stdout.replaceAll(tree, path.basename(source))));
  if (addedPresets.length > 0) process.stderr.write(`init wrote no presets; its config is replaced by the presets the analysis detects (as the audit does with no config): ${addedPresets.join(', ')}\n\n`);
  const settings = resolveSettings(config);

  const { input } = await collectAudit({ root: tree, configFile });
  const report = buildReport(input);
  const analyses: FileAnalysis[] = input.analyses;
  const { files } = await discoverFiles(tree, settings.ignore);

  const byPath = { router: 0, service: 0, other: 0 };
  for (const f of files) byPath[classifyFile(f.relative, settings).role]++;
  const parsedByRole = { router: 0, service: 0, other: 0 };
  for (const a of analyses) parsedByRole[a.role]++;
  const calls = analyses.flatMap((a) => a.routerDbCalls.filter((c) => !c.strictOnly).map((c) => ({ ...c, file: a.file })));
  const callsBy: Record<string, number> = {};
  for (const c of calls) callsBy[c.call] = (callsBy[c.call] ?? 0) + 1;
  const operations = analyses.flatMap((a) => a.operations);
  const missingBy: Record<string, number> = {};
  for (const op of operations) for (const m of op.missing) missingBy[m.flag] = (missingBy[m.flag] ?? 0) + 1;

  const counts = {
    files: report.summary.filesScanned,
    parsed: report.summary.filesParsed,
    filesByRoleByPath: byPath,
    parsedFilesByRole: parsedByRole,
    routerFilesWithCalls: new Set(calls.map((c) => c.file)).size,
    routerDbCalls: calls.length,
    routerDbCallsByCall: callsBy,
    routerDbCallsInRoutes: calls.filter((c) => c.route !== undefined).length,
    operations: operations.length,
    operationsByKind: { service: operations.filter((o) => o.kind === 'service').length, router: operations.filter((o) => o.kind === 'router').length },
    compliant: report.summary.compliant,
    missingByFlag: missingBy,
    serviceFilesWithOperations: new Set(operations.filter((o) => o.kind === 'service').map((o) => o.file)).size,
    diagnostics: report.diagnostics.length,
    checklist: `${report.summary.checklistPassed}/${report.summary.checklistTotal}`,
  };

  const random = prng(seed);
  const sampledCalls: SampledCall[] = sample(calls, sampleSize, random).map((c) => ({
    file: c.file,
    line: c.line,
    column: c.column,
    call: c.call,
    handle: c.handle,
    ...(c.route ? { route: c.route } : {}),
    context: context(tree, c.file, c.line - 2, c.line + 2, [c.line]),
  }));
  const sampledOperations: SampledOperation[] = sample(operations, sampleSize, random).map((op) => {
    const write = op.firstWrite.line;
    const declaration = context(tree, op.file, op.line - 1, op.line + 2, [op.line, write]);
    const near = write > op.line + 2 && write <= op.line + 6;
    const rest = near ? context(tree, op.file, op.line + 3, write + 1, [write]) : context(tree, op.file, write - 1, write + 1, [write]);
    return {
      file: op.file,
      line: op.line,
      kind: op.kind,
      name: op.className ? `${op.className}.${op.method}` : op.method,
      compliant: op.compliant,
      missing: op.missing.map((m) => `${m.flag}: ${m.reason}`),
      firstWriteLine: write,
      context: write >= op.line && write <= op.line + 2 ? declaration : [...declaration, ...(near ? [] : [{ line: 0, text: '…', at: false }]), ...rest],
    };
  });

  if (asJson) {
    process.stdout.write(
      `${JSON.stringify({ repo: path.basename(source), config, addedPresets, seed, sampleSize, counts, diagnostics: report.diagnostics, routerDbCalls: sampledCalls, operations: sampledOperations }, null, 2)}\n`,
    );
  } else {
    const show = (lines: ContextLine[]) =>
      lines.map((l) => (l.line === 0 ? '        …' : `  ${l.at ? '>' : ' '}${String(l.line).padStart(5)} | ${printable(l.text)}`)).join('\n');
    const out: string[] = [
      `${path.basename(source)}: config ${printable(JSON.stringify(config))}`,
      '',
      `files listed ${counts.files}, parsed ${counts.parsed}; by path: ${byPath.router} router, ${byPath.service} service, ${byPath.other} other; ` +
        `parsed by role: ${parsedByRole.router} router, ${parsedByRole.service} service, ${parsedByRole.other} other`,
      `router DB calls ${counts.routerDbCalls} in ${counts.routerFilesWithCalls} file(s) (${counts.routerDbCallsInRoutes} inside a route handler): ${printable(JSON.stringify(callsBy))}`,
      `operations ${counts.operations} (service ${counts.operationsByKind.service} in ${counts.serviceFilesWithOperations} file(s), router ${counts.operationsByKind.router}), ` +
        `${counts.compliant} compliant; missing by flag ${JSON.stringify(missingBy)}`,
      `diagnostics ${counts.diagnostics}${report.diagnostics.length > 0 ? `, e.g. ${report.diagnostics.slice(0, 3).map((d) => printable(`${d.file}: ${d.message}`)).join('; ')}` : ''}; checklist ${counts.checklist}`,
      '',
      `sample of ${sampledCalls.length} router DB call(s) of ${calls.length} (seed ${seed}):`,
      ...sampledCalls.flatMap((c, i) => [
        '',
        `[C${i + 1}] ${printable(c.file)}:${c.line}:${c.column}  ${printable(c.handle)}.${printable(c.call)}(…)${c.route ? `  in ${printable(c.route)}` : '  (outside a route handler)'}`,
        show(c.context),
      ]),
      '',
      `sample of ${sampledOperations.length} operation(s) of ${operations.length} (seed ${seed}):`,
      ...sampledOperations.flatMap((o, i) => [
        '',
        `[O${i + 1}] ${printable(o.file)}:${o.line}  ${o.kind} ${printable(o.name)}  ${o.compliant ? 'compliant' : `missing ${o.missing.join(', ')}`}; first write line ${o.firstWriteLine}`,
        show(o.context),
      ]),
      '',
    ];
    process.stdout.write(out.join('\n'));
  }
} catch (error) {
  process.stderr.write(`\naccuracy FAILED: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
