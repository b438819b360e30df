import ts from 'typescript';
import type { Operation } from 'outbox-analysis';
import { parseSource } from '../../engine/parse.js';
import { type CodeStyle, type TextEdit, quoted, render } from './edits.js';

/**
 * Locating code for the edits the analysis asked for. The analysis says WHAT is missing and WHERE (spans); these
 * helpers find the statements around those spans so an edit can be placed, never to decide what an operation is.
 */

export function parse(file: string, text: string): ts.SourceFile {
  return parseSource(file, text);
}

export function hasParseErrors(source: ts.SourceFile): boolean {
  return ((source as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length ?? 0) > 0;
}

/** The node that exactly covers `[start, end)` (ignoring leading trivia). */
export function nodeAt(source: ts.SourceFile, start: number, end: number): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (node.getStart(source) === start && node.getEnd() === end) found = node;
    if (node.pos <= start && node.end >= end) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The function holding an operation's body: the method, or the arrow function of a property. */
export function operationFunction(source: ts.SourceFile, operation: Operation): ts.FunctionLikeDeclaration | undefined {
  const node = nodeAt(source, operation.span.start, operation.span.end);
  if (!node) return undefined;
  if (ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return node;
  if (ts.isPropertyDeclaration(node) && node.initializer && (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))) {
    return node.initializer;
  }
  return undefined;
}

export function classOf(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current: ts.Node | undefined = node.parent; current; current = current.parent) {
    if (ts.isClassDeclaration(current) || ts.isClassExpression(current)) return current;
  }
  return undefined;
}

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node);
}

/** Visits the nodes of a function's own body, not those of functions nested in it. */
export function forEachOwnNode(fn: ts.FunctionLikeDeclaration, visit: (node: ts.Node) => void): void {
  const walk = (node: ts.Node): void => {
    visit(node);
    if (isFunctionLike(node)) return;
    ts.forEachChild(node, walk);
  };
  if (fn.body) ts.forEachChild(fn.body, walk);
}

/** The statement that holds `node` and sits directly in a block (or a case clause). */
export function enclosingStatement(node: ts.Node): ts.Statement | undefined {
  for (let current: ts.Node = node; current.parent; current = current.parent) {
    if ((ts.isBlock(current.parent) || ts.isCaseClause(current.parent) || ts.isDefaultClause(current.parent) || ts.isSourceFile(current.parent)) && ts.isStatement(current as ts.Statement)) {
      return current as ts.Statement;
    }
  }
  return undefined;
}

/** The statement of the function body's top level that holds `node`. */
export function topLevelStatement(fn: ts.FunctionLikeDeclaration, node: ts.Node): ts.Statement | undefined {
  const body = fn.body;
  if (!body || !ts.isBlock(body)) return undefined;
  return body.statements.find((statement) => statement.pos <= node.pos && statement.end >= node.end);
}

/** A name not yet declared anywhere in the function: `result`, `result2`, … */
export function freshName(fn: ts.FunctionLikeDeclaration, base: string, source: ts.SourceFile): string {
  const text = fn.getText(source);
  if (!new RegExp(`\\b${base}\\b`).test(text)) return base;
  for (let i = 2; ; i++) if (!new RegExp(`\\b${base}${i}\\b`).test(text)) return `${base}${i}`;
}

/** Does the expression only read (no call, await, new, assignment): safe to evaluate a little earlier? */
export function isPlainRead(expression: ts.Node): boolean {
  let plain = true;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) || ts.isAwaitExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node) || (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) || ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) || ts.isPostfixUnaryExpression(node) || isFunctionLike(node)) {
      plain = false;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return plain;
}

/** `Promise<X>` → `X`; undefined when the function declares no return type. */
export function resolvedReturnType(fn: ts.FunctionLikeDeclaration, source: ts.SourceFile): string | undefined {
  const type = fn.type;
  if (!type) return undefined;
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'Promise' && type.typeArguments?.length === 1) {
    return type.typeArguments[0].getText(source);
  }
  return type.getText(source);
}

/** Names a file imports from `specifier`. */
function importOf(source: ts.SourceFile, specifier: string): ts.ImportDeclaration | undefined {
  return source.statements.find(
    (statement): statement is ts.ImportDeclaration => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === specifier,
  );
}

/** Is `name` declared or imported at the top level of the file? */
export function hasTopLevelName(source: ts.SourceFile, name: string): boolean {
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name?.text === name) return true;
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings) && bindings.elements.some((element) => element.name.text === name)) return true;
    } else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name?.text === name) {
      return true;
    }
  }
  return false;
}

/**
 * The edit that imports `names` (values) from `specifier`: added to an existing import of it, or as a new import
 * after the last one. Names already imported are left out; undefined when nothing is missing.
 */
export function importEdit(source: ts.SourceFile, text: string, specifier: string, names: string[], style: CodeStyle): TextEdit | undefined {
  const missing = names.filter((name) => !hasTopLevelName(source, name));
  if (missing.length === 0) return undefined;
  const existing = importOf(source, specifier);
  const bindings = existing?.importClause?.namedBindings;
  if (existing && bindings && ts.isNamedImports(bindings) && !existing.importClause?.isTypeOnly) {
    const last = bindings.elements[bindings.elements.length - 1];
    if (last) return { start: last.getEnd(), end: last.getEnd(), text: missing.map((name) => `, ${name}`).join('') };
  }
  const imports = source.statements.filter(ts.isImportDeclaration);
  const line = render([`import { ${missing.join(', ')} } from ${quoted(specifier, { ...style, quote: "'" })};`], '', style);
  const lastImport = imports[imports.length - 1];
  if (lastImport) return { start: lastImport.getEnd(), end: lastImport.getEnd(), text: style.eol + line };
  const first = source.statements[0];
  const at = first ? first.getStart(source) : text.length;
  return { start: at, end: at, text: line + style.eol };
}

/**
 * Where code inserted "before a statement" goes: above the comments that sit on their own lines right above it, so a
 * comment stays next to the code it describes.
 */
export function insertionPoint(text: string, statement: ts.Node, source: ts.SourceFile): number {
  const start = statement.getStart(source);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const comments = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
  for (const comment of comments) {
    const commentLineStart = text.lastIndexOf('\n', comment.pos - 1) + 1;
    if (/^[ \t]*$/.test(text.slice(commentLineStart, comment.pos))) return commentLineStart;
  }
  return lineStart;
}

/**
 * A catch block that always ends in a `throw` (and returns nothing): the error goes on. One that does not answers in
 * the error's place (wrap-transaction puts a transaction inside such a try; inject-idempotency lets a key conflict
 * through its catch).
 */
export function rethrows(block: ts.Block): boolean {
  const last = block.statements[block.statements.length - 1];
  if (!last || !ts.isThrowStatement(last)) return false;
  let returns = false;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node)) returns = true;
    ts.forEachChild(node, visit);
  };
  visit(block);
  return !returns;
}
