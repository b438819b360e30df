import { isAbsolute, relative } from 'node:path';
import type TS from 'typescript';
import ts from 'outbox-analysis/typescript';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { analyzeFile, analyzeSourceFile, diskLayout } from 'outbox-analysis/lint';
import { classifyPathOnce, mentionsRouterDecorator, textMayMatter } from 'outbox-analysis/lint';
import { DEFAULT_SETTINGS, resolveSettings, type OutboxSettings, type PartialSettings } from 'outbox-analysis/lint';
import type { FileAnalysis, FileRole, ProjectLayout, SourceSpan } from 'outbox-analysis/lint';

/**
 * The rules' door to the analysis. Each rule asks for the file it is linting; the first one to ask analyses the
 * SourceFile typescript-eslint already parsed and the other three get the cached result.
 */

export interface LintTarget {
  /** Path relative to ESLint's cwd, with `/`: what the globs and the audit see. */
  path: string;
  /** ESLint's cwd, the root `path` is relative to (undefined when the file is outside it). */
  root?: string;
  role: FileRole;
  settings: OutboxSettings;
  /**
   * The analysis' pre-check says nothing in the file can matter (no DB handle, router decorator or checklist name in
   * its text): the rules return at once, before anything is analysed.
   */
  inert: boolean;
}

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const resolvedSettings = new WeakMap<object, OutboxSettings>();

/** `settings.outbox` of the flat config merged over the defaults, once per settings object. */
export function settingsOf(context: AnyContext): OutboxSettings {
  const partial = (context.settings as { outbox?: PartialSettings } | undefined)?.outbox;
  if (partial === undefined || partial === null || typeof partial !== 'object') return DEFAULT_SETTINGS;
  let settings = resolvedSettings.get(partial);
  if (!settings) {
    settings = resolveSettings(partial);
    resolvedSettings.set(partial, settings);
  }
  return settings;
}

/**
 * ESLint runs every rule of one file before it moves to the next, so remembering the file being linted is enough to
 * share work between the four rules — and, unlike a WeakMap keyed by each file's AST, it gives the garbage collector
 * no ephemeron tables to trace (measured: a tenth of the plugin's overhead on 500 files). The record holds the file's
 * SourceCode, which ESLint's Linter keeps too until its next file, and the file's analysis once a rule asked for it.
 * It is replaced as soon as a rule asks about the next file, so the analysis never outlives its file: kept until the
 * next analysed file instead, it held that file's whole SourceCode (ESLint's tree, tokens and scopes, and
 * TypeScript's tree) alive through every inert file that followed.
 */
let current: { sourceCode: object; target: LintTarget; analysis?: { settings: OutboxSettings; analysis: FileAnalysis } } | undefined;

/**
 * The file's role, decided from its path alone (no parsing), so a rule can return at once on the files that
 * cannot hold router calls or operations; computed once per file for all the rules. Paths are made relative to
 * the cwd so that a checkout under, say, `/build/` is not matched by the `**\/build/**` ignore glob.
 */
export function lintTarget(context: AnyContext): LintTarget {
  const settings = settingsOf(context);
  if (current?.sourceCode === context.sourceCode && current.target.settings === settings) return current.target;
  const filename = context.filename;
  const cwd = context.cwd;
  let path = filename;
  let root: string | undefined;
  if (cwd && isAbsolute(filename)) {
    const inside = relative(cwd, filename);
    if (!inside.startsWith('..') && !isAbsolute(inside)) {
      path = inside;
      root = cwd;
    }
  }
  path = path.replace(/\\/g, '/');
  // Each file is classified once here (the analysis classifies the files it analyses again, with their packages).
  const { role: byPath, ignored, test } = classifyPathOnce(path, settings);
  // A `@Controller` class makes a router of any file but a test (nestjs preset): such a file is analysed like one.
  const text = context.sourceCode.text;
  const role = byPath === 'other' && !ignored && !test && mentionsRouterDecorator(text, settings) ? 'router' : byPath;
  const inert = role === 'other' || (byPath !== 'other' && !textMayMatter(byPath, text, settings));
  const target: LintTarget = { path, ...(root ? { root } : {}), role, settings, inert };
  current = { sourceCode: context.sourceCode, target };
  return target;
}

/**
 * The analysis of the file being linted, computed by the first rule that asks and shared with the others (kept with
 * the file's record from `lintTarget`, so it goes when the next file comes).
 */
export function fileAnalysis(context: AnyContext, target: LintTarget): FileAnalysis {
  const sourceCode = context.sourceCode;
  const record = current?.sourceCode === sourceCode ? current : undefined;
  if (record?.analysis?.settings === target.settings) return record.analysis.analysis;
  const sourceFile = sourceFileOf(sourceCode);
  const layout = layoutOf(target);
  const analysis = sourceFile
    ? analyzeSourceFile(sourceFile, target.path, target.settings, layout)
    : analyzeFile(target.path, sourceCode.text, target.settings, layout);
  if (record) record.analysis = { settings: target.settings, analysis };
  return analysis;
}

/**
 * The packages above the file, read as the audit reads them, so an operation's module is the audit's
 * (`@acme/api/services`, not a bare `services`).
 */
function layoutOf(target: LintTarget): ProjectLayout | undefined {
  return target.root === undefined ? undefined : diskLayout(target.root)(target.path);
}

/**
 * The SourceFile class of the analysis' TypeScript. TypeScript is the project's (a peer dependency of the parser and
 * of this plugin), so the parser's may be another copy or another version than the analysis', whose syntax kinds
 * are numbered differently: its tree is reused only when it was built by the same TypeScript.
 */
let ourSourceFile: unknown;
function builtByOurTypeScript(node: TS.Node): boolean {
  ourSourceFile ??= ts.createSourceFile('probe.ts', '', ts.ScriptTarget.Latest).constructor;
  return node.constructor === ourSourceFile;
}

/**
 * The TypeScript AST typescript-eslint built (no type information needed); undefined under another parser, or when
 * the parser's TypeScript is not the analysis' (the file is then parsed again).
 */
function sourceFileOf(sourceCode: Readonly<TSESLint.SourceCode>): TS.SourceFile | undefined {
  const map = sourceCode.parserServices?.esTreeNodeToTSNodeMap;
  const node = map?.get(sourceCode.ast as TSESTree.Node) as TS.Node | undefined;
  return node && builtByOurTypeScript(node) && node.kind === ts.SyntaxKind.SourceFile ? (node as TS.SourceFile) : undefined;
}

/** A SourceSpan (1-based columns) as an ESLint location (0-based columns). */
export function locOf(span: SourceSpan): TSESTree.SourceLocation {
  return {
    start: { line: span.line, column: span.column - 1 },
    end: { line: span.endLine, column: span.endColumn - 1 },
  };
}
