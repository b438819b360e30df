import type { MissingReason } from 'outbox-analysis';
import { createRule } from './create-rule.js';
import { fileAnalysis, lintTarget, locOf } from './file-analysis.js';

export type MessageIds = 'noOutboxRepository' | 'noEvent' | 'eventAfterCommit' | 'eventMissingOnPath' | 'eventDualWrite';

const messageIdOf: Partial<Record<MissingReason, MessageIds>> = {
  'no-outbox-repository': 'noOutboxRepository',
  'no-event': 'noEvent',
  'event-after-commit': 'eventAfterCommit',
  'event-missing-on-path': 'eventMissingOnPath',
  'event-dual-write': 'eventDualWrite',
};

export default createRule<[], MessageIds>({
  name: 'require-outbox-event',
  roles: ['router', 'service'],
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every mutating operation to hold an outbox repository and add an outbox event before its commit on every path',
      recommended: true,
    },
    // The analysis writes the sentence (the audit prints the same one); the ids say which case it is.
    messages: {
      noOutboxRepository: '{{message}}',
      noEvent: '{{message}}',
      eventAfterCommit: '{{message}}',
      eventMissingOnPath: '{{message}}',
      eventDualWrite: '{{message}}',
    },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    const target = lintTarget(context);
    return {
      Program() {
        for (const operation of fileAnalysis(context, target).operations) {
          for (const missing of operation.missing) {
            const messageId = messageIdOf[missing.reason];
            if (messageId) context.report({ loc: locOf(missing.at), messageId, data: { message: missing.message } });
          }
        }
      },
    };
  },
});
