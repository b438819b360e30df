import type { Check } from '../check.js';
import { engineInjection } from './engine-injection.js';

export const aiOrchestratorRiskEngine: Check = {
  id: 'ai-orchestrator-risk-engine',
  title: 'AI Orchestrator injected into risk engine',
  requires: 'The risk engine class (checklist.riskEngineClass) takes the orchestrator: a constructor parameter or property that names it, or a call of its factory.',
  remediation: 'Give the risk engine a constructor parameter defaulting to the factory (`orchestrator = getOrchestrator()`); `outbox-codemod inject-ai-orchestrator` does it.',
  run: (context) => engineInjection(context.settings.riskEngineClass, context),
};
