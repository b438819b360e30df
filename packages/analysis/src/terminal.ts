/**
 * C0 and C1 control characters, DEL, the Unicode line and paragraph separators, and the bidirectional overrides and
 * isolates (which reorder what a reviewer sees): shown as `\uXXXX`, never sent raw.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const visible = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A value from the audited code (a file name, a name, a reason quoting one) for a terminal or a log: control
 * characters shown as `\u001b`, `\u000a`, … (one line, no escapes run). The audit's and the codemods' command lines
 * both print through it.
 */
export function terminalText(value: string): string {
  return value.replace(UNSAFE, visible);
}
