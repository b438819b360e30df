import type { Transform, TransformName } from '../engine/types.js';
import { TRANSFORM_ORDER } from '../engine/types.js';
import { injectIdempotency } from './inject-idempotency/index.js';
import { injectOutbox } from './inject-outbox/index.js';
import { serviceCommit } from './service-commit/index.js';
// ── other transforms: import them here (extract-router-db, inject-ai-orchestrator, add-pr-lint-workflow) ──

/**
 * Every transform by name. A transform that is not written yet is absent; `all` runs the registered ones in
 * TRANSFORM_ORDER.
 */
export const TRANSFORMS: Partial<Record<TransformName, Transform>> = {
  'service-commit': serviceCommit,
  'inject-outbox': injectOutbox,
  'inject-idempotency': injectIdempotency,
  // ── other transforms: register them here ──
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
