import { MESSAGES, messagesOf, type MessageId } from 'outbox-analysis/lint';
import { createRule, docsOf } from './create-rule.js';
import { fileAnalysis, lintTarget, locOf } from './file-analysis.js';

export type MessageIds = Extract<
  MessageId,
  | 'noOutboxRepositoryInRouter'
  | 'noOutboxInFile'
  | 'noOutboxRepository'
  | 'eventDualWrite'
  | 'noEvent'
  | 'eventAfterCommit'
  | 'eventAfterCommitOnLine'
  | 'eventMissingAtCommit'
  | 'eventMissingAtEnd'
  | 'eventMissingAtReturn'
>;

export default createRule<[], MessageIds>({
  name: 'require-outbox-event',
  roles: ['router', 'service'],
  meta: {
    type: 'problem',
    docs: docsOf('require-outbox-event'),
    // The catalogue's templates; the analysis gives each finding its message id and data (the audit prints the same sentence).
    messages: messagesOf('require-outbox-event') as Record<MessageIds, string>,
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    const target = lintTarget(context);
    return {
      Program() {
        for (const operation of fileAnalysis(context, target).operations) {
          for (const missing of operation.missing) {
            if (MESSAGES[missing.messageId].rule !== 'require-outbox-event') continue;
            context.report({ loc: locOf(missing.at), messageId: missing.messageId as MessageIds, data: missing.data });
          }
        }
      },
    };
  },
});
