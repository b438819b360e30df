import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * What a lint run loads for the plugin: every module is kept, compiled, for the whole run, in every ESLint process and
 * editor. The plugin reaches the analysis through `outbox-analysis/lint`, which leaves out what only whole-tree tools
 * run (the checklist runner with its YAML parser, preset detection with picomatch), and typescript-eslint's utilities
 * through their `eslint-utils` subpath (the package's root also loads ESLint's API, RuleTester included). Read from
 * the sources: the modules the plugin's entry imports as values, followed through both packages.
 */

const here = dirname(fileURLToPath(import.meta.url));
const pluginSrc = resolve(here, '../src');
const analysisSrc = resolve(here, '../../analysis/src');

/** The specifiers a module imports or re-exports as values (type-only imports load nothing). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly) continue;
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      found.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return found;
}

/** A relative `.js` specifier as its `.ts` source; an `outbox-analysis` entry as the source its exports name. */
function sourceOf(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return resolve(dirname(from), specifier.replace(/\.js$/, '.ts'));
  if (specifier === 'outbox-analysis' || specifier.startsWith('outbox-analysis/')) {
    const entry = specifier === 'outbox-analysis' ? 'index' : specifier.slice('outbox-analysis/'.length);
    const file = join(analysisSrc, `${entry}.ts`);
    return existsSync(file) ? file : undefined;
  }
  return undefined;
}

/** Every module the entry loads: source files of the two packages, and bare package specifiers. */
function loaded(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of valueImports(file)) {
      const next = sourceOf(file, specifier);
      if (next) visit(next);
      else if (!specifier.startsWith('node:')) packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the modules a lint run loads', () => {
  const { files, packages } = loaded(join(pluginSrc, 'index.ts'));
  const analysisFiles = [...files].filter((f) => f.startsWith(analysisSrc)).map((f) => f.slice(analysisSrc.length + 1));

  it('reaches the analysis of a file', () => {
    expect(analysisFiles).toEqual(expect.arrayContaining(['lint.ts', 'analyze.ts', 'model.ts', 'operations.ts', 'catalogue.ts', 'config.ts']));
  });

  it('leaves out the checklist runner, preset detection and their packages', () => {
    expect(analysisFiles).not.toContain('index.ts');
    expect(analysisFiles).not.toContain('core.ts');
    expect(analysisFiles).not.toContain('detect.ts');
    expect(analysisFiles.filter((f) => f.startsWith('checklist/') && !['checklist/settings.ts', 'checklist/profiles.ts'].includes(f))).toEqual([]);
    expect([...packages].sort()).toEqual(['@typescript-eslint/parser', '@typescript-eslint/utils/eslint-utils']);
  });
});
