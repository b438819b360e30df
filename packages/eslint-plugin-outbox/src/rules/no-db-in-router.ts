import { messagesOf, routerCallMessage, type OutboxSettings } from 'outbox-analysis/lint';
import { createRule, docsOf } from './create-rule.js';
import { fileAnalysis, lintTarget, locOf, settingsOf } from './file-analysis.js';

export type Options = [{ calls?: string[]; includeStrictCalls?: boolean }];
export type MessageIds = 'commitInRouter' | 'dbCallInRouter' | 'commitInRoute' | 'dbCallInRoute';

const withCalls = new WeakMap<OutboxSettings, Map<string, OutboxSettings>>();

/** The settings with `routerCalls` replaced by the rule's `calls` option, one object per distinct list. */
function settingsWithCalls(settings: OutboxSettings, calls: string[]): OutboxSettings {
  let byList = withCalls.get(settings);
  if (!byList) {
    byList = new Map();
    withCalls.set(settings, byList);
  }
  const key = calls.join('\0');
  let derived = byList.get(key);
  if (!derived) {
    derived = { ...settings, routerCalls: [...calls], strictRouterCalls: [] };
    byList.set(key, derived);
  }
  return derived;
}

export default createRule<Options, MessageIds>({
  name: 'no-db-in-router',
  roles: ['router'],
  meta: {
    type: 'problem',
    docs: docsOf('no-db-in-router', [{ includeStrictCalls: true }]),
    messages: messagesOf('no-db-in-router') as Record<MessageIds, string>,
    schema: [
      {
        type: 'object',
        properties: {
          calls: {
            type: 'array',
            items: { type: 'string' },
            uniqueItems: true,
            description: 'Handle methods to report, replacing `routerCalls` (and `strictRouterCalls`) from the settings.',
          },
          includeStrictCalls: {
            type: 'boolean',
            description: 'Also report `strictRouterCalls` (rollback, flush, begin, query by default).',
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ includeStrictCalls: false }],
  },
  create(context, [options]) {
    let target = lintTarget(context);
    if (options.calls) target = { ...target, settings: settingsWithCalls(settingsOf(context), options.calls) };
    return {
      Program() {
        for (const found of fileAnalysis(context, target).routerDbCalls) {
          if (found.strictOnly && !options.includeStrictCalls) continue;
          const { messageId, data } = routerCallMessage(found);
          context.report({ loc: locOf(found), messageId: messageId as MessageIds, data });
        }
      },
    };
  },
});
