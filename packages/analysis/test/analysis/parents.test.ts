import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeFile, analyzeSourceFile, classifyFile, resolveSettings } from '../../src/index.js';
import { buildFileModel } from '../../src/model.js';

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

describe('effectful nodes', () => {
  // The walk marks a call's ancestors from its own path down the tree. Checked here against the plain definition,
  // computed independently over the whole tree: a node is effectful when it is a recorded call or contains one.
  it('are exactly the recorded calls and the nodes that contain them, in every runtime file', () => {
    const settings = resolveSettings();
    let marked = 0;
    for (const abs of sources(path.join(runtime, 'src'))) {
      const relative = path.relative(runtime, abs).split(path.sep).join('/');
      const sourceFile = ts.createSourceFile(relative, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
      const model = buildFileModel(sourceFile, settings, classifyFile(relative, settings).role);
      const expected = new Set<ts.Node>();
      const holds = (node: ts.Node): boolean => {
        let found = model.calls.has(node as ts.CallExpression);
        ts.forEachChild(node, (child) => {
          if (holds(child)) found = true;
        });
        if (found) expected.add(node);
        return found;
      };
      holds(sourceFile);
      expect(model.effectful.size, relative).toBe(expected.size);
      for (const node of expected) expect(model.effectful.has(node), `${relative}: ${ts.SyntaxKind[node.kind]} at ${node.pos}`).toBe(true);
      marked += expected.size;
    }
    expect(marked).toBeGreaterThan(1000);
  });
});
