import type { Check } from '../check.js';
import { everyOperation } from '../check.js';

export const operationsCommitInService: Check = {
  id: 'operations-commit-in-service',
  title: 'All operations commit in their service',
  requires: 'At least one operation is found, and every operation commits its own transaction (directly or through a helper of its class) instead of leaving the commit to the router.',
  remediation: 'Move the commit from the router into the service operation, after its outbox event (`outbox-codemod service-commit`).',
  run: ({ operations }) => everyOperation(operations, 'commit', 'commit in their service'),
};
