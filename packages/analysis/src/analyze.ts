import type TS from 'typescript';
import ts from './typescript.js';
import type { FileAnalysis, FileDiagnostic } from './types.js';
import type { OutboxSettings } from './settings.js';
import { classifyFile, type ProjectLayout } from './classify.js';
import { buildFileModel } from './model.js';
import { OperationAnalyzer } from './operations.js';
import { spanOf } from './spans.js';
import { collectSuppressions } from './comments.js';

/**
 * The facts about one file, from a TypeScript AST: the ESLint rules pass the SourceFile typescript-eslint already
 * parsed, the codemods one they parse themselves, the audit one from `analyzeFile`. `path` decides the role and the
 * module and is copied into the result as given; `layout` (the packages of the tree) names modules after their package.
 */
export function analyzeSourceFile(sourceFile: TS.SourceFile, path: string, settings: OutboxSettings, layout?: ProjectLayout): FileAnalysis {
  const { role, module, test } = classifyFile(path, settings, layout);
  const diagnostics = parseDiagnostics(sourceFile, path);
  try {
    const model = buildFileModel(sourceFile, settings, role, path, test === true);
    // A `@Controller` class makes a router of a file the globs did not name.
    const effectiveRole = role === 'router' || model.classes.some((cls) => cls.role === 'router') ? 'router' : role;
    return {
      file: path,
      role: effectiveRole,
      module,
      routerDbCalls: model.routerDbCalls,
      routes: model.routes.map((unit) => ({
        route: unit.name,
        registration: spanOf(unit.routeCall ?? unit.fn, sourceFile),
        handler: spanOf(unit.fn, sourceFile),
        ...(unit.owner?.role === 'router' && unit.owner.facts.name ? { controller: unit.owner.facts.name } : {}),
      })),
      operations: new OperationAnalyzer(model, path, module).operations(),
      classes: model.classes.map((cls) => cls.facts).sort((a, b) => a.line - b.line),
      functions: model.functions,
      imports: model.imports,
      suppressions: collectSuppressions(sourceFile),
      ...(model.strayDbCalls.length > 0 ? { strayDbCalls: model.strayDbCalls } : {}),
      diagnostics,
    };
  } catch (error) {
    // An analysis bug must not take a whole audit or lint run down with it: report it against the file.
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...emptyAnalysis(path, settings, layout),
      diagnostics: [...diagnostics, { file: path, message: `analysis failed: ${message}; please report this file's shape`, fatal: true }],
    };
  }
}

/**
 * Parses `text` as the analysis does (never throws): the SourceFile, or the parse's error message. A caller that
 * analyses one text under several settings (outbox-audit init tries every file as a router and as a service) parses
 * it once and passes the SourceFile to `analyzeSourceFile` for each; the analysis never changes the tree.
 */
export function parseFile(path: string, text: string): { sourceFile: TS.SourceFile } | { error: string } {
  try {
    // No parent pointers: the analysis never reads them (model.ts), and setting them is a quarter of the parse. No
    // JSDoc either: the analysis reads no comment, and skipping them spares a fifth of a cold parse on documented
    // code (614 route and service files of a public backend: 1.1-1.4 s -> 0.87-0.93 s of CPU, bench/repo.ts).
    const sourceFile = ts.createSourceFile(
      path,
      text,
      { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
      false,
      scriptKindOf(path),
    );
    return { sourceFile };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Parses `text` (never throws) and analyses it. A syntax error becomes a diagnostic; what parsed is still analysed. */
export function analyzeFile(path: string, text: string, settings: OutboxSettings, layout?: ProjectLayout): FileAnalysis {
  const parsed = parseFile(path, text);
  if ('error' in parsed) {
    return { ...emptyAnalysis(path, settings, layout), diagnostics: [{ file: path, message: `parse error: ${parsed.error}`, fatal: true }] };
  }
  return analyzeSourceFile(parsed.sourceFile, path, settings, layout);
}

function emptyAnalysis(path: string, settings: OutboxSettings, layout: ProjectLayout | undefined): FileAnalysis {
  const { role, module } = classifyFile(path, settings, layout);
  return { file: path, role, module, routerDbCalls: [], routes: [], operations: [], classes: [], functions: [], imports: [], suppressions: [], diagnostics: [] };
}

export function scriptKindOf(path: string): TS.ScriptKind {
  const dot = path.lastIndexOf('.');
  switch (dot < 0 ? '' : path.slice(dot + 1).toLowerCase()) {
    case 'tsx':
      return ts.ScriptKind.TSX;
    case 'js':
    case 'mjs':
    case 'cjs':
      return ts.ScriptKind.JS;
    case 'jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.TS;
  }
}

/** `parseDiagnostics` is not in TypeScript's public typings, but every parsed SourceFile carries it. */
function parseDiagnostics(sourceFile: TS.SourceFile, path: string): FileDiagnostic[] {
  const found = (sourceFile as TS.SourceFile & { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics;
  const firstError = found?.find((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (!firstError) return [];
  // Only the first: later syntax errors are usually echoes of it.
  const line = firstError.start !== undefined ? sourceFile.getLineAndCharacterOfPosition(firstError.start).line + 1 : undefined;
  const message = ts.flattenDiagnosticMessageText(firstError.messageText, ' ');
  return [{ file: path, message: `parse error: ${message}${line !== undefined ? ` (line ${line})` : ''}`, ...(line !== undefined ? { line } : {}) }];
}
