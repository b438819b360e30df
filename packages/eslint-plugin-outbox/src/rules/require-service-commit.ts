import { MESSAGES, messagesOf, type MessageId } from 'outbox-analysis/lint';
import { createRule, docsOf } from './create-rule.js';
import { fileAnalysis, lintTarget, locOf } from './file-analysis.js';

export type MessageIds = Extract<MessageId, 'commitInRouterHandler' | 'nothingCommits' | 'commitLeftToRouter'>;

export default createRule<[], MessageIds>({
  name: 'require-service-commit',
  roles: ['router', 'service'],
  meta: {
    type: 'problem',
    docs: docsOf('require-service-commit'),
    messages: messagesOf('require-service-commit') as Record<MessageIds, string>,
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    const target = lintTarget(context);
    return {
      Program() {
        for (const operation of fileAnalysis(context, target).operations) {
          for (const missing of operation.missing) {
            if (MESSAGES[missing.messageId].rule !== 'require-service-commit') continue;
            context.report({ loc: locOf(missing.at), messageId: missing.messageId as MessageIds, data: missing.data });
          }
        }
      },
    };
  },
});
