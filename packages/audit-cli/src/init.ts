import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { CONFIG_FILE_NAME, DEFAULT_SETTINGS, compileGlobs, detectPresets, isCandidate, presetByName, resolveSettings, type FileAnalysis, type PartialSettings, type PresetDetection } from 'outbox-analysis/core';
import { runAudit, UsageError, DEFAULT_MAX_FILE_SIZE, type AuditOptions } from './audit.js';
import { analyzeBatch, analyzeBatchUnder, type ParsedSources } from './batch.js';
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
const UNPLACED = ['mongoose', '@typegoose/typegoose', 'mongodb', 'objection', 'pg-promise', 'slonik', 'postgres', 'mysql2', 'mysql', 'better-sqlite3', '@supabase/supabase-js', 'firebase-admin', 'typeorm-transactional', '@hapi/hapi', 'restify', '@trpc/server'];

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
async function analyseAs(files: DiscoveredFile[], role: Role, dbHandles: string[], presets: string[], parsed?: ParsedSources): Promise<FileAnalysis[]> {
  return (await analyzeBatch(files, permissive(role, dbHandles, presets), DEFAULT_MAX_FILE_SIZE, undefined, undefined, undefined, parsed)).analyses.filter((a) => hasRole(role, a));
}

/** The same for several roles at once, each file read and parsed once. */
async function analyseAsEach(files: DiscoveredFile[], roles: Role[], dbHandles: string[], presets: string[], parsed?: ParsedSources): Promise<FileAnalysis[][]> {
  const analyses = await analyzeBatchUnder(files, roles.map((role) => permissive(role, dbHandles, presets)), DEFAULT_MAX_FILE_SIZE, parsed);
  return roles.map((role, i) => analyses[i]!.filter((a) => hasRole(role, a)));
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
  const { files } = await discoverFiles(root, DEFAULT_SETTINGS.ignore);
  // A stack that declares its routes by decorator or by export (NestJS, route files) finds them wherever they are:
  // guessing router globs from every file would only make services look like routes.
  const routesByDeclaration = presets.some((name) => {
    const web = presetByName(name)?.web;
    return (web?.controllerDecorators?.length ?? 0) > 0 || (web?.exportedHandlers?.length ?? 0) > 0;
  });
  const roles: Role[] = routesByDeclaration ? ['service'] : ['router', 'service'];
  // Every file parsed here is kept, and the handle search and the final audit analyse its tree again instead of
  // parsing it again (the analysis never changes a tree): init parses each file once.
  const parsed: ParsedSources = new Map();
  const found = await analyseAsEach(files, roles, CANDIDATE_DB_HANDLES, presets, parsed);
  const routers = routesByDeclaration ? [] : found[0]!;
  const routerSet = new Set(routers.map((a) => a.file));
  // A file with route handlers is a router even if it also declares a class, as the analysis itself decides.
  const services = found.at(-1)!.filter((a) => !routerSet.has(a.file));
  const routerFiles = routers.map((a) => a.file);
  const serviceFiles = services.map((a) => a.file);

  // The session-style handle names in use: those through which the analysis still finds the same DB work on its own.
  // A stack's preset names its own handles, so this is only asked when no data preset was found.
  const roleFiles = files.filter((f) => routerSet.has(f.relative) || serviceFiles.includes(f.relative));
  const dbHandles: string[] = [];
  for (const handle of dataPresets.length > 0 ? [] : CANDIDATE_DB_HANDLES) {
    if ((await analyseAs(roleFiles, 'router', [handle], presets, parsed)).length > 0 || (await analyseAs(roleFiles, 'service', [handle], presets, parsed)).length > 0) dbHandles.push(handle);
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
  if (globs.router === 'written') config.routerFiles = globsFor(routerFiles, serviceFiles);
  if (globs.service === 'written') config.serviceFiles = globsFor(serviceFiles, routerFiles);
  if (dbHandles.some((h) => !defaults.dbHandles.includes(h))) config.dbHandles = dbHandles;
  const chosen = resolveSettings(config as PartialSettings);
  const chosenRouter = compileGlobs(chosen.routerFiles);
  const chosenService = compileGlobs(chosen.serviceFiles);
  const unmatched = [...routerFiles.filter((f) => !chosenRouter(f)), ...serviceFiles.filter((f) => chosenRouter(f) || !chosenService(f))].sort();

  // Only the trees the audit will analyse are worth keeping through it.
  for (const [file, { text }] of parsed) if (!isCandidate(file, text, chosen)) parsed.delete(file);
  writeFileAtomic(configFile, JSON.stringify(config, null, 2) + '\n');
  const auditOptions: AuditOptions = { root, configFile, parsedSources: parsed };
  const report = await runAudit(auditOptions);
  writeAtomic(baselineFile, JSON.stringify(createBaseline(report), null, 2) + '\n');
  return { configFile, baselineFile, config, detection, unplaced, routerFiles, serviceFiles, globs, unmatched, dbHandles, report };
}

/** Dependencies of the root's package.json files that do DB or HTTP work through a library no preset reads. */
function unplacedDependencies(root: string, detection: PresetDetection): string[] {
  const found = new Set<string>();
  for (const where of new Set(detection.evidence.filter((e) => e.where.endsWith('package.json')).map((e) => e.where).concat('package.json'))) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(root, where), 'utf8')) as Record<string, Record<string, string> | undefined>;
      for (const key of ['dependencies', 'devDependencies']) {
        for (const name of Object.keys(manifest[key] ?? {})) if (UNPLACED.includes(name)) found.add(name);
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
    .addHelpText('after', '\nA folder named init is audited as ./init (outbox-audit ./init).');
}

/** Runs init for the parsed subcommand; returns the exit code. Usage errors throw UsageError. */
export async function runInitCommand(command: Command): Promise<number> {
  const options = command.opts<{ force?: boolean; baseline?: string }>();
  const target = command.processedArgs[0] as string;
  const result = await runInit({ root: target, force: options.force, baselineFile: options.baseline });
  process.stdout.write(printInit(result, target));
  return 0;
}
