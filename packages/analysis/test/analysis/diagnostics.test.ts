import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSourceFile, DEFAULT_SETTINGS } from '../../src/index.js';
import { analyze, SERVICE_PATH } from './support.js';

describe('diagnostics', () => {
  it('turns a syntax error into a diagnostic with its line, without throwing', () => {
    const code = "export class PartnerService {\n  async save() {\n    await this.db.execute('DELETE FROM t';\n  }\n}\n";
    const analysis = analyze(code);
    expect(analysis.diagnostics).toEqual([{ file: SERVICE_PATH, message: "parse error: ')' expected. (line 3)", line: 3 }]);
  });

  it('still analyses what parsed', () => {
    const code = "export class PartnerService {\n  async save() { await this.db.execute('DELETE FROM t'); }\n  async broken( {\n}\n";
    const analysis = analyze(code);
    expect(analysis.diagnostics).toHaveLength(1);
    expect(analysis.operations.map((op) => op.method)).toContain('save');
  });

  it('reports only the first syntax error', () => {
    expect(analyze('class { x( }\nconst = ;\n').diagnostics).toHaveLength(1);
  });

  it('has none for a clean file', () => {
    expect(analyze('export const x = 1;\n').diagnostics).toEqual([]);
  });

  it('analyses a SourceFile it is given (the ESLint and codemod front-ends)', () => {
    const sourceFile = ts.createSourceFile('x.ts', "class S { async a() { await this.db.execute('DELETE FROM t'); } }", ts.ScriptTarget.Latest, true);
    const analysis = analyzeSourceFile(sourceFile, SERVICE_PATH, DEFAULT_SETTINGS);
    expect(analysis.file).toBe(SERVICE_PATH);
    expect(analysis.operations.map((op) => op.method)).toEqual(['a']);
  });

  it('parses JavaScript files as JavaScript', () => {
    const analysis = analyze("export class S { async a() { await this.db.execute('DELETE FROM t'); } }", 'src/x.service.js');
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.operations).toHaveLength(1);
  });
});
