/**
 * Escaping for every place the audit's output goes. File names, route strings, class names, workflow names and
 * config values all come from the audited code — on a pull request, from whoever opened it — so none of them may
 * start a GitHub workflow command, break out of a Markdown table or code span, add a heading or HTML, or send
 * control sequences to a terminal. Printers pass every such value through one of these; JSON and SARIF are written
 * with JSON.stringify and need nothing more.
 */
import { terminalText } from 'outbox-analysis/core';

// ---------------------------------------------------------------------------------------------------------------
// GitHub workflow commands (`::error file=…,line=…::message`), read by the runner from stdout and stderr line by line

/** The message part of a workflow command: `%`, CR and LF encoded, as the runner decodes them. */
export function commandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value (`file=…`, `title=…`): also `:` and `,`, which end a property. */
export function commandProperty(value: string): string {
  return commandData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type CommandProperties = Record<string, string | number | undefined>;

/** One workflow command line (with its newline): `::error title=…,file=…,line=12::message`. */
export function workflowCommand(command: 'error' | 'warning' | 'notice', properties: CommandProperties, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${commandProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${commandData(message)}\n`;
}

/**
 * The runner takes two kinds of line for a command, on stdout and stderr alike: one whose first non-blank characters
 * are `::` (`::error::…`), and — the legacy form, still honoured — one holding `##[` anywhere (`… ##[error]…`,
 * `##[stop-commands]…`). Printed text that is not meant as a command never has either: after escaping, values hold
 * no line breaks, and this catches a value that lands at the start of a line (a file named `::error::x.ts`) and a
 * `##[` anywhere. `colon` and `hash` are what replace the first `:` and the second `#` (a visible escape in a
 * terminal; a backslash escape in Markdown, which renders the same text).
 */
export function guardCommandLines(text: string, escapes: { colon: string; hash: string } = { colon: '\\u003a', hash: '\\u0023' }): string {
  // A search for the fixed part first: on a report of megabytes it takes a hundredth of the time the expression does.
  const colons = text.includes('::') ? text.replace(/^([^\S\r\n]*):(?=:)/gm, `$1${escapes.colon}`) : text;
  return colons.includes('##[') ? colons.replace(/##\[/g, `#${escapes.hash}[`) : colons;
}

/**
 * JSON (or SARIF) that may be printed where the runner reads: JSON.stringify already keeps every value on its line,
 * and `\u0023` is the same `#` to a JSON reader, so the legacy `##[` form cannot appear.
 */
export function guardJson(text: string): string {
  // The report of a large tree is megabytes long and almost never holds `##[`: looked for first (1.5 ms against 80-140
  // ms for the expression over 15-40 MB).
  return text.includes('##[') ? text.replace(/##\[/g, '#\\u0023[') : text;
}

/** guardCommandLines for Markdown: `\:` and `\#` render as `:` and `#`. */
export const MARKDOWN_GUARD = { colon: '\\:', hash: '\\#' } as const;

// ---------------------------------------------------------------------------------------------------------------
// Terminal text

// The analysis package keeps it, for the codemods' command line too.
export { terminalText };

// ---------------------------------------------------------------------------------------------------------------
// Markdown (GitHub-flavoured: job summaries, reports)

/**
 * Characters with a meaning anywhere in a line of Markdown or HTML: emphasis, links and images, code, HTML and
 * entities, tables, strikethrough. A backslash before ASCII punctuation makes it a literal character (CommonMark),
 * inside a table cell too.
 */
const MARKDOWN_INLINE = /[\\`*_[\]<>&|~]/g;

/** A value in running Markdown text (a paragraph, a list item, a heading, a table cell): rendered as written. */
export function markdownText(value: string): string {
  return (
    terminalText(value)
      .replace(MARKDOWN_INLINE, (ch) => `\\${ch}`)
      // What starts a block when it starts a line — a heading, a quote, a list item, a setext underline, a thematic
      // break, an ordered list — in case the value does.
      .replace(/^(\s*)([#>+=-])/, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/, '$1\\$2')
  );
}

/**
 * A value as inline code. Backslashes do not escape inside a code span, so the fence is a run of backticks longer
 * than any inside the value; line breaks and control characters are shown escaped (a line break inside a span can
 * still start a block, such as a heading, on the next line). In a table cell, `|` must be `\|`: GFM splits the row
 * before it reads the spans.
 */
export function markdownCode(value: string, options: { inTable?: boolean } = {}): string {
  let text = terminalText(value);
  if (options.inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return text === '' ? '` `' : `${fence}${pad}${text}${pad}${fence}`;
}
