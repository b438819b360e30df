import type { Check } from '../check.js';
import { callLabel, noRouterCalls } from '../check.js';

export const routersNoDbExecute: Check = {
  id: 'routers-no-db-execute',
  title: 'Zero db.execute() in routers',
  requires: 'At least one router file exists, and no router file makes any other forbidden DB-handle call (routerCalls that do not commit: execute, and any other configured).',
  remediation: 'Move the SQL of each route into a service operation (`outbox-codemod extract-router-db` also creates the service of a module that has none).',
  run: (context) => {
    const names = [...context.calls.execute, ...context.calls.other];
    return noRouterCalls(context, ['execute', 'other'], names.length > 0 ? `Zero ${callLabel(context.calls, names)} in routers` : 'Zero SQL calls in routers');
  },
};
