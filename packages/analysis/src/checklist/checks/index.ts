import type { Check } from '../check.js';
import type { CheckId } from '../profiles.js';
import { aiOrchestratorExists } from './ai-orchestrator-exists.js';
import { aiOrchestratorMatchingEngine } from './ai-orchestrator-matching-engine.js';
import { aiOrchestratorRiskEngine } from './ai-orchestrator-risk-engine.js';
import { operationsCommitInService } from './operations-commit-in-service.js';
import { operationsEmitEvents } from './operations-emit-events.js';
import { operationsIdempotent } from './operations-idempotent.js';
import { operationsUseOutbox } from './operations-use-outbox.js';
import { prLintBlocksViolations } from './pr-lint-blocks-violations.js';
import { prLintWorkflowExists } from './pr-lint-workflow-exists.js';
import { routersNoDbCalls } from './routers-no-db-calls.js';
import { routersNoDbCommit } from './routers-no-db-commit.js';
import { routersNoDbExecute } from './routers-no-db-execute.js';
import { webhooksOperational } from './webhooks-operational.js';
import { websocketOperational } from './websocket-operational.js';

/** Every check, by id (a check is added by adding its file here and its id to a profile). */
export const CHECKS: Readonly<Record<CheckId, Check>> = {
  'ai-orchestrator-exists': aiOrchestratorExists,
  'ai-orchestrator-matching-engine': aiOrchestratorMatchingEngine,
  'ai-orchestrator-risk-engine': aiOrchestratorRiskEngine,
  'websocket-operational': websocketOperational,
  'webhooks-operational': webhooksOperational,
  'operations-use-outbox': operationsUseOutbox,
  'operations-idempotent': operationsIdempotent,
  'operations-emit-events': operationsEmitEvents,
  'operations-commit-in-service': operationsCommitInService,
  'routers-no-db-calls': routersNoDbCalls,
  'routers-no-db-commit': routersNoDbCommit,
  'routers-no-db-execute': routersNoDbExecute,
  'pr-lint-workflow-exists': prLintWorkflowExists,
  'pr-lint-blocks-violations': prLintBlocksViolations,
};
