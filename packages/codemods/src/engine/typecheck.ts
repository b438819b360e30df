import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type ts from 'typescript';
import bundled from 'typescript';

type TS = typeof bundled;

/**
 * The type check of a run: the project's own `tsconfig.json` compiled twice over the same files — as the run found
 * them, and with the run's pending texts laid over them in memory — so that only the errors the edits introduce
 * count. Nothing is written; the disk is read for everything the run did not change (lib files, node_modules, the
 * `extends` chain of the config).
 */

/** A type error the run's edits would introduce. */
export interface IntroducedTypeError {
  /** Relative to the root, with '/'. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  /** Offset into the file's pending text. */
  start: number;
  code: number;
  message: string;
}

/** What the check reads: the texts the run started from, and the ones it would leave. */
export interface CheckedTree {
  readonly root: string;
  /** Relative paths of every source file the run sees (created ones included). */
  files(): string[];
  /** The text when the run started; undefined for a file the run creates (or that does not exist). */
  baselineText(file: string): string | undefined;
  /** The text the run would leave, for a file it changed or created; undefined for one it did not touch. */
  pendingText(file: string): string | undefined;
  /** True when the tree lives in memory (tests): nothing under the root is read from disk. */
  readonly inMemory: boolean;
}

export const TSCONFIG = 'tsconfig.json';

type Version = 'baseline' | 'pending';

/**
 * One project's check, made once per run. `newErrors` compiles the pending texts (reusing every unchanged parse of
 * the previous compile) and compares the changed files and the files that import them with the baseline compile.
 */
export class ProjectTypeCheck {
  private readonly root: string;
  private readonly config: ts.ParsedCommandLine;
  /** Parsed files by absolute name and text, shared by both compiles (lib files are parsed once per run). */
  private readonly parsed = new Map<string, { text: string; source: ts.SourceFile }>();
  private baseline: ts.Program | undefined;
  private pending: ts.Program | undefined;
  private readonly baselineCounts = new Map<string, Map<string, number>>();
  private baselineCodes: Set<number> | undefined;

  private constructor(
    private readonly tree: CheckedTree,
    config: ts.ParsedCommandLine,
    private readonly ts: TS,
    /** Which TypeScript checks: `TypeScript 5.4.5 (the project's)`, or the codemod's own. */
    readonly compiler: string,
  ) {
    this.root = path.resolve(tree.root);
    this.config = config;
  }

  /**
   * The check of a tree, or why there is none: no `tsconfig.json` at its root (the project is not TypeScript, or keeps
   * its config elsewhere), or one TypeScript cannot read.
   */
  static open(tree: CheckedTree): ProjectTypeCheck | { unavailable: string } {
    const root = path.resolve(tree.root);
    const { ts, compiler } = compilerFor(tree);
    const configText = tree.baselineText(TSCONFIG);
    if (configText === undefined) return { unavailable: `no ${TSCONFIG} at the root; the changes were not type-checked` };
    const configPath = path.join(root, TSCONFIG);
    const json = ts.parseConfigFileTextToJson(configPath, configText);
    if (json.error) return { unavailable: `${TSCONFIG}: ${ts.flattenDiagnosticMessageText(json.error.messageText, ' ')}; the changes were not type-checked` };
    const host: ts.ParseConfigHost = {
      useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
      fileExists: (file) => readTreeFile(ts, tree, root, file, 'baseline') !== undefined,
      readFile: (file) => readTreeFile(ts, tree, root, file, 'baseline'),
      readDirectory: (dir, extensions, excludes, includes, depth) =>
        tree.inMemory
          ? tree.files().map((f) => path.join(root, f)).filter((f) => f.startsWith(path.resolve(dir)) && (extensions ?? []).some((e) => f.endsWith(e)))
          : ts.sys.readDirectory(dir, extensions, excludes, includes, depth),
    };
    const config = ts.parseJsonConfigFileContent(json.config, host, root, { noEmit: true }, configPath);
    const fatal = config.errors.find((d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003 /* no inputs: checked below */);
    if (fatal) return { unavailable: `${TSCONFIG}: ${ts.flattenDiagnosticMessageText(fatal.messageText, ' ')}; the changes were not type-checked` };
    if (config.fileNames.length === 0) {
      return { unavailable: `${TSCONFIG} compiles no files itself (a solution of project references?); the changes were not type-checked` };
    }
    return new ProjectTypeCheck(tree, config, ts, compiler);
  }

  /** The errors of the pending texts that the baseline did not have, in the given changed files and their importers. */
  newErrors(changed: readonly string[]): IntroducedTypeError[] {
    const program = this.compile('pending');
    const checked = this.filesToCheck(program, changed);
    const out: IntroducedTypeError[] = [];
    for (const file of checked) {
      const source = program.getSourceFile(path.join(this.root, file));
      if (!source) continue;
      const errors = errorsOf(this.ts, program, source);
      if (errors.length === 0) continue;
      // The baseline is compiled only when there is something to compare: usually never.
      const before = new Map(this.baselineErrors(file));
      for (const diagnostic of errors) {
        const key = diagnosticKey(this.ts, diagnostic);
        const left = before.get(key) ?? 0;
        if (left > 0) {
          before.set(key, left - 1);
          continue;
        }
        // A circularity TypeScript meets while checking is reported in whichever file (and for whichever type) it
        // checks first, so it moves with the order of checking: it is new only if the baseline had none of its code.
        if (ORDER_DEPENDENT.has(diagnostic.code) && this.baselineHasCode(diagnostic.code)) continue;
        const start = diagnostic.start ?? 0;
        const at = source.getLineAndCharacterOfPosition(start);
        out.push({ file, line: at.line + 1, column: at.character + 1, start, code: diagnostic.code, message: this.ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').replace(/\s+/g, ' ') });
      }
    }
    return out;
  }

  /** Relative files the pending program's file imports (resolved, inside the root): for tracing an error to its cause. */
  importsOf(file: string): string[] {
    const program = this.pending;
    if (!program) return [];
    const source = program.getSourceFile(path.join(this.root, file));
    return source ? this.resolvedImports(program, source) : [];
  }

  /**
   * The first import the project as it is cannot resolve (TS2307 "Cannot find module", TS2792), if any: its types are
   * then unknown to the check (a class extending it has none of its members), so an error the check blames on a change
   * may be this one's consequence — a Prisma client not generated yet, dependencies not installed. Compiles the
   * baseline when it was not yet (only asked when a change is left out for a type error).
   */
  unresolvedImport(): IntroducedTypeError | undefined {
    const program = this.baseline ?? (this.baseline = this.compile('baseline'));
    for (const source of program.getSourceFiles()) {
      if (source.isDeclarationFile || !isInside(this.root, source.fileName)) continue;
      const found = program.getSemanticDiagnostics(source).find((d) => d.category === this.ts.DiagnosticCategory.Error && UNRESOLVED.has(d.code));
      if (!found) continue;
      const start = found.start ?? 0;
      const at = source.getLineAndCharacterOfPosition(start);
      return { file: path.relative(this.root, source.fileName).split(path.sep).join('/'), line: at.line + 1, column: at.character + 1, start, code: found.code, message: this.ts.flattenDiagnosticMessageText(found.messageText, ' ').replace(/\s+/g, ' ') };
    }
    return undefined;
  }

  /** Does any file of the baseline have an error of this code? (Checks the whole baseline once, when first asked.) */
  private baselineHasCode(code: number): boolean {
    if (!this.baselineCodes) {
      const program = this.baseline ?? (this.baseline = this.compile('baseline'));
      this.baselineCodes = new Set(program.getSemanticDiagnostics().filter((d) => d.category === this.ts.DiagnosticCategory.Error).map((d) => d.code));
    }
    return this.baselineCodes.has(code);
  }

  private baselineErrors(file: string): Map<string, number> {
    let counts = this.baselineCounts.get(file);
    if (counts) return counts;
    counts = new Map();
    const program = this.baseline ?? (this.baseline = this.compile('baseline'));
    const source = program.getSourceFile(path.join(this.root, file));
    if (source) for (const diagnostic of errorsOf(this.ts, program, source)) counts.set(diagnosticKey(this.ts, diagnostic), (counts.get(diagnosticKey(this.ts, diagnostic)) ?? 0) + 1);
    this.baselineCounts.set(file, counts);
    return counts;
  }

  private compile(version: Version): ts.Program {
    this.treeDirs = new Set();
    for (const file of this.tree.files()) {
      for (let dir = path.posix.dirname(file); dir !== '.' && !this.treeDirs.has(dir); dir = path.posix.dirname(dir)) this.treeDirs.add(dir);
    }
    const rootNames = [...this.config.fileNames];
    if (version === 'pending') {
      const known = new Set(rootNames.map((f) => path.resolve(f)));
      const dirs = new Set([...known].map((f) => path.dirname(f)));
      for (const file of this.tree.files()) {
        const abs = path.join(this.root, file);
        // A file the run creates belongs to the project when the project compiles its folder (or the folder above).
        if (known.has(abs) || this.tree.baselineText(file) !== undefined || !/\.(ts|tsx|mts|cts)$/.test(file) || file.endsWith('.d.ts')) continue;
        if (dirs.has(path.dirname(abs)) || dirs.has(path.dirname(path.dirname(abs)))) rootNames.push(abs);
      }
    }
    const host = this.host(version);
    const program = this.ts.createProgram({ rootNames, options: this.config.options, host, ...(version === 'pending' && this.pending ? { oldProgram: this.pending } : {}), projectReferences: this.config.projectReferences });
    if (version === 'pending') this.pending = program;
    return program;
  }

  private readonly hosts = new Map<Version, ts.CompilerHost>();
  /** Folders (relative) holding a file of the tree, as of the last compile. */
  private treeDirs = new Set<string>();
  private readonly resolutions = new Map<string, string | undefined>();

  private host(version: Version): ts.CompilerHost {
    const known = this.hosts.get(version);
    if (known) return known;
    const base = this.ts.createCompilerHost(this.config.options, true);
    const read = (file: string): string | undefined => readTreeFile(this.ts, this.tree, this.root, file, version);
    const host: ts.CompilerHost = {
      ...base,
      fileExists: (file) => read(file) !== undefined,
      readFile: read,
      directoryExists: (dir) => {
        const rel = this.relative(path.resolve(dir));
        if (rel !== undefined) {
          if (rel === '' || this.treeDirs.has(rel)) return true;
          if (this.tree.inMemory) return false;
        }
        return this.ts.sys.directoryExists(dir);
      },
      getSourceFile: (file, languageVersion) => {
        const text = read(file);
        if (text === undefined) return undefined;
        const abs = path.resolve(file);
        const rel = this.relative(abs);
        // The baseline and the pending text of a changed file are both kept: the two compiles alternate.
        const slot = `${version === 'pending' && rel !== undefined && this.tree.pendingText(rel) !== undefined ? 'pending' : 'baseline'}:${abs}`;
        const cached = this.parsed.get(slot);
        if (cached && cached.text === text) return cached.source;
        const source = this.ts.createSourceFile(file, text, languageVersion, false);
        this.parsed.set(slot, { text, source });
        return source;
      },
      writeFile: () => undefined,
    };
    this.hosts.set(version, host);
    return host;
  }

  private relative(abs: string): string | undefined {
    if (abs !== this.root && !abs.startsWith(this.root + path.sep)) return undefined;
    return path.relative(this.root, abs).split(path.sep).join('/');
  }

  /** The changed files the project compiles, and the project's files that import one of them. */
  private filesToCheck(program: ts.Program, changed: readonly string[]): string[] {
    const wanted = new Set(changed.filter((f) => program.getSourceFile(path.join(this.root, f)) !== undefined));
    const targets = new Set([...wanted]);
    for (const source of program.getSourceFiles()) {
      const rel = this.relative(path.resolve(source.fileName));
      if (!rel || rel.includes('node_modules/') || source.isDeclarationFile || wanted.has(rel)) continue;
      if (this.resolvedImports(program, source).some((f) => targets.has(f))) wanted.add(rel);
    }
    return [...wanted].sort();
  }

  private resolvedImports(program: ts.Program, source: ts.SourceFile): string[] {
    const out: string[] = [];
    for (const specifier of importSpecifiers(this.ts, source)) {
      const key = `${source.fileName}\u0000${specifier}`;
      if (!this.resolutions.has(key)) {
        const resolved = this.ts.resolveModuleName(specifier, source.fileName, program.getCompilerOptions(), this.host('pending')).resolvedModule;
        const found = resolved && this.relative(path.resolve(resolved.resolvedFileName));
        // Only what resolved is kept: a file the run creates later may answer a specifier that found nothing yet.
        if (!found) continue;
        this.resolutions.set(key, found);
      }
      const rel = this.resolutions.get(key);
      if (rel && !rel.includes('node_modules/')) out.push(rel);
    }
    return out;
  }
}

/**
 * The TypeScript the project compiles with, when it has one of its own (`typescript` resolved from its root to a file
 * inside it, 3.0 or later: what the check calls is there since): the errors that count are the ones its own `tsc` would report (a project
 * on TypeScript 4 reads its tsconfig's defaults, and its libraries' types, as 4 does). Otherwise the codemod's own.
 */
export function compilerFor(tree: CheckedTree): { ts: TS; compiler: string } {
  const own = { ts: bundled, compiler: `TypeScript ${bundled.version} (the codemod's own)` };
  if (tree.inMemory) return own;
  const load = createRequire(path.join(path.resolve(tree.root), 'package.json'));
  let entry: string;
  let version: string | undefined;
  try {
    entry = load.resolve('typescript');
    // Only a compiler inside the project (its own node_modules, links followed): never code from a folder above it.
    const root = realpathSync(path.resolve(tree.root));
    if (!realpathSync(entry).startsWith(root + path.sep)) return own;
    version = (JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return own;
  }
  if (!(Number((version ?? '').split('.')[0]) >= 3) || version === bundled.version) return own;
  try {
    const ts = load(entry) as TS;
    if (typeof ts.createProgram !== 'function' || typeof ts.parseJsonConfigFileContent !== 'function') throw new Error('it has no compiler API');
    return { ts, compiler: `TypeScript ${ts.version} (the project's)` };
  } catch (error) {
    return { ts: bundled, compiler: `TypeScript ${bundled.version} (the codemod's own: the project's ${version} could not be loaded: ${(error as Error).message.split('\n')[0]})` };
  }
}

function importSpecifiers(ts: TS, source: ts.SourceFile): string[] {
  const out: string[] = [];
  for (const statement of source.statements) {
    if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      out.push(statement.moduleSpecifier.text);
    }
  }
  return out;
}

function errorsOf(ts: TS, program: ts.Program, source: ts.SourceFile): ts.Diagnostic[] {
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].filter((d) => d.category === ts.DiagnosticCategory.Error);
}

/**
 * Errors whose place depends on the order TypeScript checks files in (a type found circular, or too deep, while
 * resolving it for whichever file needed it first): 2615 "circularly references itself in mapped type", 2502, 7022,
 * 7023 (implicit any through a circular reference), 2589 "excessively deep", 2590 "too complex to represent".
 */
const ORDER_DEPENDENT = new Set([2615, 2502, 7022, 7023, 2589, 2590]);

/** "Cannot find module '…'" (2307), and its variant that suggests another moduleResolution (2792). */
const UNRESOLVED = new Set([2307, 2792]);

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !rel.split(path.sep).includes('node_modules');
}

/** Errors are compared by code and text: positions move with every edit. */
function diagnosticKey(ts: TS, diagnostic: ts.Diagnostic): string {
  return `${diagnostic.code}|${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
}

/** A file as one version of the tree has it: the run's pending text for what it changes, the disk for the rest. */
function readTreeFile(ts: TS, tree: CheckedTree, root: string, file: string, version: Version): string | undefined {
  const abs = path.resolve(file);
  if (abs === root || abs.startsWith(root + path.sep)) {
    const rel = path.relative(root, abs).split(path.sep).join('/');
    if (version === 'pending') {
      const pending = tree.pendingText(rel);
      if (pending !== undefined) return pending;
    }
    if (tree.inMemory) return tree.baselineText(rel);
  }
  // What the run does not change is read as tsc reads it (node_modules may well be links in a workspace).
  return existsSync(abs) ? ts.sys.readFile(abs) : undefined;
}
