import { createRule } from './create-rule.js';
import { fileAnalysis, lintTarget, locOf } from './file-analysis.js';

export type Options = [{ reportRacyRedis?: boolean }];
export type MessageIds = 'noIdempotencyCheck' | 'idempotencyAfterWrite' | 'racyRedisIdempotency';

export default createRule<Options, MessageIds>({
  name: 'require-idempotency',
  roles: ['router', 'service'],
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every mutating operation to take an idempotency key and check it before its first write',
      recommended: true,
      strictOptions: [{ reportRacyRedis: true }],
    },
    messages: {
      noIdempotencyCheck: '{{message}}',
      idempotencyAfterWrite: '{{message}}',
      racyRedisIdempotency: '{{message}}',
    },
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
            if (missing.flag !== 'idempotency') continue;
            context.report({
              loc: locOf(missing.at),
              messageId: missing.reason === 'idempotency-after-write' ? 'idempotencyAfterWrite' : 'noIdempotencyCheck',
              data: { message: missing.message },
            });
          }
          if (!options.reportRacyRedis) continue;
          for (const warning of operation.warnings) {
            if (warning.kind !== 'racy-redis-idempotency') continue;
            context.report({ loc: locOf(warning.at), messageId: 'racyRedisIdempotency', data: { message: warning.message } });
          }
        }
      },
    };
  },
});
