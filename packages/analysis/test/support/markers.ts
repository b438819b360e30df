/**
 * Expectations written into fixture sources as line comments (Semgrep-style), and their parser.
 *
 *   // expect: operation event=yes commit=yes
 *   // expect: router-db-call
 *   // expect: none — a cache get(key, fn), not a DB call
 *
 * A marker is a line comment on its own line. It applies to the next line that is not blank, not a comment and not a
 * decorator (a line starting with `@`), so a marker may sit above a method's decorators. Markers stacked on top of
 * each other apply to the same line. Anything malformed is an error with the file and line, never a silent skip: a
 * marker the parser ignored would be an expectation nobody checks.
 */
import type { OperationFlag } from '../../src/index.js';

export type MarkerKind = 'operation' | 'router-db-call' | 'none';

export interface Marker {
  kind: MarkerKind;
  /** The 1-based line the marker applies to. */
  line: number;
  /** The 1-based line of the marker comment itself. */
  markerLine: number;
  /** Flags given on an operation marker (`event=yes` → `{ event: true }`); only these are checked. */
  flags: Partial<Record<OperationFlag, boolean>>;
  /** The text after the dash, e.g. why a line is a trap; '' when there is none. */
  note: string;
}

export class MarkerError extends Error {
  override name = 'MarkerError';
}

const KINDS: readonly MarkerKind[] = ['operation', 'router-db-call', 'none'];
const FLAGS: readonly OperationFlag[] = ['outbox', 'idempotency', 'event', 'commit'];

/** `// expect: …` alone on its line. */
const MARKER = /^\s*\/\/\s*expect:(.*)$/;
/** What a mistyped marker looks like (`// Expect:`, `// expects:`, `//expect :`), so it fails instead of vanishing. */
const LOOSE_MARKER = /\/\/\s*expect(?:s|ed)?\s*:/i;
/** The note starts at a dash with a space on each side: `none — why`, `none - why`. */
const NOTE = /\s[—–-]+\s/;

/** Parses every marker of one file. `file` is only used in error messages. */
export function parseMarkers(text: string, file: string): Marker[] {
  const lines = text.split(/\r\n|\r|\n/);
  const markers: Marker[] = [];
  lines.forEach((lineText, index) => {
    const markerLine = index + 1;
    const match = MARKER.exec(lineText);
    if (!match) {
      if (LOOSE_MARKER.test(lineText)) {
        const where = /^\s*\/\//.test(lineText) ? 'write it exactly `// expect: <kind>`' : 'a marker must be a comment on its own line';
        throw new MarkerError(`${file}:${markerLine}: malformed marker: ${where}`);
      }
      return;
    }
    const { kind, flags, note } = parseBody(match[1]!, `${file}:${markerLine}`);
    markers.push({ kind, flags, note, markerLine, line: targetLine(lines, index, `${file}:${markerLine}`) });
  });
  checkCombinations(markers, file);
  return markers;
}

function parseBody(body: string, where: string): Pick<Marker, 'kind' | 'flags' | 'note'> {
  const padded = ` ${body} `;
  const dash = NOTE.exec(padded);
  const head = (dash ? padded.slice(0, dash.index) : padded).trim();
  const note = dash ? padded.slice(dash.index + dash[0].length).trim() : '';
  const [kindWord, ...rest] = head.split(/\s+/).filter(Boolean);
  if (!kindWord || !KINDS.includes(kindWord as MarkerKind)) {
    throw new MarkerError(`${where}: unknown marker kind ${JSON.stringify(kindWord ?? '')}: expected one of ${KINDS.join(', ')}`);
  }
  const kind = kindWord as MarkerKind;
  const flags: Partial<Record<OperationFlag, boolean>> = {};
  for (const token of rest) {
    const flag = /^(\w+)=(yes|no)$/.exec(token);
    if (kind !== 'operation') {
      throw new MarkerError(`${where}: unexpected ${JSON.stringify(token)} after "${kind}" (only an operation marker takes flags; put a note after " — ")`);
    }
    if (!flag || !FLAGS.includes(flag[1] as OperationFlag)) {
      throw new MarkerError(`${where}: bad flag ${JSON.stringify(token)}: expected <${FLAGS.join('|')}>=<yes|no>`);
    }
    const name = flag[1] as OperationFlag;
    if (name in flags) throw new MarkerError(`${where}: flag ${name} given twice`);
    flags[name] = flag[2] === 'yes';
  }
  if (kind === 'none' && note === '') throw new MarkerError(`${where}: a trap needs its reason: // expect: none — <why>`);
  return { kind, flags, note };
}

/** The 1-based line a marker at `index` applies to: skips blank lines, comments and one-line decorators. */
function targetLine(lines: string[], index: number, where: string): number {
  let inBlockComment = false;
  for (let at = index + 1; at < lines.length; at++) {
    const trimmed = lines[at]!.trim();
    if (inBlockComment) {
      if (trimmed.includes('*/')) inBlockComment = false;
      continue;
    }
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    if (trimmed.startsWith('/*')) {
      inBlockComment = !trimmed.slice(2).includes('*/');
      continue;
    }
    if (trimmed.startsWith('@')) {
      // A decorator whose arguments go on over several lines would make its next line the target: refuse it.
      if (!balanced(trimmed)) {
        throw new MarkerError(`${where}: the decorator on line ${at + 1} spans several lines; put the marker below it, just above the line it is about`);
      }
      continue;
    }
    return at + 1;
  }
  throw new MarkerError(`${where}: marker with no line below it to apply to`);
}

/** Are the brackets of a line balanced? Text in quotes is skipped. */
function balanced(line: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let at = 0; at < line.length; at++) {
    const char = line[at]!;
    if (quote) {
      if (char === '\\') at++;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"' || char === '`') {
      quote = char;
    } else if (char === '(' || char === '[' || char === '{') {
      depth++;
    } else if (char === ')' || char === ']' || char === '}') {
      depth--;
    }
  }
  return depth === 0 && quote === undefined;
}

function checkCombinations(markers: Marker[], file: string): void {
  const byLine = new Map<number, Marker[]>();
  for (const marker of markers) byLine.set(marker.line, [...(byLine.get(marker.line) ?? []), marker]);
  for (const [line, onLine] of byLine) {
    if (onLine.length < 2) continue;
    const kinds = onLine.map((marker) => marker.kind);
    if (kinds.includes('none')) throw new MarkerError(`${file}:${line}: a trap (expect: none) cannot also expect ${kinds.filter((k) => k !== 'none').join(', ')}`);
    if (new Set(kinds).size < kinds.length) throw new MarkerError(`${file}:${line}: two "${kinds[0]}" markers apply to the same line`);
  }
}
