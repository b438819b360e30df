import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeFile, analyzeSourceFile, resolveSettings } from '../../src/analysis/index.js';

const runtime = fileURLToPath(new URL('../../../reference-runtime/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const abs = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(abs) : entry.name.endsWith('.ts') ? [abs] : [];
  });
}

describe('parent pointers', () => {
  // The audit parses without them (faster); ESLint and the codemods hand over trees that have them. The facts must
  // not depend on which: the analysis never reads node.parent.
  it('the analysis of every runtime file is the same with and without them', () => {
    const settings = resolveSettings();
    const files = sources(path.join(runtime, 'src'));
    expect(files.length).toBeGreaterThan(50);
    for (const abs of files) {
      const relative = path.relative(runtime, abs).split(path.sep).join('/');
      const text = readFileSync(abs, 'utf8');
      const withParents = analyzeSourceFile(ts.createSourceFile(relative, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS), relative, settings);
      expect(analyzeFile(relative, text, settings), relative).toEqual(withParents);
    }
  });
});
