import { MESSAGES, messagesOf, type MessageId } from 'outbox-analysis/lint';
import { createRule, docsOf } from './create-rule.js';
import { fileAnalysis, lintTarget, locOf } from './file-analysis.js';

export type Options = [{ reportRacyRedis?: boolean }];
export type MessageIds = Extract<MessageId, 'noIdempotencyKey' | 'noIdempotencyCheck' | 'idempotencyAfterWrite' | 'idempotencyAfterWriteOnPath' | 'idempotencyAfterGuard' | 'racyRedisIdempotency'>;

export default createRule<Options, MessageIds>({
  name: 'require-idempotency',
  roles: ['router', 'service'],
  meta: {
    type: 'problem',
    docs: docsOf('require-idempotency', [{ reportRacyRedis: true }]),
    // The catalogue's templates; the analysis gives each finding its message id and data.
    messages: messagesOf('require-idempotency') as Record<MessageIds, string>,
    schema: [
      {
        type: 'object',
        properties: {
          reportRacyRedis: {
            type: 'boolean',
            description: "Also report the seed's race-prone Redis GET … SETEX check, although it counts as idempotent.",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ reportRacyRedis: false }],
  },
  create(context, [options]) {
    const target = lintTarget(context);
    return {
      Program() {
        for (const operation of fileAnalysis(context, target).operations) {
          for (const missing of operation.missing) {
            if (MESSAGES[missing.messageId].rule !== 'require-idempotency') continue;
            context.report({ loc: locOf(missing.at), messageId: missing.messageId as MessageIds, data: missing.data });
          }
          if (!options.reportRacyRedis) continue;
          for (const warning of operation.warnings) {
            if (warning.kind !== 'racy-redis-idempotency') continue;
            context.report({ loc: locOf(warning.at), messageId: warning.messageId as MessageIds, data: warning.data });
          }
        }
      },
    };
  },
});
