import type { Check } from '../check.js';
import { everyOperation } from '../check.js';

export const operationsUseOutbox: Check = {
  id: 'operations-use-outbox',
  title: 'All operations use OutboxRepository',
  requires: 'At least one operation is found, and the class of every operation holds an outbox repository (a constructor parameter or property whose name or type mentions the outbox).',
  remediation: 'Give each service an outbox repository over its DB session (`outbox-codemod inject-outbox`), and move router-level writes into services first.',
  run: ({ operations }) => everyOperation(operations, 'outbox', 'use OutboxRepository'),
};
