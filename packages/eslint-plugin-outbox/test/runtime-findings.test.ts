import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { configs } from '../src/index.js';

/**
 * The reference runtime is the seed's backend in its legacy state: 114 operations, 5 compliant. Linted with
 * `recommended`, the findings must be exactly its legacy gaps — every non-compliant operation found with exactly its
 * false flags, nothing on the compliant ones, the routers' DB calls, and nothing else. The expected state is the
 * runtime's own inventory (operations.json); where an operation sits in its file is found here with plain TypeScript,
 * not with the analysis under test.
 */

const runtimeRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reference-runtime');

type Flag = 'outbox' | 'idempotency' | 'event' | 'commit';
const FLAGS: Flag[] = ['outbox', 'idempotency', 'event', 'commit'];

interface InventoryOperation {
  module: string;
  kind: 'service' | 'router';
  className: string | null;
  method: string;
  file: string;
  outbox: boolean;
  idempotency: boolean;
  event: boolean;
  commit: boolean;
  compliant: boolean;
}

interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  messageId: string;
}

/** The runtime's inventory: every operation with its legacy flags. */
function readInventory(): InventoryOperation[] {
  const file = join(runtimeRoot, 'operations.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as InventoryOperation[] | { operations: InventoryOperation[] };
  return Array.isArray(parsed) ? parsed : parsed.operations;
}

/** The flag a finding stands for, from its rule and message id; undefined for a router DB call. */
function flagOf(finding: Finding): Flag | undefined {
  switch (finding.rule) {
    case 'outbox/require-outbox-event':
      return finding.messageId.startsWith('noOutbox') ? 'outbox' : 'event';
    case 'outbox/require-idempotency':
      return 'idempotency';
    case 'outbox/require-service-commit':
      return 'commit';
    default:
      return undefined;
  }
}

const sourceFiles = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let sourceFile = sourceFiles.get(file);
  if (!sourceFile) {
    sourceFile = ts.createSourceFile(file, readFileSync(join(runtimeRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
    sourceFiles.set(file, sourceFile);
  }
  return sourceFile;
}

function lines(node: ts.Node, sourceFile: ts.SourceFile): [number, number] {
  return [
    sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1,
    sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line + 1,
  ];
}

/** First and last line of an operation: its class member, or its `app.<verb>('<path>', …)` call. */
function operationLines(op: InventoryOperation): [number, number] {
  const sourceFile = parse(op.file);
  let found: [number, number] | undefined;
  const [verb, path] = op.kind === 'router' ? op.method.split(' ') : [];
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (op.kind === 'service' && ts.isClassDeclaration(node) && node.name?.text === op.className) {
      const member = node.members.find((m) => m.name && ts.isIdentifier(m.name) && m.name.text === op.method);
      if (member) found = lines(member, sourceFile);
    }
    if (
      op.kind === 'router' &&
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === verb!.toLowerCase() &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0]) &&
      node.arguments[0].text === path
    ) {
      found = lines(node, sourceFile);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  if (!found) throw new Error(`${op.file}: ${op.className ?? ''} ${op.method} not found`);
  return found;
}

/**
 * `execute(…)` / `commit()` calls on `db`, `request.db` or `req.db` in a router file, by plain syntax (the runtime's
 * convention for handles in routers), as `line:column`.
 */
function routerHandleCalls(file: string): string[] {
  const sourceFile = parse(file);
  const calls: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression.getText(sourceFile);
      if ((method === 'execute' || method === 'commit') && /^(?:db|request\.db|req\.db)$/.test(receiver)) {
        const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
        calls.push(`${line + 1}:${character + 1}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return calls.sort();
}

describe('eslint-plugin-outbox on the legacy reference runtime', () => {
  let inventory: InventoryOperation[];
  let findings: Finding[];

  beforeAll(async () => {
    inventory = readInventory();
    const eslint = new ESLint({
      cwd: runtimeRoot,
      overrideConfigFile: true,
      // typescript-eslint's FlatConfig type and ESLint's differ only in detail; the object is the same.
      overrideConfig: [{ ...configs.recommended, files: ['src/**/*.ts'] } as Linter.Config],
    });
    const results = await eslint.lintFiles(['src']);
    findings = results.flatMap((result) =>
      result.messages.map((message) => ({
        file: relative(runtimeRoot, result.filePath).replace(/\\/g, '/'),
        line: message.line,
        column: message.column,
        rule: message.ruleId ?? `fatal: ${message.message}`,
        messageId: message.messageId ?? '',
      })),
    );
  });

  it('lints the inventory the seed describes: 114 operations, 5 compliant', () => {
    expect(inventory).toHaveLength(114);
    expect(inventory.filter((op) => op.compliant)).toHaveLength(5);
    expect(findings.filter((finding) => finding.rule.startsWith('fatal'))).toEqual([]);
  });

  it('finds every non-compliant operation with exactly its false flags, and nothing on the compliant ones', () => {
    const mismatches: string[] = [];
    for (const op of inventory) {
      const [first, last] = operationLines(op);
      const own = findings.filter((finding) => finding.file === op.file && finding.line >= first && finding.line <= last && flagOf(finding));
      const reported = [...new Set(own.map((finding) => flagOf(finding)!))].sort();
      const expected = FLAGS.filter((flag) => !op[flag]).sort();
      if (JSON.stringify(reported) !== JSON.stringify(expected)) {
        mismatches.push(`${op.file} ${op.className ?? ''} ${op.method}: reported [${reported.join(', ')}], inventory says [${expected.join(', ')}]`);
      }
      if (!op.compliant && own.length === 0) mismatches.push(`${op.className ?? ''} ${op.method}: no finding`);
      if (op.compliant && own.length > 0) mismatches.push(`${op.className} ${op.method} is compliant but has ${own.length} findings`);
    }
    expect(mismatches).toEqual([]);
  });

  it('reports the partners router’s 7 commits and 1 execute', () => {
    const calls = findings.filter((finding) => finding.file === 'src/modules/partners/router.ts' && finding.rule === 'outbox/no-db-in-router');
    // Commit-like and write-like, each in a route's handler or outside one.
    expect(calls.filter((finding) => finding.messageId.startsWith('commitIn'))).toHaveLength(7);
    expect(calls.filter((finding) => finding.messageId.startsWith('dbCallIn'))).toHaveLength(1);
  });

  it.each(['organization', 'commodity', 'locations'])('reports every DB call of the %s router, and only those', (module) => {
    const file = `src/modules/${module}/router.ts`;
    const calls = findings.filter((finding) => finding.file === file && finding.rule === 'outbox/no-db-in-router');
    expect(calls.map((finding) => `${finding.line}:${finding.column}`).sort()).toEqual(routerHandleCalls(file));
    // Each of the module's router operations is among them: its handler holds at least one of these calls.
    for (const op of inventory.filter((entry) => entry.module === module && entry.kind === 'router')) {
      const [first, last] = operationLines(op);
      expect(calls.some((finding) => finding.line >= first && finding.line <= last), op.method).toBe(true);
    }
  });

  it('reports nothing else', () => {
    const spans = inventory.map((op) => ({ file: op.file, lines: operationLines(op) }));
    const routersWithCalls = ['partners', 'organization', 'commodity', 'locations'].map((module) => `src/modules/${module}/router.ts`);
    const unexplained = findings.filter((finding) =>
      flagOf(finding)
        ? !spans.some(({ file, lines: [first, last] }) => file === finding.file && finding.line >= first && finding.line <= last)
        : !(finding.rule === 'outbox/no-db-in-router' && routersWithCalls.includes(finding.file)),
    );
    expect(unexplained.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule} ${finding.messageId}`)).toEqual([]);
  });
});
