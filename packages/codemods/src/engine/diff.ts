import type { FileChange } from './workspace.js';

const CONTEXT = 3;

/**
 * A unified diff of the run's changes that `git apply` (and `patch -p1`) accept, paths relative to the target root.
 * A small LCS line diff: the files are source files and the changes local, so common head and tail are trimmed first
 * and the table only spans the changed middle.
 */
export function unifiedDiff(changes: readonly FileChange[]): string {
  return changes.map(fileDiff).join('');
}

/** One file's part of `unifiedDiff`: a caller that prints the diff file by file never holds all of it. */
export function fileDiff(change: FileChange): string {
  // Read once: a change may read it from disk (see FileChange).
  const before = change.before;
  const oldLines = before === undefined ? [] : splitLines(before);
  const newLines = splitLines(change.after);
  const header =
    `diff --git a/${change.path} b/${change.path}\n` +
    (before === undefined ? `new file mode 100644\n--- /dev/null\n` : `--- a/${change.path}\n`) +
    `+++ b/${change.path}\n`;
  return header + hunks(oldLines, newLines).join('');
}

interface Line {
  text: string;
  /** The last line of a file without a final newline. */
  noEol: boolean;
}

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const endsWithNewline = parts[parts.length - 1] === '';
  if (endsWithNewline) parts.pop();
  return parts.map((line, i) => ({ text: line, noEol: !endsWithNewline && i === parts.length - 1 }));
}

type Op = { kind: ' ' | '-' | '+'; line: Line };

function sameLine(a: Line, b: Line): boolean {
  return a.text === b.text && a.noEol === b.noEol;
}

function editScript(a: Line[], b: Line[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && sameLine(a[head], b[head])) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && sameLine(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const n = midA.length;
  const m = midB.length;
  // lcs[i][j] = length of the LCS of midA[i..] and midB[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = sameLine(midA[i], midB[j]) ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && sameLine(midA[i], midB[j])) {
      ops.push({ kind: ' ', line: midA[i++] });
      j++;
    } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
      ops.push({ kind: '-', line: midA[i++] });
    } else {
      ops.push({ kind: '+', line: midB[j++] });
    }
  }
  for (const line of a.slice(a.length - tail)) ops.push({ kind: ' ', line });
  return ops;
}

function hunks(a: Line[], b: Line[]): string[] {
  const ops = editScript(a, b);
  const out: string[] = [];
  let index = 0;
  while (index < ops.length) {
    while (index < ops.length && ops[index].kind === ' ') index++;
    if (index >= ops.length) break;
    const start = Math.max(0, index - CONTEXT);
    // Extend the hunk while the next change is within 2 × CONTEXT unchanged lines.
    let end = index;
    let lastChange = index;
    while (end < ops.length) {
      if (ops[end].kind !== ' ') lastChange = end;
      else if (end - lastChange > 2 * CONTEXT) break;
      end++;
    }
    end = Math.min(ops.length, lastChange + CONTEXT + 1);
    let oldStart = 0;
    let newStart = 0;
    for (let k = 0; k < start; k++) {
      if (ops[k].kind !== '+') oldStart++;
      if (ops[k].kind !== '-') newStart++;
    }
    const slice = ops.slice(start, end);
    const oldCount = slice.filter((op) => op.kind !== '+').length;
    const newCount = slice.filter((op) => op.kind !== '-').length;
    let text = `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n`;
    for (const op of slice) {
      text += `${op.kind}${op.line.text}\n`;
      if (op.line.noEol) text += '\\ No newline at end of file\n';
    }
    out.push(text);
    index = end;
  }
  return out;
}

function range(start: number, count: number): string {
  // Unified diff counts lines from 1; an empty range names the line before it.
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}
