import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { compilerFor, ProjectTypeCheck, type CheckedTree } from '../src/engine/typecheck.js';

/**
 * The type check compiles with the project's own TypeScript when it has one (what its `tsc` would say: its defaults,
 * its reading of its libraries' types), and with the codemod's own otherwise. A project's `typescript` here is a
 * stand-in package that reports another version and delegates to the real compiler.
 */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function project(withTypeScript: string | undefined): string {
  const root = mkdtempSync(path.join(tmpdir(), 'outbox-codemod-tsc-'));
  made.push(root);
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'p', private: true }));
  writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, types: [], lib: ['ES2023'], noEmit: true }, include: ['src'] }));
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a: number = 1;\n');
  if (withTypeScript !== undefined) {
    const pkg = path.join(root, 'node_modules', 'typescript');
    mkdirSync(path.join(pkg, 'lib'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'typescript', version: withTypeScript, main: './lib/typescript.js' }));
    const real = createRequire(import.meta.url).resolve('typescript');
    writeFileSync(path.join(pkg, 'lib', 'typescript.js'), `const real = require(${JSON.stringify(real)});\nmodule.exports = Object.create(real, { version: { value: ${JSON.stringify(withTypeScript)} } });\n`);
  }
  return root;
}

function treeOf(root: string, pending: Record<string, string> = {}): CheckedTree {
  return {
    root,
    inMemory: false,
    files: () => ['tsconfig.json', 'src/a.ts', ...Object.keys(pending)],
    baselineText: (file) => (file === 'tsconfig.json' ? ts.sys.readFile(path.join(root, file)) : file === 'src/a.ts' ? 'export const a: number = 1;\n' : undefined),
    pendingText: (file) => pending[file],
  };
}

describe("the type check's compiler", () => {
  it("is the project's own TypeScript when the project has one", () => {
    const root = project('5.4.5');
    const chosen = compilerFor(treeOf(root));
    expect(chosen.compiler).toBe("TypeScript 5.4.5 (the project's)");
    expect(chosen.ts.version).toBe('5.4.5');
    // And it checks: an edit that breaks a type is reported through it.
    const check = ProjectTypeCheck.open(treeOf(root, { 'src/a.ts': 'export const a: number = "one";\n' }));
    expect(check).toBeInstanceOf(ProjectTypeCheck);
    expect((check as ProjectTypeCheck).compiler).toBe("TypeScript 5.4.5 (the project's)");
    expect((check as ProjectTypeCheck).newErrors(['src/a.ts']).map((e) => e.code)).toEqual([2322]);
  });

  it("is the codemod's own when the project has none, one older than 3.0, or the same version", () => {
    expect(compilerFor(treeOf(project(undefined))).compiler).toBe(`TypeScript ${ts.version} (the codemod's own)`);
    expect(compilerFor(treeOf(project('2.9.2'))).compiler).toBe(`TypeScript ${ts.version} (the codemod's own)`);
    expect(compilerFor(treeOf(project(ts.version))).compiler).toBe(`TypeScript ${ts.version} (the codemod's own)`);
  });

  it("is never one from a folder above the project: no code outside the root is loaded", () => {
    const outer = project('5.4.5');
    const inner = path.join(outer, 'service');
    mkdirSync(path.join(inner, 'src'), { recursive: true });
    writeFileSync(path.join(inner, 'package.json'), JSON.stringify({ name: 'service', private: true }));
    writeFileSync(path.join(inner, 'tsconfig.json'), readFileSync(path.join(outer, 'tsconfig.json')));
    expect(compilerFor(treeOf(inner)).compiler).toBe(`TypeScript ${ts.version} (the codemod's own)`);
  });

  it("is the codemod's own for a tree in memory (tests, fixtures)", () => {
    expect(compilerFor({ ...treeOf(project('5.4.5')), inMemory: true }).compiler).toContain("(the codemod's own)");
  });
});
