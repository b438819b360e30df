import type TS from 'typescript';
import ts from './typescript.js';
import { parseDirectiveComment, type SuppressionDirective } from './suppressions.js';

/**
 * Every directive comment of a parsed file that can touch an outbox rule, in source order. Only comments are read:
 * text in a string or a template is never a directive.
 */
export function collectSuppressions(sourceFile: TS.SourceFile): SuppressionDirective[] {
  const text = sourceFile.text;
  // Nearly every file has none: skip the walk unless the words are there at all.
  if (!text.includes('eslint-disable') && !text.includes('eslint-enable')) return [];
  const seen = new Set<number>();
  const found: SuppressionDirective[] = [];
  const read = (ranges: TS.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      const comment = text.slice(range.pos, range.end);
      if (!comment.includes('eslint-')) continue;
      const start = sourceFile.getLineAndCharacterOfPosition(range.pos);
      const end = sourceFile.getLineAndCharacterOfPosition(range.end);
      const directive = parseDirectiveComment(comment, { line: start.line + 1, column: start.character + 1, endLine: end.line + 1 });
      if (directive) found.push(directive);
    }
  };
  // Every comment is trivia before a token that starts a node or follows a node's end: leading (after a line break)
  // or trailing (on the same line) there.
  const visit = (node: TS.Node): void => {
    read(ts.getLeadingCommentRanges(text, node.pos));
    read(ts.getTrailingCommentRanges(text, node.end));
    read(ts.getLeadingCommentRanges(text, node.end));
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found.sort((a, b) => a.line - b.line || a.column - b.column);
}
