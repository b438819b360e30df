/**
 * The checklist's profiles. `default` is generic: what any backend that adopts the outbox architecture can be held to.
 * `seed` is the 12-item checklist of the seed report, ids and order fixed (the bundled reference runtime turns it on in
 * its outbox.config.json). Each id is one check in `checks/<id>.ts` with its doc page.
 */
export const SEED_CHECK_IDS = [
  'ai-orchestrator-exists',
  'ai-orchestrator-matching-engine',
  'ai-orchestrator-risk-engine',
  'websocket-operational',
  'webhooks-operational',
  'operations-use-outbox',
  'operations-idempotent',
  'operations-emit-events',
  'routers-no-db-commit',
  'routers-no-db-execute',
  'pr-lint-workflow-exists',
  'pr-lint-blocks-violations',
] as const;

export const DEFAULT_CHECK_IDS = [
  'operations-use-outbox',
  'operations-idempotent',
  'operations-emit-events',
  'operations-commit-in-service',
  'routers-no-db-calls',
  'pr-lint-workflow-exists',
  'pr-lint-blocks-violations',
] as const;

/** Every check there is, each once. */
export const CHECK_IDS: readonly CheckId[] = [...new Set<CheckId>([...DEFAULT_CHECK_IDS, ...SEED_CHECK_IDS])];

export type CheckId = (typeof SEED_CHECK_IDS)[number] | (typeof DEFAULT_CHECK_IDS)[number];

export const CHECKLIST_PROFILES = {
  default: DEFAULT_CHECK_IDS,
  seed: SEED_CHECK_IDS,
} as const satisfies Record<string, readonly CheckId[]>;

export type ChecklistProfile = keyof typeof CHECKLIST_PROFILES;

/** The ids a checklist configuration runs, in the profile's order. */
export function enabledCheckIds(settings: { profile: ChecklistProfile; disable: readonly string[] }): CheckId[] {
  const off = new Set(settings.disable);
  return CHECKLIST_PROFILES[settings.profile].filter((id) => !off.has(id));
}
