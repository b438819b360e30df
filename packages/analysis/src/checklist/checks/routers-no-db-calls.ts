import type { Check } from '../check.js';
import { callLabel, noRouterCalls } from '../check.js';

export const routersNoDbCalls: Check = {
  id: 'routers-no-db-calls',
  title: 'Zero DB calls in routers',
  requires: 'At least one router file exists, and no router file calls a forbidden method (routerCalls) on a DB handle.',
  remediation: 'Move the database work of each route into a service operation that commits with its outbox event (`outbox-codemod extract-router-db`).',
  run: (context) => {
    const names = [...context.calls.commit, ...context.calls.execute, ...context.calls.other];
    return noRouterCalls(context, ['commit', 'execute', 'other'], names.length > 0 ? `Zero ${callLabel(context.calls, names)} in routers` : 'Zero DB calls in routers');
  },
};
