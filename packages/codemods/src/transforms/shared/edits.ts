import path from 'node:path';

/** One planned replacement of `[start, end)` in a file's text. Insertions have start === end. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies planned edits to the text they were planned on. Only the edited spans change; everything else, comments
 * and formatting included, stays byte for byte. Overlapping edits are a planning bug and throw.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const sorted = edits.map((edit, order) => ({ ...edit, order })).sort((a, b) => a.start - b.start || a.order - b.order);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error(`overlapping edits at offset ${edit.start}`);
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** How a file writes its code, so that new code looks like the code around it. */
export interface CodeStyle {
  /** One level of indentation: '  ', '    ' or '\t'. */
  indentUnit: string;
  quote: "'" | '"';
  semicolons: boolean;
  eol: '\n' | '\r\n';
}

export function detectStyle(text: string): CodeStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  let tabs = 0;
  let smallest = Infinity;
  for (const line of lines) {
    const lead = /^([ \t]+)\S/.exec(line)?.[1];
    if (!lead || line.trimStart().startsWith('*')) continue;
    if (lead.startsWith('\t')) tabs++;
    else smallest = Math.min(smallest, lead.length);
  }
  const indentUnit = tabs > 0 && smallest === Infinity ? '\t' : ' '.repeat(smallest === Infinity ? 2 : Math.min(smallest, 8));
  const single = (text.match(/from '[^']*'/g) ?? []).length + (text.match(/: '[^']*'/g) ?? []).length;
  const double = (text.match(/from "[^"]*"/g) ?? []).length + (text.match(/: "[^"]*"/g) ?? []).length;
  const code = lines.map((line) => line.trim()).filter((line) => line && !line.startsWith('//') && !line.startsWith('*') && !line.startsWith('/*'));
  const withSemi = code.filter((line) => line.endsWith(';')).length;
  return { indentUnit, quote: double > single ? '"' : "'", semicolons: withSemi > 0 || code.length === 0, eol };
}

/** The whitespace before the first character of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** Offset of the start of the line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * Writes generated code in the file's style. Templates are written with two-space indentation, single quotes and
 * semicolons; `render` re-indents them under `indent`, and converts quotes and semicolons to the file's habits.
 */
export function render(lines: readonly string[], indent: string, style: CodeStyle): string {
  return lines
    .map((line) => {
      if (line === '') return '';
      const depth = /^( *)/.exec(line)![1].length / 2;
      let body = line.trimStart();
      if (style.quote === '"') body = body.replace(/'([^'"\\]*)'/g, '"$1"');
      if (!style.semicolons) body = body.replace(/;$/, '');
      return indent + style.indentUnit.repeat(depth) + body;
    })
    .join(style.eol);
}

/** A string literal in the file's quotes. */
export function quoted(value: string, style: CodeStyle): string {
  return style.quote + value.replace(/\\/g, '\\\\').replace(new RegExp(style.quote, 'g'), `\\${style.quote}`) + style.quote;
}

/**
 * The edit that removes the statement `[start, end)`: its whole line when it is alone on it (so no blank line is
 * left), else just the statement.
 */
export function removeStatement(text: string, start: number, end: number): TextEdit {
  const lineStart = lineStartOf(text, start);
  const newline = text.indexOf('\n', end);
  const lineEnd = newline < 0 ? text.length : newline + 1;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, newline < 0 ? text.length : newline).replace(/\r$/, '');
  if (/^[ \t]*$/.test(before) && /^[ \t]*$/.test(after)) return { start: lineStart, end: lineEnd, text: '' };
  // A comment after the statement stays, in the statement's place.
  if (/^[ \t]*$/.test(before) && /^[ \t]*\/[/*]/.test(after)) return { start, end: end + (/^[ \t]*/.exec(after)?.[0].length ?? 0), text: '' };
  return { start, end, text: '' };
}

/** `'../../core/outbox/outbox.repository.js'` from `fromFile` to `target` (both relative to the root). */
export function relativeImport(fromFile: string, target: string): string {
  let rel = path.posix.relative(path.posix.dirname(fromFile), target).replace(/\.(ts|mts|cts)$/, (ext) => (ext === '.ts' ? '.js' : ext === '.mts' ? '.mjs' : '.cjs'));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** `createPartner` → `create_partner`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase();
}

export const TODO_MARKER = 'TODO(outbox-codemod):';

/**
 * With --todo-comments: a `// TODO(outbox-codemod): <reason>` line above the line holding `offset`, unless one is
 * already there (so a second run adds nothing).
 */
export function todoEdit(text: string, offset: number, reason: string, style: CodeStyle): TextEdit | undefined {
  const lineStart = lineStartOf(text, offset);
  const previousStart = lineStartOf(text, Math.max(0, lineStart - 1));
  if (lineStart > 0 && text.slice(previousStart, lineStart).includes(TODO_MARKER)) return undefined;
  return { start: lineStart, end: lineStart, text: `${indentAt(text, lineStart)}// ${TODO_MARKER} ${reason}${style.eol}` };
}
