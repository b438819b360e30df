import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { configs } from '../src/index.js';

/**
 * What the plugin keeps of a file once ESLint has moved on: nothing. ESLint's Linter keeps the last file's SourceCode
 * (its tree, tokens, scopes and, under typescript-eslint, TypeScript's tree); the plugin must not keep another one
 * alive — say, the last file it analysed, while ESLint lints the inert files that follow it.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const service = "export class OrderService {\n  constructor(private readonly db: Db) {}\n  async place(id: string) {\n    await this.db.execute('INSERT INTO orders (id) VALUES ($1)', [id]);\n  }\n}\n";
const inert = 'export const answer = 42;\n';

const config: Linter.Config[] = [
  {
    ...(configs.recommended as Linter.Config),
    languageOptions: { parser: tsParser as unknown as Linter.Parser, sourceType: 'module' },
  },
];

/** Lints `text` as `file`: the findings and a weak reference to the SourceCode ESLint made of it. */
function lint(linter: Linter, file: string, text: string): { messages: Linter.LintMessage[]; sourceCode: WeakRef<object> } {
  const messages = linter.verify(text, config, file);
  return { messages, sourceCode: new WeakRef(linter.getSourceCode()) };
}

describe('memory kept across files', () => {
  it('an analysed file is not kept once the next file is linted', async () => {
    const linter = new Linter({ configType: 'flat', cwd: '/project' });
    const first = lint(linter, '/project/src/services/order.service.ts', service);
    // The file was analysed: the rules found its operation's gaps.
    expect(first.messages.filter((m) => m.ruleId?.startsWith('outbox/')).length).toBeGreaterThan(0);
    // Then an inert service file (no DB handle) and a file with no role: the rules do not analyse either.
    lint(linter, '/project/src/services/other.service.ts', inert);
    const last = lint(linter, '/project/src/util.ts', inert);
    // A WeakRef keeps its target until the current job ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(first.sourceCode.deref()).toBeUndefined();
    // ESLint's own: the Linter keeps its last file (so this test would see a leak of the same kind).
    expect(last.sourceCode.deref()).toBeDefined();
  });
});
