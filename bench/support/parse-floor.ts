/**
 * The parse floor of a tree: TypeScript's createSourceFile over every .ts file, single-threaded, once, in a fresh
 * process like the audit's. Module load and file reading are not timed; the parse is. Prints the milliseconds of the
 * first (cold) and second (warm) pass as JSON.
 *
 *   node bench/support/parse-floor.ts <dir>   (through tsx)
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = process.argv[2]!;
const texts: [string, string][] = [];
const walk = (dir: string): void => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(abs);
    else if (entry.name.endsWith('.ts')) texts.push([abs, readFileSync(abs, 'utf8')]);
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
