/**
 * ESLint's inline disable comments, read the way ESLint reads them, so that the audit (the PR gate) honours what the
 * editor honours: `// eslint-disable-next-line outbox/<rule> -- reason`, `// eslint-disable-line`, and the block pair
 * `/* eslint-disable outbox/<rule> *\/ … /* eslint-enable *\/`. A comment that names no rule disables every rule, as
 * in ESLint. This module is pure (the audit's core reads it); `comments.ts` finds the comments
 * in a parsed file.
 */

export type SuppressionKind = 'disable' | 'enable' | 'disable-line' | 'disable-next-line';

export interface SuppressionDirective {
  kind: SuppressionKind;
  /** Rule ids as written (`outbox/require-idempotency`); empty when the comment names none (every rule). */
  rules: string[];
  /** The justification after ` -- `, when there is one. */
  reason?: string;
  /** Where the comment starts (1-based line and column) and the line it ends on. */
  line: number;
  column: number;
  endLine: number;
}

/** The plugin's namespace: `outbox/no-db-in-router`. */
export const RULE_NAMESPACE = 'outbox';

const DIRECTIVE = /^(eslint-disable-next-line|eslint-disable-line|eslint-disable|eslint-enable)(?:\s|$)/u;

/** The rule ids and reason of a directive comment's value (the text after the directive name). */
function parseDirectiveBody(body: string): { rules: string[]; reason?: string } {
  // ESLint splits the justification off at the first `--` with whitespace (or the end) on both sides.
  const split = /\s-{2,}(?:\s|$)/u.exec(body);
  const list = split ? body.slice(0, split.index) : body;
  const reason = split ? body.slice(split.index + split[0].length).trim() : undefined;
  const rules = list
    .split(',')
    .map((rule) => rule.trim())
    .filter((rule) => rule.length > 0);
  return { rules, ...(reason ? { reason } : {}) };
}

/** Whether a directive that names `rules` (or none) covers the outbox rule `rule` (`require-idempotency`). */
export function directiveCovers(directive: Pick<SuppressionDirective, 'rules'>, rule: string): boolean {
  return directive.rules.length === 0 || directive.rules.includes(`${RULE_NAMESPACE}/${rule}`);
}

/** Parses one comment (with its delimiters) into a directive, or nothing. */
export function parseDirectiveComment(
  comment: string,
  position: { line: number; column: number; endLine: number },
): SuppressionDirective | undefined {
  const block = comment.startsWith('/*');
  const value = (block ? comment.slice(2, -2) : comment.slice(2)).trim();
  const match = DIRECTIVE.exec(value);
  if (!match) return undefined;
  const kind = match[1]!.slice('eslint-'.length) as SuppressionKind;
  // As in ESLint: a line comment can only be a -line or -next-line directive, and a -line directive may not span lines.
  if (!block && (kind === 'disable' || kind === 'enable')) return undefined;
  if (kind === 'disable-line' && position.endLine !== position.line) return undefined;
  const { rules, reason } = parseDirectiveBody(value.slice(match[1]!.length));
  if (rules.length > 0 && !rules.some((rule) => rule.startsWith(`${RULE_NAMESPACE}/`))) return undefined;
  return { kind, rules, ...(reason !== undefined ? { reason } : {}), ...position };
}

/**
 * The directive that hides a finding of `rule` at `line`:`column`, as ESLint decides it: a -line or -next-line
 * directive for that line, or the last block `eslint-disable` before the finding that no `eslint-enable` has undone.
 */
export function suppressionFor(
  directives: readonly SuppressionDirective[],
  rule: string,
  line: number,
  column: number,
): SuppressionDirective | undefined {
  for (const d of directives) {
    if (d.kind === 'disable-line' && d.line === line && directiveCovers(d, rule)) return d;
    if (d.kind === 'disable-next-line' && d.endLine + 1 === line && directiveCovers(d, rule)) return d;
  }
  let current: SuppressionDirective | undefined;
  for (const d of directives) {
    if (d.kind !== 'disable' && d.kind !== 'enable') continue;
    if (d.line > line || (d.line === line && d.column > column)) break;
    if (!directiveCovers(d, rule)) continue;
    current = d.kind === 'disable' ? d : undefined;
  }
  return current;
}
