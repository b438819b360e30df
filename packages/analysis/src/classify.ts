import type { FileAnalysis, FileRole } from './types.js';
import type { OutboxSettings } from './settings.js';
import { compileGlobs } from './patterns.js';
import { mentionsRouterDecorator, textMayMatter } from './precheck.js';

export interface FileClass {
  role: FileRole;
  /**
   * The folder under `modules/` that holds the file; else, with a project layout, the nearest package's name and the
   * file's folder (`@acme/api/orders`); else the file's parent folder ('' for a bare file name).
   */
  module: string;
  /** True when the path matches `ignore`: such a file is never analysed (its role is 'other'). */
  ignored: boolean;
  /** True for a test file: read, but never a router or a service, whatever its classes' decorators say. */
  test?: boolean;
}

/** A folder of the audited tree with a package.json: its path relative to the root ('' for the root) and its name. */
export interface PackageInfo {
  dir: string;
  name?: string;
}

/**
 * What the analysis knows of the tree around a file, beyond its path: the packages of a monorepo, so a module is
 * named after its package (`@acme/api/services`), not a bare `services` shared by every package.
 */
export interface ProjectLayout {
  packages: PackageInfo[];
}

interface Matchers {
  ignore: (path: string) => boolean;
  test: (path: string) => boolean;
  router: (path: string) => boolean;
  service: (path: string) => boolean;
  /** Paths classified so far: the audit asks about each file up to three times (a monorepo's paths, a few MB at most). */
  classes: Map<string, FileClass>;
  /** The same, per project layout. */
  classesIn: WeakMap<ProjectLayout, Map<string, FileClass>>;
}

// The audit classifies every path of a monorepo, so the glob matchers are compiled once per settings object.
const matcherCache = new WeakMap<OutboxSettings, Matchers>();

function matchersFor(settings: OutboxSettings): Matchers {
  let matchers = matcherCache.get(settings);
  if (!matchers) {
    // Linear-time matchers: the globs come from a config a pull request can change (see patterns.ts).
    const compile = (globs: string[]) => compileGlobs(globs);
    matchers = {
      ignore: compile(settings.ignore),
      test: compile(settings.testFiles),
      router: compile(settings.routerFiles),
      service: compile(settings.serviceFiles),
      classes: new Map(),
      classesIn: new WeakMap(),
    };
    matcherCache.set(settings, matchers);
  }
  return matchers;
}

/**
 * `classifyFile(path, settings)` for a caller that asks about each path once, file after file (a linter): the same
 * answer, but the path is not added to the table `classifyFile` keeps, so a long run does not hold one entry for
 * every file it saw (2,460 files of a public backend: 0.57 MB kept to the end of an ESLint run).
 */
export function classifyPathOnce(path: string, settings: OutboxSettings): FileClass {
  const matchers = matchersFor(settings);
  return matchers.classes.get(path) ?? classify(normalizePath(path), matchers, undefined);
}

/** `C:\x\y.ts` → `C:/x/y.ts`; globs are written with `/`. */
export function normalizePath(path: string): string {
  return path.includes('\\') ? path.replace(/\\/g, '/') : path;
}

/**
 * The role and module of a file by its path (relative to the audited root when a layout is given). The result is
 * shared between callers: read it, do not change it.
 */
export function classifyFile(path: string, settings: OutboxSettings, layout?: ProjectLayout): FileClass {
  const matchers = matchersFor(settings);
  // The role is the path's alone: matched once per path, whatever the layout; a layout only renames the module.
  let found = matchers.classes.get(path);
  if (!found) {
    found = classify(normalizePath(path), matchers, undefined);
    matchers.classes.set(path, found);
  }
  if (!layout) return found;
  let classes = matchers.classesIn.get(layout);
  if (!classes) {
    classes = new Map();
    matchers.classesIn.set(layout, classes);
  }
  let inLayout = classes.get(path);
  if (!inLayout) {
    inLayout = { ...found, module: moduleOf(normalizePath(path), layout) };
    classes.set(path, inLayout);
  }
  return inLayout;
}

function classify(normalized: string, matchers: Matchers, layout: ProjectLayout | undefined): FileClass {
  const module = moduleOf(normalized, layout);
  if (matchers.ignore(normalized)) return { role: 'other', module, ignored: true };
  if (matchers.test(normalized)) return { role: 'other', module, ignored: false, test: true };
  // A path that is both (e.g. `routes/user.service.ts`) is a router: DB work there is what the router rule is for.
  if (matchers.router(normalized)) return { role: 'router', module, ignored: false };
  if (matchers.service(normalized)) return { role: 'service', module, ignored: false };
  return { role: 'other', module, ignored: false };
}

/** Folders that hold a package's code and say nothing about a module: `api/src/x.service.ts` is module `api`. */
const SOURCE_ROOTS = new Set(['src', 'lib', 'app', 'source']);

export function moduleOf(path: string, layout?: ProjectLayout): string {
  const segments = path.split('/');
  const modulesAt = segments.lastIndexOf('modules');
  if (modulesAt >= 0 && modulesAt < segments.length - 2) return segments[modulesAt + 1]!;
  const parent = segments.length >= 2 ? segments[segments.length - 2]! : '';
  const pkg = layout && nearestPackage(path, layout);
  if (!pkg) return parent;
  const label = pkg.name || pkg.dir || parent;
  const inside = (pkg.dir ? segments.slice(pkg.dir.split('/').length) : segments).slice(0, -1);
  if (inside.length > 0 && SOURCE_ROOTS.has(inside[0]!)) inside.shift();
  return inside.length === 0 ? label : `${label}/${inside[inside.length - 1]}`;
}

/** The packages of a layout by folder, so a file's nearest package is found by walking up its folders. */
const packagesByDir = new WeakMap<ProjectLayout, { packages: PackageInfo[]; byDir: Map<string, PackageInfo> }>();

function nearestPackage(path: string, layout: ProjectLayout): PackageInfo | undefined {
  let index = packagesByDir.get(layout);
  if (!index || index.packages !== layout.packages) {
    const byDir = new Map<string, PackageInfo>();
    // The first listed keeps a folder listed twice, as a scan of the list in order does.
    for (const pkg of layout.packages) if (!byDir.has(pkg.dir)) byDir.set(pkg.dir, pkg);
    index = { packages: layout.packages, byDir };
    packagesByDir.set(layout, index);
  }
  const byDir = index.byDir;
  for (let end = path.lastIndexOf('/'); end > 0; end = path.lastIndexOf('/', end - 1)) {
    const pkg = byDir.get(path.slice(0, end));
    if (pkg) return pkg;
  }
  return byDir.get('');
}

/**
 * The pre-check before parsing (precheck.ts): can this file matter at all? A router or service file matters only if
 * its text names a DB handle or something that makes one (the session style's `dbHandles`, a data preset's names,
 * types, producing functions and models), a router decorator or a name the checklist reads; any other file only for
 * the last two. Everything else (most of a monorepo, most route and service files of an ORM codebase) is never parsed.
 *
 * `OUTBOX_PRECHECK=off` in the environment parses every router and service file instead: only to compare the two
 * (the results must be the same but for the files parsed, see precheck.ts).
 */
export function isCandidate(path: string, text: string, settings: OutboxSettings, layout?: ProjectLayout): boolean {
  const { role, ignored } = classifyFile(path, settings, layout);
  if (ignored) return false;
  if (role !== 'other' && process.env.OUTBOX_PRECHECK === 'off') return true;
  return textMayMatter(role, text, settings);
}

/**
 * A router file by its path that the pre-check spares although it declares routes by decorator (a NestJS controller
 * or resolver that names no DB handle): the analysis of it, without parsing it, is its role and module and nothing
 * else — a router yields router DB calls and operations only through a handle (precheck.ts). The front-ends list it
 * with the routers they analysed, as they did when such files were parsed. Undefined for any other file.
 */
export function declaredRouterAnalysis(path: string, text: string, settings: OutboxSettings, layout?: ProjectLayout): FileAnalysis | undefined {
  const { role, module, ignored } = classifyFile(path, settings, layout);
  if (ignored || role !== 'router' || textMayMatter(role, text, settings) || !mentionsRouterDecorator(text, settings)) return undefined;
  return { file: path, role, module, routerDbCalls: [], routes: [], operations: [], classes: [], functions: [], imports: [], suppressions: [], diagnostics: [] };
}

/**
 * Can a file the globs give no role hold DB work the report should name (`strayDbCalls`: "DB work outside every
 * role")? Only when it is neither ignored nor a test and its text names a DB handle the way a router or a service
 * would have to (the pre-check of precheck.ts, asked as if the file had a role). The audit asks this only when its
 * routers and services yielded nothing, to say where the work is instead of a bare "no operations found".
 */
export function mayHoldStrayDbWork(path: string, text: string, settings: OutboxSettings, layout?: ProjectLayout): boolean {
  const { role, ignored, test } = classifyFile(path, settings, layout);
  if (ignored || test || role !== 'other') return false;
  return textMayMatter('service', text, settings);
}

/**
 * A file the globs give no role may still declare routes by its decorators (`@Controller()` in any file, when a web
 * preset such as nestjs is on). The front-ends analyse such a file rather than skip it on its path.
 */
export function mayDeclareRoutes(text: string, settings: OutboxSettings, path?: string): boolean {
  if (path !== undefined && classifyFile(path, settings).test) return false;
  return mentionsRouterDecorator(text, settings);
}
