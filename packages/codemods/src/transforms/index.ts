import type { Transform, TransformName } from '../engine/types.js';
import { TRANSFORM_ORDER } from '../engine/types.js';
import { injectIdempotency } from './inject-idempotency/index.js';
import { injectOutbox } from './inject-outbox/index.js';
import { serviceCommit } from './service-commit/index.js';
import { addPrLintWorkflow } from './add-pr-lint-workflow/index.js';
import { extractRouterDb } from './extract-router-db/index.js';
import { injectAiOrchestrator } from './inject-ai-orchestrator/index.js';

/**
 * Every transform by name. A transform that is not written yet is absent; `all` runs the registered ones in
 * TRANSFORM_ORDER.
 */
export const TRANSFORMS: Partial<Record<TransformName, Transform>> = {
  'service-commit': serviceCommit,
  'inject-outbox': injectOutbox,
  'inject-idempotency': injectIdempotency,
  'extract-router-db': extractRouterDb,
  'inject-ai-orchestrator': injectAiOrchestrator,
  'add-pr-lint-workflow': addPrLintWorkflow,
};

/** The registered transforms in the order `all` runs them. */
export function orderedTransforms(): Transform[] {
  return TRANSFORM_ORDER.flatMap((name) => {
    const transform = TRANSFORMS[name];
    return transform ? [transform] : [];
  });
}

/** The transform names of TRANSFORM_ORDER that are not registered yet. */
export function missingTransforms(): TransformName[] {
  return TRANSFORM_ORDER.filter((name) => !TRANSFORMS[name]);
}
