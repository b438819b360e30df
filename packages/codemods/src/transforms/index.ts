import type { Transform, TransformName } from '../engine/types.js';
import { TRANSFORM_ORDER } from '../engine/types.js';
import { injectIdempotency } from './inject-idempotency/index.js';
import { injectOutbox } from './inject-outbox/index.js';
import { serviceCommit } from './service-commit/index.js';
import { addPrLintWorkflow } from './add-pr-lint-workflow/index.js';
import { extractRouterDb } from './extract-router-db/index.js';
import { injectAiOrchestrator } from './inject-ai-orchestrator/index.js';
import { scaffold } from './scaffold/index.js';
import { wrapTransaction } from './wrap-transaction/index.js';

/** Every transform by name: all of TRANSFORM_ORDER (the type makes a missing one a compile error). */
export const TRANSFORMS: Record<TransformName, Transform> = {
  scaffold,
  'service-commit': serviceCommit,
  'inject-outbox': injectOutbox,
  'inject-idempotency': injectIdempotency,
  'extract-router-db': extractRouterDb,
  'wrap-transaction': wrapTransaction,
  'inject-ai-orchestrator': injectAiOrchestrator,
  'add-pr-lint-workflow': addPrLintWorkflow,
};

/** The transforms in the order `all` runs them. */
export function orderedTransforms(): Transform[] {
  return TRANSFORM_ORDER.map((name) => TRANSFORMS[name]);
}
