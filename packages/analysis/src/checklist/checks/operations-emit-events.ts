import type { Check } from '../check.js';
import { everyOperation } from '../check.js';

export const operationsEmitEvents: Check = {
  id: 'operations-emit-events',
  title: 'All operations emit events',
  requires: 'At least one operation is found, and every operation adds an outbox event before its commit on every path that commits.',
  remediation: 'Add the event through the outbox repository before the commit, on every path (`outbox-codemod inject-outbox`).',
  run: ({ operations }) => everyOperation(operations, 'event', 'emit events'),
};
