import noDbInRouter from './no-db-in-router.js';
import requireIdempotency from './require-idempotency.js';
import requireOutboxEvent from './require-outbox-event.js';
import requireServiceCommit from './require-service-commit.js';

export const rules = {
  'no-db-in-router': noDbInRouter,
  'require-outbox-event': requireOutboxEvent,
  'require-idempotency': requireIdempotency,
  'require-service-commit': requireServiceCommit,
};

export type RuleName = keyof typeof rules;
