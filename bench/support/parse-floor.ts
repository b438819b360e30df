/**
 * The parse floor of a tree: TypeScript's createSourceFile over every .ts file, single-threaded, once, in a fresh
 * process like the audit's. Module load and file reading are not timed; the parse is. Prints the milliseconds of the
 * first (cold) and second (warm) pass as JSON.
 *
 * With --audited it parses only the files the audit parses (a router or service that mentions a DB handle, or another
 * file that names something the checklist looks for, by the analysis' own pre-check): no audit can take less than
 * that, whatever else it does, so it is the lower bound to read the audit's ratio against.
 *
 *   node bench/support/parse-floor.ts <dir> [--audited]   (through tsx)
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { isCandidate, resolveSettings } from 'outbox-analysis/core';

const root = process.argv[2]!;
const audited = process.argv.includes('--audited');
const settings = resolveSettings({});
const texts: [string, string][] = [];
const walk = (dir: string): void => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(abs);
    else if (entry.name.endsWith('.ts')) {
      const text = readFileSync(abs, 'utf8');
      if (!audited || isCandidate(path.relative(root, abs).split(path.sep).join('/'), text, settings)) texts.push([abs, text]);
    }
  }
};
walk(root);
const pass = (): number => {
  const started = performance.now();
  for (const [file, text] of texts) ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return performance.now() - started;
};
// The first pass is what a one-shot tool pays (the JIT warms up on it); the second is the warm figure, for reference.
const cold = pass();
const warm = pass();
process.stdout.write(`${JSON.stringify({ coldMs: cold, warmMs: warm, files: texts.length })}\n`);
