import type { TSESLint } from '@typescript-eslint/utils';
// The subpath, not the package's root: the root also loads its ts-eslint wrappers, which load ESLint's API (the
// RuleTester with it) into every lint run; RuleCreator needs none of that.
import * as ESLintUtils from '@typescript-eslint/utils/eslint-utils';
import { repositoryUrl, RULES, type FileRole, type RuleName } from 'outbox-analysis/lint';
import { lintTarget } from './file-analysis.js';

/** Where a rule sits in the shared configs; the configs are built from this, never listed by hand. */
export interface OutboxRuleDocs {
  /** On in `recommended` (and so in `strict`). */
  recommended: boolean;
  /** The options `strict` gives this rule, when they differ from its defaults. */
  strictOptions?: readonly unknown[];
}

/** Each rule's page, from the analysis' catalogue (the page the audit's SARIF links too). */
const ruleCreator = ESLintUtils.RuleCreator<OutboxRuleDocs>((name) => repositoryUrl(RULES[name as RuleName].docs));

/** A rule's `meta.docs` from the catalogue: its description and whether `recommended` turns it on. */
export function docsOf(name: RuleName, strictOptions?: readonly unknown[]): OutboxRuleDocs & { description: string } {
  return { description: RULES[name].description, recommended: RULES[name].recommended, ...(strictOptions ? { strictOptions } : {}) };
}

type RuleDefinition<Options extends readonly unknown[], MessageIds extends string> = Readonly<
  ESLintUtils.RuleWithMetaAndName<Options, MessageIds, OutboxRuleDocs>
> & {
  /** The file roles the rule looks at; on any other file it does nothing. */
  roles: readonly FileRole[];
};

/**
 * typescript-eslint's RuleCreator (docs URL, messages, schema, default options), plus a path check first: most
 * files of a project have no role, and on those the rule returns before its options are defaulted or the parser
 * services are touched; so it does on a router or service file whose text the analysis' pre-check finds inert.
 */
export function createRule<Options extends readonly unknown[], MessageIds extends string>({
  roles,
  ...definition
}: RuleDefinition<Options, MessageIds>): TSESLint.RuleModule<MessageIds, Options, OutboxRuleDocs> & { name: string } {
  const rule = ruleCreator<Options, MessageIds>(definition);
  return {
    ...rule,
    create(context) {
      const target = lintTarget(context);
      if (!roles.includes(target.role) || target.inert) return {};
      const listeners = rule.create(context);
      // The rules read the analysis, not ESLint's traversal: a rule whose only listener is Program runs it here and
      // registers none, so ESLint has nothing of this plugin's to dispatch while it walks the file (a rule that only
      // listens to Program costs 1.11× of a lint with no rules on its own: npm run bench).
      const { Program: program, ...others } = listeners;
      if (program && Object.keys(others).length === 0) {
        program(context.sourceCode.ast);
        return {};
      }
      return listeners;
    },
  };
}
