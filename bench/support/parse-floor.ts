/**
 * The parse floor of a tree: TypeScript's createSourceFile over every source file the audit lists (its own
 * discovery: the same extensions and ignore globs), single-threaded, once, in a fresh process like the audit's.
 * Module load and file reading are not timed; the parse is. Prints the milliseconds of the first (cold) and second
 * (warm) pass, the CPU milliseconds of the first (for a busy machine), and the number of files, as JSON.
 *
 * With --audited it parses only the files the audit parses (by the analysis' own pre-check, `isCandidate`): no audit
 * can take less than that, whatever else it does, so it is the lower bound to read the audit's ratio against.
 * With --config <file> the settings come from that outbox.config.json (the ignore globs, the roles, the handles).
 *
 *   node --import tsx bench/support/parse-floor.ts <dir> [--audited] [--config <file>]
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { isCandidate, readConfigFile, resolveSettings, type PartialSettings } from 'outbox-analysis/core';
import { discoverFiles } from '../../packages/audit-cli/src/discover.ts';

const args = process.argv.slice(2);
const root = args[0]!;
const audited = args.includes('--audited');
const configFile = args.includes('--config') ? args[args.indexOf('--config') + 1] : undefined;
const settings = resolveSettings(configFile ? (readConfigFile(configFile) as PartialSettings) : {});

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

const texts: [string, string, ts.ScriptKind][] = [];
for (const file of (await discoverFiles(root, settings.ignore)).files) {
  let text: string;
  try {
    text = readFileSync(file.absolute, 'utf8');
  } catch {
    continue; // the audit reports an unreadable file as a diagnostic; the floor just has one file fewer
  }
  if (!audited || isCandidate(file.relative, text, settings)) texts.push([file.absolute, text, scriptKind(file.absolute)]);
}
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const pass = (): { ms: number; cpuMs: number } => {
  const started = performance.now();
  const cpuStarted = cpuMs();
  for (const [file, text, kind] of texts) ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
  return { ms: performance.now() - started, cpuMs: cpuMs() - cpuStarted };
};
// The first pass is what a one-shot tool pays (the JIT warms up on it); the second is the warm figure, for reference.
const cold = pass();
const warm = pass();
process.stdout.write(`${JSON.stringify({ coldMs: cold.ms, coldCpuMs: cold.cpuMs, warmMs: warm.ms, files: texts.length })}\n`);
