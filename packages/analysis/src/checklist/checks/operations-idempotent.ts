import type { Check } from '../check.js';
import { everyOperation } from '../check.js';

export const operationsIdempotent: Check = {
  id: 'operations-idempotent',
  title: 'All operations have idempotency',
  requires: 'At least one operation is found, and every operation takes an idempotency key and checks it at its door: before its first write and before any early exit a retry could take.',
  remediation: 'Thread the Idempotency-Key header into each operation and claim it first in the same transaction (`outbox-codemod inject-idempotency`).',
  run: ({ operations }) => everyOperation(operations, 'idempotency', 'have idempotency'),
};
