import type { Check } from '../check.js';
import { callLabel, noRouterCalls } from '../check.js';

export const routersNoDbCommit: Check = {
  id: 'routers-no-db-commit',
  title: 'Zero db.commit() in routers',
  requires: 'At least one router file exists, and no router file calls a commit method (commitCalls among routerCalls) on a DB handle.',
  remediation: 'Let the service operation commit, after its outbox event (`outbox-codemod service-commit`).',
  run: (context) =>
    noRouterCalls(context, ['commit'], context.calls.commit.length > 0 ? `Zero ${callLabel(context.calls, context.calls.commit)} in routers` : 'Zero commit calls in routers'),
};
