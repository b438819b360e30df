import type TS from 'typescript';
import ts from './typescript.js';
import type { OutboxSettings } from './settings.js';

// TypeScript's bundle exposes its API through getters; the walks below read these once, not once per node.
const { SyntaxKind } = ts;

/** What the analysis can read of a string-valued expression without running it. */
export interface ResolvedText {
  /** The text from the start of the value up to the first part computed at run time. */
  head: string;
  /** Every literal part, joined by spaces (for "does this WITH contain an INSERT"). */
  literal: string;
}

/** Looks a `const` up by name where the expression is used; returns its initializer. */
export type ConstLookup = (name: string) => TS.Expression | undefined;

/**
 * Reads a string literal, a template (its literal parts), a tagged template, a `const` that holds one, or the
 * left-most operand of a `+` concatenation. Anything else (a call, a parameter) is not resolvable.
 */
export function resolveText(expression: TS.Expression | undefined, lookup: ConstLookup, depth = 0): ResolvedText | undefined {
  if (!expression || depth > 8) return undefined;
  switch (expression.kind) {
    case SyntaxKind.StringLiteral:
    case SyntaxKind.NoSubstitutionTemplateLiteral: {
      const text = (expression as TS.StringLiteral).text;
      return { head: text, literal: text };
    }
    case SyntaxKind.TemplateExpression: {
      const template = expression as TS.TemplateExpression;
      const parts = [template.head.text];
      for (const span of template.templateSpans) parts.push(span.literal.text);
      return { head: template.head.text, literal: parts.join(' ') };
    }
    case SyntaxKind.TaggedTemplateExpression:
      return resolveText((expression as TS.TaggedTemplateExpression).template, lookup, depth + 1);
    case SyntaxKind.Identifier: {
      const initializer = lookup((expression as TS.Identifier).text);
      return initializer ? resolveText(initializer, lookup, depth + 1) : undefined;
    }
    case SyntaxKind.BinaryExpression: {
      const binary = expression as TS.BinaryExpression;
      return binary.operatorToken.kind === SyntaxKind.PlusToken ? resolveText(binary.left, lookup, depth + 1) : undefined;
    }
    case SyntaxKind.ParenthesizedExpression:
    case SyntaxKind.AsExpression:
    case SyntaxKind.SatisfiesExpression:
    case SyntaxKind.NonNullExpression:
    case SyntaxKind.TypeAssertionExpression:
      return resolveText((expression as TS.ParenthesizedExpression).expression, lookup, depth + 1);
    default:
      return undefined;
  }
}

export type SqlKind = 'write' | 'read' | 'unresolved';

interface SqlMatchers {
  writeStatements: Set<string>;
  /** Finds a data-modifying keyword anywhere in a WITH statement. */
  modifyingKeyword: RegExp;
}

const sqlMatcherCache = new WeakMap<OutboxSettings, SqlMatchers>();

function sqlMatchersFor(settings: OutboxSettings): SqlMatchers {
  let matchers = sqlMatcherCache.get(settings);
  if (!matchers) {
    const keywords = settings.writeStatements.map((word) => word.toUpperCase());
    const escaped = keywords.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    matchers = {
      writeStatements: new Set(keywords),
      modifyingKeyword: escaped.length > 0 ? new RegExp(`\\b(?:${escaped.join('|')})\\b`, 'i') : /(?!)/,
    };
    sqlMatcherCache.set(settings, matchers);
  }
  return matchers;
}

const LEADING_WORD = /^[A-Za-z_]+/;

/** Skips what may precede a statement's first keyword: whitespace, `--` and block comments, opening parentheses. */
function skipToKeyword(sql: string): string {
  let at = 0;
  while (at < sql.length) {
    const char = sql[at]!;
    if (char === '(' || char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === ';') {
      at++;
    } else if (sql.startsWith('--', at)) {
      const newline = sql.indexOf('\n', at);
      at = newline < 0 ? sql.length : newline + 1;
    } else if (sql.startsWith('/*', at)) {
      const close = sql.indexOf('*/', at + 2);
      at = close < 0 ? sql.length : close + 2;
    } else {
      break;
    }
  }
  return sql.slice(at);
}

/** Is the SQL data-modifying? `unresolved` when its first keyword cannot be read. */
export function classifySql(resolved: ResolvedText | undefined, settings: OutboxSettings): SqlKind {
  if (!resolved) return 'unresolved';
  const keyword = LEADING_WORD.exec(skipToKeyword(resolved.head))?.[0]?.toUpperCase();
  if (!keyword) return 'unresolved';
  const matchers = sqlMatchersFor(settings);
  if (matchers.writeStatements.has(keyword)) return 'write';
  if (keyword === 'WITH') return matchers.modifyingKeyword.test(resolved.literal) ? 'write' : 'read';
  return 'read';
}

export function isWriteSql(resolved: ResolvedText | undefined, settings: OutboxSettings): boolean {
  const kind = classifySql(resolved, settings);
  return kind === 'write' || (kind === 'unresolved' && settings.unresolvedSqlIsWrite);
}

/** What a write statement says about the row it writes, as far as its text shows. */
export interface WriteTarget {
  /** `INSERT`, `UPDATE`, `DELETE`, … */
  verb: string;
  /** `WHERE id = $n` (or `t.id = $n`): the statement writes the row whose key is parameter n (1-based). */
  idParam?: number;
  /** `… RETURNING`: the statement hands the written row back. */
  returning: boolean;
  /** Columns the statement sets to a literal (`SET status = 'withdrawn'`, `VALUES` are not read): what a branch changes. */
  literals: Record<string, string>;
}

const WHERE_ID = /\bwhere\s+(?:[a-z_][a-z0-9_]*\.)?id\s*=\s*\$(\d+)/i;
const SET_CLAUSE = /\bset\b([\s\S]*?)(?:\bwhere\b|\breturning\b|\bfrom\b|$)/i;
const LITERAL_ASSIGNMENT = /\b([a-z_][a-z0-9_]*)\s*=\s*'((?:[^']|'')*)'/gi;

/** The row a write statement targets, read from its text (undefined for SQL that is not readable). */
export function sqlWriteTarget(resolved: ResolvedText | undefined): WriteTarget | undefined {
  if (!resolved) return undefined;
  const text = resolved.literal;
  const verb = LEADING_WORD.exec(skipToKeyword(resolved.head))?.[0]?.toUpperCase();
  if (!verb) return undefined;
  const where = WHERE_ID.exec(text);
  const literals: Record<string, string> = {};
  const set = verb === 'UPDATE' ? SET_CLAUSE.exec(text)?.[1] : undefined;
  if (set) for (const match of set.matchAll(LITERAL_ASSIGNMENT)) literals[match[1]!.toLowerCase()] = match[2]!.replace(/''/g, "'");
  return {
    verb,
    ...(where && verb !== 'INSERT' ? { idParam: Number(where[1]) } : {}),
    returning: /\breturning\b/i.test(text),
    literals,
  };
}
