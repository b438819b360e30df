import * as tsParser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { rules, type RuleName } from './rules/index.js';
import { readConfigFile } from 'outbox-analysis';
import type { PartialSettings } from 'outbox-analysis';
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

/**
 * The settings of an `outbox.config.json` (the file outbox-audit and outbox-codemod read), for `settings.outbox`, so
 * editor, CI lint and audit judge with one configuration. Throws a ConfigError naming the file, key and problem.
 */
export function settingsFromConfigFile(file = 'outbox.config.json'): PartialSettings {
  return readConfigFile(file) as PartialSettings;
}

export { rules };
export const configs = plugin.configs;
export default plugin;
