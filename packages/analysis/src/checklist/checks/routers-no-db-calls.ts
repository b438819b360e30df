import type { Check } from '../check.js';
import { noRouterCalls } from '../check.js';

export const routersNoDbCalls: Check = {
  id: 'routers-no-db-calls',
  title: 'Zero DB calls in routers',
  requires: 'At least one router file exists, and no router file makes a DB call: a forbidden method on a DB handle (routerCalls), or a read, write or transaction in a preset\'s idiom.',
  remediation: 'Move the database work of each route into a service operation that commits with its outbox event (`outbox-codemod extract-router-db`).',
  // Every kind, however the stack writes it (a session's execute, a preset's create or $transaction): one generic label.
  run: (context) => noRouterCalls(context, ['commit', 'execute', 'other'], 'Zero DB calls in routers'),
};
