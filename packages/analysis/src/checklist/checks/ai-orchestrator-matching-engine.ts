import type { Check } from '../check.js';
import { engineInjection } from './engine-injection.js';

export const aiOrchestratorMatchingEngine: Check = {
  id: 'ai-orchestrator-matching-engine',
  title: 'AI Orchestrator injected into matching engine',
  requires: 'The matching engine class (checklist.matchingEngineClass) takes the orchestrator: a constructor parameter or property that names it, or a call of its factory.',
  remediation: 'Give the matching engine a constructor parameter defaulting to the factory (`orchestrator = getOrchestrator()`); `outbox-codemod inject-ai-orchestrator` does it.',
  run: (context) => engineInjection(context.settings.matchingEngineClass, context),
};
