/**
 * The other tools the benchmarks compare the audit with, set up as a user would run them: ESLint's CLI with a flat
 * config file (the plugin's `recommended` with the project's outbox.config.json, or the same parser with one rule
 * that does nothing), and ast-grep's CLI with one YAML rule for the router calls. Every file written here goes to a
 * folder the caller owns, outside the measured tree.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { detectPresets, presetByName, readConfigFile, type OutboxSettings, type PartialSettings } from 'outbox-analysis/core';
import { runNode, type ChildRun } from './child.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

export const PLUGIN_ENTRY = path.join(repo, 'packages/eslint-plugin-outbox/dist/index.js');
export const ESLINT_BIN = path.join(path.dirname(require.resolve('eslint/package.json')), 'bin/eslint.js');

/** The TypeScript parser the plugin's configs bring (resolved from the plugin, so both sides load the same one). */
function parserEntry(): string {
  return createRequire(path.join(repo, 'packages/eslint-plugin-outbox/package.json')).resolve('@typescript-eslint/parser');
}

/** The files the plugin's `recommended` config lints, read from the built plugin. */
async function pluginFiles(): Promise<unknown> {
  const plugin = (await import(pathToFileURL(PLUGIN_ENTRY).href)) as { configs: { recommended: { files?: unknown } } };
  return plugin.configs.recommended.files;
}

export interface EslintConfigs {
  /** The plugin's `recommended`, settings from the project's outbox.config.json (when there is one). */
  plugin: string;
  /** The same parser, the same files and ignores, and one rule that does nothing on `Program`. */
  emptyRule: string;
}

/**
 * Writes the two flat configs into `dir`. Both ignore the audit's `ignore` globs, so both lint the same files; run
 * ESLint with the tree as its working folder (a config given with -c takes the working folder as its base path).
 */
export async function writeEslintConfigs(dir: string, settings: OutboxSettings, configFile: string | undefined): Promise<EslintConfigs> {
  const files = JSON.stringify(await pluginFiles());
  const ignores = JSON.stringify({ ignores: settings.ignore });
  const plugin = path.join(dir, 'eslint.plugin.config.mjs');
  const emptyRule = path.join(dir, 'eslint.empty-rule.config.mjs');
  const outboxSettings = configFile && existsSync(configFile) ? `settingsFromConfigFile(${JSON.stringify(configFile)})` : '{}';
  writeFileSync(
    plugin,
    `import outbox, { settingsFromConfigFile } from ${JSON.stringify(pathToFileURL(PLUGIN_ENTRY).href)};\n` +
      `export default [${ignores}, { ...outbox.configs.recommended, settings: { outbox: ${outboxSettings} } }];\n`,
  );
  writeFileSync(
    emptyRule,
    `import * as parser from ${JSON.stringify(pathToFileURL(parserEntry()).href)};\n` +
      `const bench = { rules: { empty: { meta: { type: 'problem', schema: [] }, create: () => ({ Program() {} }) } } };\n` +
      `export default [${ignores}, { files: ${files}, languageOptions: { parser, sourceType: 'module' }, plugins: { bench }, rules: { 'bench/empty': 'error' } }];\n`,
  );
  return { plugin, emptyRule };
}

export const AUDIT_CLI = path.join(repo, 'packages/audit-cli/dist/cli.js');

export interface InitConfig {
  file: string;
  config: PartialSettings;
  /**
   * When init wrote no presets (an init that predates them): the presets the analysis detects, which replaced init's
   * config (see initConfig).
   */
  addedPresets: string[];
  init: ChildRun;
}

/** `outbox-audit init --force` on `tree` (the baseline to `baselineFile`): the arguments, for timing it again. */
export function initArgs(tree: string, baselineFile: string): string[] {
  return [AUDIT_CLI, 'init', tree, '--force', '--baseline', baselineFile];
}

/**
 * The config `outbox-audit init` writes for `tree`. An init that predates the presets writes none, and its globs and
 * handle names were chosen without them (on one checkout it made every file under `server/` a router, which with the
 * presets on makes every query in a queue task a router DB call); then its config is replaced by the presets the
 * analysis detects (`detectPresets`): what the audit itself uses when there is no config file.
 */
export async function initConfig(tree: string, baselineFile: string): Promise<InitConfig> {
  const init = await runNode(initArgs(tree, baselineFile));
  if (init.code !== 0) throw new Error(`outbox-audit init exited ${init.code}:\n${init.stderr.slice(-3000)}`);
  const file = path.join(tree, 'outbox.config.json');
  let config = readConfigFile(file) as PartialSettings;
  let addedPresets: string[] = [];
  if (config.presets === undefined) {
    addedPresets = detectPresets(tree).presets;
    if (addedPresets.length > 0) {
      const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      config = { presets: addedPresets };
      writeFileSync(file, `${JSON.stringify({ ...(written.$schema ? { $schema: written.$schema } : {}), ...config }, null, 2)}\n`);
    }
  }
  return { file, config, addedPresets, init };
}

/**
 * The methods whose calls on a handle the audit reports in a router: the settings' router calls and every verb of the
 * presets in use (writes, reads, SQL, transaction control), as the presets declare them.
 */
export function routerCallNames(settings: OutboxSettings): string[] {
  const names = new Set(settings.routerCalls);
  for (const name of settings.presets) {
    const data = presetByName(name)?.data;
    if (!data) continue;
    for (const list of [data.writeVerbs, data.readVerbs, data.sqlVerbs, data.beginVerbs, data.commitVerbs, data.rollbackVerbs, data.scopeVerbs, data.instanceWriteVerbs]) {
      for (const verb of list ?? []) names.add(verb);
    }
  }
  return [...names].sort();
}

/** ESLint's CLI arguments for one config over the working folder, the results (JSON) written to `output`. */
export function eslintArgs(config: string, output: string): string[] {
  return [ESLINT_BIN, '--config', config, '--format', 'json', '--output-file', output, '--no-warn-ignored', '.'];
}

/** The ast-grep binary: the platform package's (what the `ast-grep` bin of @ast-grep/cli runs), else that bin. */
export function astGrepBinary(): string {
  const cli = path.dirname(require.resolve('@ast-grep/cli/package.json'));
  const platform = `@ast-grep/cli-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : ''}`;
  try {
    const dir = path.dirname(createRequire(path.join(cli, 'package.json')).resolve(`${platform}/package.json`));
    if (existsSync(path.join(dir, 'ast-grep'))) return path.join(dir, 'ast-grep');
  } catch {
    // not installed for this platform: the package's own bin below
  }
  return path.join(cli, 'ast-grep');
}

/**
 * One ast-grep rule for the audit's router findings: a call `$X.$M(...)` with `$M` one of the router calls, in the
 * router files (the settings' globs), for each language those globs cover. It asks less than the audit does (no DB
 * handle, no route, no transaction), so it is the cheapest scan that finds the same calls. Written as JSON strings,
 * which YAML reads as they are.
 */
export function writeAstGrepRule(file: string, settings: OutboxSettings, routerCalls: string[]): void {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regex = `^(${routerCalls.map(escape).join('|')})$`;
  const languages: [string, string[]][] = [
    ['TypeScript', ['ts', 'mts', 'cts']],
    ['JavaScript', ['js', 'mjs', 'cjs']],
  ];
  const docs = languages.map(([language], i) =>
    [
      `id: ${JSON.stringify(`outbox-router-db-call-${i}`)}`,
      `language: ${language}`,
      'severity: info',
      `message: ${JSON.stringify('DB call in a router')}`,
      'rule:',
      `  pattern: ${JSON.stringify('$X.$M($$$ARGS)')}`,
      'constraints:',
      '  M:',
      `    regex: ${JSON.stringify(regex)}`,
      'files:',
      ...settings.routerFiles.map((glob) => `  - ${JSON.stringify(glob)}`),
      ...(settings.ignore.length > 0 ? ['ignores:', ...settings.ignore.map((glob) => `  - ${JSON.stringify(glob)}`)] : []),
    ].join('\n'),
  );
  writeFileSync(file, `${docs.join('\n---\n')}\n`);
}

/** ast-grep's CLI arguments: the rule over the working folder, one JSON match per line. */
export function astGrepArgs(rule: string): string[] {
  return ['scan', '--rule', rule, '--json=stream', '.'];
}

/** A copy of a checkout without its node_modules and .git, symbolic links kept as links (never followed out). */
export function copyTree(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const name = path.basename(source);
      return name !== 'node_modules' && name !== '.git';
    },
  });
}
