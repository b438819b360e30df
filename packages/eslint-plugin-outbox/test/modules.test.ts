import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tsParser from '@typescript-eslint/parser';
import { Linter, type Rule } from 'eslint';
import { moduleOf, readProjectLayout } from 'outbox-analysis';
import { afterAll, describe, expect, it } from 'vitest';
import { fileAnalysis, lintTarget } from '../src/rules/file-analysis.js';

/**
 * The rules analyse a file with the packages above it, read as outbox-audit reads the tree's package.json files, so
 * an operation's module is the audit's (`@acme/api/services`), not the bare parent folder.
 */
const root = mkdtempSync(join(tmpdir(), 'outbox-modules-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'acme', private: true }),
  'packages/api/package.json': JSON.stringify({ name: '@acme/api' }),
  'packages/api/src/services/order.service.ts':
    "export class OrderService {\n  constructor(private readonly db: Db) {}\n  async place(id: string) {\n    await this.db.execute('INSERT INTO orders (id) VALUES ($1)', [id]);\n  }\n}\n",
  'packages/worker/src/services/order.service.ts':
    "export class OrderService {\n  constructor(private readonly db: Db) {}\n  async place(id: string) {\n    await this.db.execute('INSERT INTO orders (id) VALUES ($1)', [id]);\n  }\n}\n",
};
for (const [file, text] of Object.entries(files)) {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** A probe rule that reports the module of each operation the plugin's analysis finds. */
const probe: Rule.RuleModule = {
  create(context) {
    return {
      Program(node) {
        const ctx = context as unknown as Parameters<typeof lintTarget>[0];
        for (const op of fileAnalysis(ctx, lintTarget(ctx)).operations) context.report({ node, message: op.module });
      },
    };
  },
};

function modulesOf(file: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: root });
  const messages = linter.verify(
    files[file]!,
    [{ files: ['**/*.ts'], languageOptions: { parser: tsParser as unknown as Linter.Parser }, plugins: { t: { rules: { probe } } }, rules: { 't/probe': 'error' } }],
    join(root, file),
  );
  return messages.map((m) => m.message);
}

describe('module names in the plugin', () => {
  it.each(['packages/api/src/services/order.service.ts', 'packages/worker/src/services/order.service.ts'])('%s: the audit’s module', (file) => {
    const { layout } = readProjectLayout(root, ['', 'packages/api']);
    const expected = moduleOf(file, layout);
    expect(modulesOf(file)).toEqual([expected]);
  });

  it('names the nearest package, not the parent folder', () => {
    expect(modulesOf('packages/api/src/services/order.service.ts')).toEqual(['@acme/api/services']);
    expect(modulesOf('packages/worker/src/services/order.service.ts')).not.toEqual(['services']);
  });
});
