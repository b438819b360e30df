import ts from 'typescript';

/**
 * The one parse of a file's current text, shared by the workspace's analysis and the transform that plans edits from
 * it: a transform asks for the analysis, then for the AST of the same text, and gets the same SourceFile instead of a
 * second parse. Only the last few texts are kept, so memory does not grow with the tree.
 */
const RECENT = 32;
const recent = new Map<string, { text: string; source: ts.SourceFile }>();

export function parseSource(file: string, text: string): ts.SourceFile {
  const known = recent.get(file);
  if (known && known.text === text) return known.source;
  const kind = /\.[jt]sx$/.test(file) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  recent.delete(file);
  recent.set(file, { text, source });
  if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return source;
}
