import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { rules, type RuleName } from './rules/index.js';
import { readConfigFile } from 'outbox-analysis/lint';
import type { PartialSettings } from 'outbox-analysis/lint';
import type { OutboxRuleDocs } from './rules/create-rule.js';

/** Kept equal to package.json's version by a test (importing the JSON would put it outside `rootDir`). */
export const VERSION = '0.1.0';

type Level = 'recommended' | 'strict';
type RuleEntry = TSESLint.FlatConfig.RuleEntry;

export interface OutboxPlugin {
  meta: { name: string; version: string; namespace: string };
  rules: typeof rules;
  configs: Record<Level, TSESLint.FlatConfig.Config>;
}

const plugin: OutboxPlugin = {
  meta: { name: 'eslint-plugin-outbox', version: VERSION, namespace: 'outbox' },
  rules,
  configs: {} as OutboxPlugin['configs'],
};

/**
 * The rule list of a config, read from each rule's `meta.docs`: `recommended` turns a rule on in both configs,
 * `strictOptions` are the options `strict` gives it. A new rule joins the configs by saying so in its own meta.
 */
function rulesFor(level: Level): Record<string, RuleEntry> {
  const entries: Record<string, RuleEntry> = {};
  for (const [name, rule] of Object.entries(rules) as [RuleName, (typeof rules)[RuleName]][]) {
    const docs: OutboxRuleDocs | undefined = rule.meta.docs;
    if (!docs || (level === 'recommended' && !docs.recommended)) continue;
    const options = level === 'strict' ? docs.strictOptions : undefined;
    entries[`outbox/${name}`] = options ? ['error', ...options] : 'error';
  }
  return entries;
}

/** A complete flat config: it brings the TypeScript parser, so it works on .ts files with nothing else set up. */
function configFor(level: Level): TSESLint.FlatConfig.Config {
  return {
    name: `outbox/${level}`,
    files: ['**/*.{ts,mts,cts,tsx,js,mjs,cjs,jsx}'],
    languageOptions: { parser: tsParser as unknown as TSESLint.FlatConfig.Parser, sourceType: 'module' },
    plugins: { outbox: plugin as unknown as TSESLint.FlatConfig.Plugin },
    rules: rulesFor(level),
  };
}

plugin.configs.recommended = configFor('recommended');
plugin.configs.strict = configFor('strict');

export interface ConfigFileOptions {
  /**
   * Where a relative name is looked for: a folder, or a file whose folder (the ESLint config's `import.meta.url`);
   * the working directory by default. The name is looked for there, then in each parent folder up to the
   * repository's root (the first with a `.git`) or the file system's.
   */
  from?: string | URL;
}

/**
 * The settings of an `outbox.config.json` (the file outbox-audit and outbox-codemod read), for `settings.outbox`, so
 * editor, CI lint and audit judge with one configuration. An absolute path (or `file:` URL) is read as it is; a
 * relative name is looked for next to `from` — pass the ESLint config's `import.meta.url`, so an editor or a run
 * from a subfolder finds the same file — and upward from there. Throws an Error naming every place it looked when
 * there is none, and a ConfigError naming the file, key and problem when the file is wrong.
 */
export function settingsFromConfigFile(file: string | URL = 'outbox.config.json', options: ConfigFileOptions = {}): PartialSettings {
  const path = file instanceof URL || file.startsWith('file:') ? fileURLToPath(file) : file;
  if (isAbsolute(path)) return readConfigFile(path) as PartialSettings;
  const looked: string[] = [];
  for (let dir = startFolder(options.from); ; ) {
    const candidate = join(dir, path);
    looked.push(candidate);
    if (existsSync(candidate)) return readConfigFile(candidate) as PartialSettings;
    const parent = dirname(dir);
    if (parent === dir || existsSync(join(dir, '.git'))) break;
    dir = parent;
  }
  throw new Error(
    `eslint-plugin-outbox: ${path} not found; looked in ${looked.join(', ')}${options.from === undefined ? ' (from the working directory: pass { from: import.meta.url } to look next to the ESLint config)' : ''}`,
  );
}

/** The folder `from` names: itself, or a file's folder. */
function startFolder(from: string | URL | undefined): string {
  if (from === undefined) return process.cwd();
  const path = resolve(from instanceof URL || from.startsWith('file:') ? fileURLToPath(from) : from);
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

export { rules };
export const configs = plugin.configs;
export default plugin;
