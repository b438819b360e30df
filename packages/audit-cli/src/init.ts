import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { CONFIG_FILE_NAME, DEFAULT_SETTINGS, PRESET_NAMES, compileGlobs, detectPresets, isCandidate, mayCallByName, presetByName, resolveSettings, type FileAnalysis, type PartialSettings, type PresetDetection } from 'outbox-analysis/core';
import { runAudit, UsageError, DEFAULT_MAX_FILE_SIZE, type AuditOptions } from './audit.js';
import { analyzeBatch, analyzeBatchUnder, type ParsedSources, type SourceTexts } from './batch.js';
import { createBaseline } from './baseline.js';
import { discoverFiles, type DiscoveredFile } from './discover.js';
import { writeAtomic } from './write.js';
import type { AuditReport } from './report.js';
import { guardCommandLines, terminalText } from './printers/escape.js';
import { writeFileAtomic } from './safe-fs.js';

/**
 * `outbox-audit init`: a starter outbox.config.json from what the analysis finds in a codebase, and a baseline of its
 * current gaps. The analysis runs with permissive settings (every file a router, then every file a service; many DB
 * handle names); what it finds there decides the globs and the handle names. No file is classified here by its text.
 */

export const DEFAULT_BASELINE_FILE = '.outbox-baseline.json';

/** Names a DB handle is often given; init keeps the ones the analysis actually finds DB work through. */
export const CANDIDATE_DB_HANDLES = [
  'db',
  'session',
  'tx',
  'trx',
  'transaction',
  'conn',
  'connection',
  'database',
  'client',
  'pool',
  'em',
  'entityManager',
  'manager',
  'queryRunner',
];

/**
 * Libraries that talk to a database or serve HTTP but have no preset yet: init names them ("could not place") so a
 * silent zero is never mistaken for a clean codebase.
 */
const UNPLACED = ['mongoose', '@typegoose/typegoose', 'mongodb', 'objection', 'pg-promise', 'slonik', 'postgres', 'mysql2', 'mysql', 'better-sqlite3', '@supabase/supabase-js', 'firebase-admin', 'typeorm-transactional', '@hapi/hapi', 'restify'];
/** Drivers a data preset loads itself: with that preset on they are no stack of their own. */
const DRIVERS = new Set(['mysql2', 'mysql', 'better-sqlite3', 'postgres']);

/**
 * Code that is no operation's, whatever it writes: seeds, scripts, migrations, tests and their fixtures, examples.
 * A folder so named (or a `seed.ts`, `*.seed.ts`, `*.migration.ts`) is kept out of the written globs.
 */
const NO_ROLE_FOLDER = /^(?:seeds?|seeders?|seeding|scripts?|migrations?|tests?|__tests__|integration-tests?|e2e|__fixtures__|fixtures?|__mocks__|mocks?|examples?|benchmarks?|bench|stories|storybook)$/i;
const NO_ROLE_FILE = /(?:^|[.-])(?:seed|seeds|seeder|migration)\.[cm]?[jt]sx?$|^seed[\w-]*\.[cm]?[jt]s$/i;
/** Component files: a folder where they are most of the sources is a front-end. */
const COMPONENT = /\.(?:tsx|jsx)$/;
/** Libraries a user interface is written with; a package on one of them and on no server or DB library is a front-end. */
const UI_LIBRARIES = ['react', 'react-dom', 'vue', 'svelte', '@angular/core', 'solid-js', 'preact', 'react-native', 'expo', 'electron', '@tauri-apps/api'];

/** The extensions a written glob covers, as the default globs do. */
const EXT = '{ts,mts,cts,js,mjs,cjs}';

export interface InitOptions {
  root: string;
  /** Overwrite an existing outbox.config.json / baseline. */
  force?: boolean;
  /** Where to write the baseline, relative to the current folder (default `<root>/.outbox-baseline.json`). */
  baselineFile?: string;
}

export interface InitResult {
  configFile: string;
  baselineFile: string;
  config: PartialSettings & { $schema: string };
  /** The stacks found in the codebase's package.json files and imports, and why. */
  detection: PresetDetection;
  /** Dependencies that do DB or HTTP work but match no preset. */
  unplaced: string[];
  /** Files whose route handlers do DB work, relative to the root. */
  routerFiles: string[];
  /** Files with classes whose public methods write through a DB handle. */
  serviceFiles: string[];
  /** Per role: 'default' when the default globs already match some of its files (a naming convention is in use). */
  globs: { router: 'default' | 'written'; service: 'default' | 'written' };
  /** Files doing a role's DB work that the written config does not classify (infrastructure, or a file to add). */
  unmatched: string[];
  /** Files doing DB work that init kept out of every role: a front-end, a seed, a script, a migration, a test. */
  leftOut: { file: string; why: string }[];
  /** Front-end packages written to `ignore` (never analysed). */
  frontends: string[];
  /** The codebase's own write methods over its ORM, written to `dbWriteCalls`, each with where it writes. */
  writeWrappers: WriteWrapper[];
  dbHandles: string[];
  report: AuditReport;
}

type Role = 'router' | 'service';

/** Settings under which every backend source is of one role. */
function permissive(role: Role, dbHandles: string[], presets: string[]): PartialSettings {
  // Backend sources only: a `.tsx` component saving a front-end model is no service.
  return {
    presets,
    routerFiles: role === 'router' ? [`**/*.${EXT}`] : [],
    serviceFiles: role === 'service' ? [`**/*.${EXT}`] : [],
    dbHandles,
  };
}

/** Whether the analysis finds a role's work in a file analysed with that role. */
function hasRole(role: Role, a: FileAnalysis): boolean {
  return role === 'router'
    ? a.routerDbCalls.some((c) => c.route !== undefined) || a.operations.some((o) => o.kind === 'router')
    : a.operations.some((o) => o.kind === 'service');
}

/** Analyses every file with one permissive role; a file "has" the role when the analysis finds that role's work in it. */
async function analyseAs(files: DiscoveredFile[], role: Role, dbHandles: string[], presets: string[], parsed?: ParsedSources, texts?: SourceTexts): Promise<FileAnalysis[]> {
  return (await analyzeBatch(files, permissive(role, dbHandles, presets), DEFAULT_MAX_FILE_SIZE, undefined, undefined, undefined, parsed, texts)).analyses.filter((a) => hasRole(role, a));
}

/**
 * The same for several roles at once, each file read and parsed once (its tree kept in `parsed`); `wrappers` receives
 * every file's write wrappers.
 */
async function analyseAsEach(
  files: DiscoveredFile[],
  roles: Role[],
  dbHandles: string[],
  presets: string[],
  wrappers?: { keep: (file: string) => boolean; found: WriteWrapper[] },
  parsed?: ParsedSources,
  texts?: SourceTexts,
): Promise<FileAnalysis[][]> {
  const analyses = await analyzeBatchUnder(files, roles.map((role) => permissive(role, dbHandles, presets)), DEFAULT_MAX_FILE_SIZE, parsed, undefined, texts);
  if (wrappers) wrappers.found.push(...writeWrappersOf(analyses.at(-1)!.filter((a) => wrappers.keep(a.file))));
  return roles.map((role, i) => analyses[i]!.filter((a) => hasRole(role, a)));
}

/** A codebase's own write method over its ORM, as the analysis publishes it in a model class's facts. */
export interface WriteWrapper {
  method: string;
  /** `file:line` of the ORM write it makes, and that write's verb. */
  where: string;
  verb: string;
  className: string;
}

/** The write wrappers of the model classes of `analyses`, one per method name (the first place found), sorted. */
export function writeWrappersOf(analyses: FileAnalysis[]): WriteWrapper[] {
  const found = new Map<string, WriteWrapper>();
  for (const a of [...analyses].sort((x, y) => x.file.localeCompare(y.file))) {
    for (const cls of a.classes) {
      for (const wrapper of cls.writeWrappers ?? []) {
        if (!found.has(wrapper.method)) found.set(wrapper.method, { method: wrapper.method, where: `${a.file}:${wrapper.line}`, verb: wrapper.verb, className: cls.name });
      }
    }
  }
  return [...found.values()].sort((x, y) => x.method.localeCompare(y.method));
}

/**
 * Globs for `files` that match none of `others`: per file, the shortest folder prefix holding none of the other
 * role's files (`src/api/**`), else the file's own name in its folder. Prefixes inside another prefix are dropped.
 */
export function globsFor(files: string[], others: string[]): string[] {
  const prefixes = new Set<string>();
  const exact = new Set<string>();
  for (const file of files) {
    const dirs = file.split('/').slice(0, -1);
    let chosen: string | undefined;
    for (let depth = 1; depth <= dirs.length; depth++) {
      const prefix = dirs.slice(0, depth).join('/');
      if (!others.some((o) => o.startsWith(`${prefix}/`))) {
        chosen = prefix;
        break;
      }
    }
    if (chosen !== undefined) prefixes.add(chosen);
    else exact.add(file);
  }
  const kept = [...prefixes].filter((p) => ![...prefixes].some((q) => q !== p && p.startsWith(`${q}/`)));
  return [...kept.sort().map((p) => `${p}/**/*.${EXT}`), ...[...exact].sort()];
}

export async function runInit(options: InitOptions): Promise<InitResult> {
  const root = path.resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${options.root}: no such folder`);
  const configFile = path.join(root, CONFIG_FILE_NAME);
  const baselineFile = path.resolve(options.baselineFile ?? path.join(root, DEFAULT_BASELINE_FILE));
  for (const file of [configFile, baselineFile]) {
    if (existsSync(file) && !options.force) {
      throw new UsageError(`${path.relative(process.cwd(), file) || file} already exists; init does not overwrite it (pass --force to replace it)`);
    }
  }

  const detection = detectPresets(root);
  const presets = detection.presets;
  const dataPresets = presets.filter((name) => presetByName(name)?.data?.shapes !== undefined);
  const unplaced = unplacedDependencies(root, detection);
  const { files: listed } = await discoverFiles(root, DEFAULT_SETTINGS.ignore);
  // Front-ends (a package on a UI library and no server one, a folder of mostly components) are never analysed;
  // seeds, scripts, migrations and tests are analysed but kept out of the roles' globs.
  const { packages: frontends, folders: componentFolders } = frontendFolders(root, listed.map((f) => f.relative));
  const inFrontend = (file: string) => frontends.some((folder) => file.startsWith(`${folder}/`));
  // A folder of components may still hold route files (`app/api/**/route.ts` of a Next.js app): analysed, never globbed.
  const inComponents = (file: string) => componentFolders.some((folder) => file.startsWith(`${folder}/`));
  const files = listed.filter((f) => !inFrontend(f.relative));
  const noRole = (file: string): string | undefined => {
    const parts = file.split('/');
    if (inComponents(file)) return 'in a folder of front-end components';
    const folder = parts.slice(0, -1).find((part) => NO_ROLE_FOLDER.test(part));
    if (folder !== undefined) return `in ${folder}/`;
    return NO_ROLE_FILE.test(parts.at(-1)!) ? 'a seed or migration file' : undefined;
  };
  const avoided = [...listed.filter((f) => inFrontend(f.relative)).map((f) => f.relative), ...files.map((f) => f.relative).filter((f) => noRole(f) !== undefined)];
  // A stack that declares its routes by decorator or by export (NestJS, route files) finds them wherever they are:
  // guessing router globs from every file would only make services look like routes.
  const routesByDeclaration = presets.some((name) => {
    const web = presetByName(name)?.web;
    return (web?.controllerDecorators?.length ?? 0) > 0 || (web?.exportedHandlers?.length ?? 0) > 0;
  });
  const roles: Role[] = routesByDeclaration ? ['service'] : ['router', 'service'];
  // A model class's own write methods (`saveWithCtx` over `this.save`) are the codebase's write verbs: found first, then
  // the roles are looked for again with them, so operations that write only through them are found too.
  // Those of seeds, scripts, migrations and tests are not the codebase's.
  const isTest = compileGlobs(DEFAULT_SETTINGS.testFiles);
  const wrappers = { keep: (file: string) => noRole(file) === undefined && !isTest(file), found: [] as WriteWrapper[] };
  // Every file parsed here is kept, and the second look, the handle search and the final audit analyse its tree again
  // instead of parsing it again (the analysis never changes a tree): init parses each file once.
  const parsed: ParsedSources = new Map();
  // And every file is read once: the later passes take its text from here (a file changed since is read again).
  const texts: SourceTexts = new Map();
  // With a data preset on, the stack names its own handles and the config keeps the default session-style names (the
  // handle search below is only asked without one): looking through every candidate name would only parse the many
  // files that merely mention a `client` or a `connection`, and find work the written config would never see.
  const searchHandles = dataPresets.length > 0 ? DEFAULT_SETTINGS.dbHandles : CANDIDATE_DB_HANDLES;
  let found = await analyseAsEach(files, roles, searchHandles, presets, wrappers, parsed, texts);
  const dbWriteCalls = wrappers.found.map((wrapper) => wrapper.method);
  if (dbWriteCalls.length > 0) {
    // The write methods are matched by name against the calls of a file's own text: a file that names none of them is
    // analysed as it was without them, and keeps its first analysis. Only the others are analysed again (a text with
    // an escape, where a name may be spelt otherwise, is analysed again too): the analysis' pre-check `mayCallByName`,
    // which skips no file the analysis could find a call of the method in (on a public Koa backend with 20 such
    // methods: 343 files named one as a whole name, 553 contained one).
    const again = new Set<string>();
    const mentions = (file: string, text: string): boolean => {
      const named = mayCallByName(text, dbWriteCalls);
      if (named) again.add(file);
      return named;
    };
    const second = await analyzeBatchUnder(files, roles.map((role) => ({ ...permissive(role, searchHandles, presets), dbWriteCalls })), DEFAULT_MAX_FILE_SIZE, parsed, mentions, texts);
    const order = new Map(files.map((f, i) => [f.relative, i]));
    found = roles.map((role, i) =>
      [...found[i]!.filter((a) => !again.has(a.file)), ...second[i]!.filter((a) => hasRole(role, a))].sort((x, y) => order.get(x.file)! - order.get(y.file)!),
    );
  }
  const leftOut: { file: string; why: string }[] = [];
  const keep = (a: FileAnalysis) => {
    const why = noRole(a.file);
    if (why !== undefined && !leftOut.some((entry) => entry.file === a.file)) leftOut.push({ file: a.file, why });
    return why === undefined;
  };
  let routers = routesByDeclaration ? [] : found[0]!.filter(keep);
  // Where the default router globs already name the codebase's routers, a file they miss that the analysis also finds
  // service work in (a command `documentCreator(ctx, …)` looks like a Koa handler when every file is a router) is a
  // service, not a router the config would never classify.
  const defaultRouter = compileGlobs(DEFAULT_SETTINGS.routerFiles);
  if (routers.some((a) => defaultRouter(a.file))) {
    const serviceWork = new Set(found.at(-1)!.map((a) => a.file));
    routers = routers.filter((a) => defaultRouter(a.file) || !serviceWork.has(a.file));
  }
  const routerSet = new Set(routers.map((a) => a.file));
  // A file with route handlers is a router even if it also declares a class, as the analysis itself decides.
  const services = found.at(-1)!.filter((a) => !routerSet.has(a.file)).filter(keep);
  leftOut.sort((a, b) => a.file.localeCompare(b.file));
  const routerFiles = routers.map((a) => a.file);
  const serviceFiles = services.map((a) => a.file);

  // The session-style handle names in use: those through which the analysis still finds the same DB work on its own.
  // A stack's preset names its own handles, so this is only asked when no data preset was found.
  const roleFiles = files.filter((f) => routerSet.has(f.relative) || serviceFiles.includes(f.relative));
  const dbHandles: string[] = [];
  for (const handle of dataPresets.length > 0 ? [] : CANDIDATE_DB_HANDLES) {
    if ((await analyseAs(roleFiles, 'router', [handle], presets, parsed, texts)).length > 0 || (await analyseAs(roleFiles, 'service', [handle], presets, parsed, texts)).length > 0) dbHandles.push(handle);
  }

  // A role keeps the default globs when they match some of its files: the codebase follows that naming convention,
  // and the other classes that write (repositories, stores, relays) are infrastructure, listed for review, not
  // operations. Otherwise the role gets folder globs that cover its files and none of the other role's.
  const defaults = resolveSettings();
  const isRouter = compileGlobs(defaults.routerFiles);
  const isService = compileGlobs(defaults.serviceFiles);
  const globs = {
    router: routerFiles.length === 0 || routerFiles.some((f) => isRouter(f)) ? ('default' as const) : ('written' as const),
    service: serviceFiles.length === 0 || serviceFiles.some((f) => isService(f) && !isRouter(f)) ? ('default' as const) : ('written' as const),
  };

  const config: PartialSettings & { $schema: string } = {
    $schema: './node_modules/outbox-analysis/schema/outbox.config.schema.json',
    ...(presets.length > 0 ? { presets } : {}),
  };
  if (frontends.length > 0) config.ignore = { add: frontends.map((folder) => `${folder}/**`) };
  if (dbWriteCalls.length > 0) config.dbWriteCalls = dbWriteCalls;
  // A written glob never spans a front-end, a seed, a script, a migration or a test folder.
  if (globs.router === 'written') config.routerFiles = globsFor(routerFiles, [...serviceFiles, ...avoided]);
  if (globs.service === 'written') config.serviceFiles = globsFor(serviceFiles, [...routerFiles, ...avoided]);
  if (dbHandles.some((h) => !defaults.dbHandles.includes(h))) config.dbHandles = dbHandles;
  const chosen = resolveSettings(config as PartialSettings);
  const chosenRouter = compileGlobs(chosen.routerFiles);
  const chosenService = compileGlobs(chosen.serviceFiles);
  const unmatched = [...routerFiles.filter((f) => !chosenRouter(f)), ...serviceFiles.filter((f) => chosenRouter(f) || !chosenService(f))].sort();

  // Only the trees the audit will analyse are worth keeping through it.
  for (const [file, { text }] of parsed) if (!isCandidate(file, text, chosen)) parsed.delete(file);
  writeFileAtomic(configFile, JSON.stringify(config, null, 2) + '\n');
  const auditOptions: AuditOptions = { root, configFile, parsedSources: parsed, sourceTexts: texts };
  const report = await runAudit(auditOptions);
  writeAtomic(baselineFile, JSON.stringify(createBaseline(report), null, 2) + '\n');
  return { configFile, baselineFile, config, detection, unplaced, routerFiles, serviceFiles, globs, unmatched, leftOut, frontends, writeWrappers: wrappers.found, dbHandles, report };
}

/**
 * Front-ends of the tree: `packages`, whose package.json depends on a UI library and on no server, data or driver
 * library any preset (or the could-not-place list) knows; `folders`, in the other packages, top folders where
 * component files (`.tsx`, `.jsx`) are at least 40% of ten or more sources (`app/` of a Koa + React monolith).
 */
export function frontendFolders(root: string, files: string[]): { packages: string[]; folders: string[] } {
  const server = new Set([...PRESET_NAMES.flatMap((name) => presetByName(name)?.enablers ?? []), ...UNPLACED, '@prisma/client', 'pg', '@remix-run/node', '@remix-run/server-runtime']);
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    for (let depth = 0; depth < parts.length; depth++) dirs.add(parts.slice(0, depth).join('/'));
  }
  const packages = [...dirs].filter((dir) => existsSync(path.join(root, dir, 'package.json'))).sort((a, b) => b.length - a.length);
  const packageOf = (file: string) => packages.find((dir) => dir === '' || file.startsWith(`${dir}/`));
  const found = new Set<string>();
  for (const dir of packages) {
    if (dir === '') continue;
    let manifest: Record<string, Record<string, string> | undefined>;
    try {
      manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as typeof manifest;
    } catch {
      continue;
    }
    const deps = ['dependencies', 'devDependencies', 'peerDependencies'].flatMap((key) => Object.keys(manifest[key] ?? {}));
    if (deps.some((name) => UI_LIBRARIES.includes(name)) && !deps.some((name) => server.has(name))) found.add(dir);
  }
  const counts = new Map<string, { components: number; sources: number }>();
  for (const file of files) {
    const pkg = packageOf(file);
    if (pkg === undefined || [...found].some((folder) => file.startsWith(`${folder}/`))) continue;
    const rest = (pkg === '' ? file : file.slice(pkg.length + 1)).split('/');
    if (rest.length < 2) continue;
    const top = pkg === '' ? rest[0]! : `${pkg}/${rest[0]}`;
    const entry = counts.get(top) ?? { components: 0, sources: 0 };
    entry.sources++;
    if (COMPONENT.test(file)) entry.components++;
    counts.set(top, entry);
  }
  const folders = [...counts].filter(([, { components, sources }]) => sources >= 10 && components / sources >= 0.4).map(([folder]) => folder);
  // A front-end package inside another (a Tauri plugin's example app) is already covered by it.
  const packagesFound = [...found].filter((dir) => ![...found].some((other) => other !== dir && dir.startsWith(`${other}/`)));
  return { packages: packagesFound.sort(), folders: folders.sort() };
}

/** Dependencies of the root's package.json files that do DB or HTTP work through a library no preset reads. */
function unplacedDependencies(root: string, detection: PresetDetection): string[] {
  const found = new Set<string>();
  const hasDataPreset = detection.presets.some((name) => presetByName(name)?.data?.shapes !== undefined);
  for (const where of new Set(detection.evidence.filter((e) => e.where.endsWith('package.json')).map((e) => e.where).concat('package.json'))) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(root, where), 'utf8')) as Record<string, Record<string, string> | undefined>;
      for (const key of ['dependencies', 'devDependencies']) {
        for (const name of Object.keys(manifest[key] ?? {})) if (UNPLACED.includes(name) && !(DRIVERS.has(name) && hasDataPreset)) found.add(name);
      }
    } catch {
      // No package.json at the root: nothing to name.
    }
  }
  return [...found].sort();
}

/** What init found and what to do next, for a person at a terminal. */
export function printInit(result: InitResult, target: string): string {
  const rel = (file: string) => {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  };
  const list = (files: string[]) => (files.length <= 6 ? files : [...files.slice(0, 5), `… and ${files.length - 5} more`]).map((f) => `    ${terminalText(f)}`);
  const s = result.report.summary;
  const calls = result.report.routers.reduce((n, r) => n + r.findings.length, 0);
  const detection = result.detection;
  const evidence = (preset: string) => {
    const places = detection.evidence.filter((e) => e.preset === preset);
    const first = places[0];
    return first ? `${first.enabler} in ${terminalText(first.where)}${places.length > 1 ? ` and ${places.length - 1} more` : ''}` : '';
  };
  const lines = [
    `outbox-audit init: ${terminalText(target)}`,
    '',
    `  stacks (presets): ${detection.presets.length > 0 ? detection.presets.join(', ') : 'none recognised'}`,
    ...detection.presets.map((preset) => `    ${preset.padEnd(16)} ${evidence(preset)}`),
    ...(result.unplaced.length > 0
      ? [`  could not place (no preset reads these yet; their DB work is not seen): ${result.unplaced.join(', ')}`]
      : []),
    `  routers (route handlers doing DB work): ${result.routerFiles.length} file(s)`,
    ...list(result.routerFiles),
    `  services (classes or exported functions that write to the DB): ${result.serviceFiles.length} file(s)`,
    ...list(result.serviceFiles),
    ...(result.frontends.length > 0 ? [`  front-end packages, never analysed (written to ignore): ${result.frontends.length}`, ...list(result.frontends)] : []),
    ...(result.leftOut.length > 0
      ? [`  doing DB work but kept out of every role (front-end components, seeds, scripts, migrations, tests): ${result.leftOut.length} file(s)`, ...list(result.leftOut.map((entry) => `${entry.file} (${entry.why})`))]
      : []),
    ...(result.writeWrappers.length > 0
      ? [`  own write methods over the ORM (written to dbWriteCalls): ${result.writeWrappers.length}`, ...list(result.writeWrappers.map((w) => `${w.method}: ${w.className}.${w.method} calls this.${w.verb}(…) at ${w.where}`))]
      : []),
    `  DB handles in use: ${result.dbHandles.length > 0 ? result.dbHandles.join(', ') : result.detection.presets.length > 0 ? 'those of the presets' : 'none found'}`,
    '',
  ];
  if (result.routerFiles.length === 0 && result.serviceFiles.length === 0) {
    lines.push('  Found no route handler or service class doing DB work: the config keeps the defaults. Set routerFiles,', '  serviceFiles and dbHandles by hand if the code is there (see the schema).', '');
  } else {
    for (const [role, key] of [['router', 'routerFiles'], ['service', 'serviceFiles']] as const) {
      lines.push(
        result.globs[role] === 'default'
          ? `  ${key}: the defaults (they match this codebase's ${role} files)`
          : `  ${key}: ${JSON.stringify(result.config[key])}`,
      );
    }
    lines.push(`  dbHandles: ${result.config.dbHandles ? JSON.stringify(result.config.dbHandles) : 'the defaults (db, session)'}`, '');
    if (result.unmatched.length > 0) {
      lines.push(
        `  Also doing DB work, but neither a router nor a service by these globs (infrastructure such as repositories and`,
        `  stores usually; add a file to routerFiles or serviceFiles if it holds operations):`,
        ...list(result.unmatched),
        '',
      );
    }
  }
  lines.push(
    `  audit with this config: ${s.percent === null ? 'no operations found' : `${s.operations} operation(s), ${s.compliant} compliant (${s.percent}%)`}, ${calls} router DB call(s), checklist ${s.checklistPassed}/${s.checklistTotal}`,
    '',
    `wrote ${rel(result.configFile)}`,
    `wrote ${rel(result.baselineFile)} (${Object.keys(createBaseline(result.report).operations).length} non-compliant operation(s), ${calls} router DB call(s) accepted for now)`,
    '',
    'Next:',
    `  1. Review ${CONFIG_FILE_NAME}, then commit it with the baseline.`,
    `  2. Gate pull requests on what is new or worse:`,
    `       outbox-audit ${target} --baseline ${rel(result.baselineFile)} --format github --sarif outbox.sarif`,
    '     (outbox-codemod add-pr-lint-workflow writes a workflow that runs it.)',
    '  3. Fix module by module with outbox-codemod, re-run the audit, and rewrite the baseline as it shrinks:',
    `       outbox-audit ${target} --write-baseline ${rel(result.baselineFile)}`,
    '',
  );
  // File names come from the audited tree: escaped where they enter, and no line may start a workflow command.
  return guardCommandLines(lines.join('\n'));
}

/** `outbox-audit init [path] [--force] [--baseline <file>]` as a subcommand with its own help. */
export function initCommand(): Command {
  return new Command('init')
    .summary('write a starter outbox.config.json and a baseline of the current gaps')
    .description(
      'Writes a starter outbox.config.json for a codebase (router and service globs that match its files, the DB ' +
        'handle names in use, found by the analysis) and a baseline of its current gaps, then says what to do next.',
    )
    .argument('[path]', 'root of the codebase', '.')
    .option('--force', `overwrite an existing ${CONFIG_FILE_NAME} or baseline`)
    .option('--baseline <file>', `where to write the baseline (default: <path>/${DEFAULT_BASELINE_FILE})`)
    .addHelpText(
      'after',
      '\nA folder named init is audited as ./init (outbox-audit ./init).\n' +
        'NODE_DISABLE_COMPILE_CACHE=1 keeps TypeScript\'s compiled code from being kept between runs, as for the audit.',
    );
}

/** Runs init for the parsed subcommand; returns the exit code. Usage errors throw UsageError. */
export async function runInitCommand(command: Command): Promise<number> {
  const options = command.opts<{ force?: boolean; baseline?: string }>();
  const target = command.processedArgs[0] as string;
  const result = await runInit({ root: target, force: options.force, baselineFile: options.baseline });
  process.stdout.write(printInit(result, target));
  return 0;
}
