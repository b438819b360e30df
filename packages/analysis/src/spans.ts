import type TS from 'typescript';
import type { SourceSpan } from './types.js';

/** The span of a node without its leading trivia (comments, whitespace), 1-based lines and columns. */
export function spanOf(node: TS.Node, sourceFile: TS.SourceFile): SourceSpan {
  return spanOfRange(node.getStart(sourceFile), node.getEnd(), sourceFile);
}

export function spanOfRange(start: number, end: number, sourceFile: TS.SourceFile): SourceSpan {
  const from = sourceFile.getLineAndCharacterOfPosition(start);
  const to = sourceFile.getLineAndCharacterOfPosition(end);
  return { line: from.line + 1, column: from.character + 1, endLine: to.line + 1, endColumn: to.character + 1, start, end };
}

/** 1-based line of a node's first token. */
export function lineOf(node: TS.Node, sourceFile: TS.SourceFile): number {
  return sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
}
