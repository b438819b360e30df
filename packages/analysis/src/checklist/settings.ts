import { enabledCheckIds, type ChecklistProfile } from './profiles.js';

/** Which checks run, and what the structural checks look for; every name is configurable in outbox.config.json. */
export interface ChecklistSettings {
  /** `default`: the generic checks; `seed`: the seed report's 12 items (profiles.ts). */
  profile: ChecklistProfile;
  /** Check ids turned off. */
  disable: string[];
  /** Abstract base class(es) of the AI orchestration layer. */
  aiBaseClasses: string[];
  /** Factory function(s) that hand out the orchestrator. */
  aiFactoryFunctions: string[];
  /** The engines that must have the orchestrator injected, by checklist item. */
  matchingEngineClass: string;
  riskEngineClass: string;
  /** A constructor parameter or property whose name or type contains one of these counts as an injected orchestrator. */
  aiInjectionNames: string[];
  websocketManagerClass: string;
  websocketManagerMethods: string[];
  webhookManagerClass: string;
  webhookManagerMethods: string[];
  /** Files that do not count as wiring (a class only tests import is not operational). */
  testFiles: string[];
  /** Where workflows live, relative to the audited root. */
  workflowsDir: string;
  /** Regular expressions: a workflow step whose `run` matches one checks the architecture. */
  lintCommands: string[];
}

export const DEFAULT_CHECKLIST_SETTINGS: ChecklistSettings = {
  profile: 'default',
  disable: [],
  aiBaseClasses: ['BaseAIOrchestrator'],
  aiFactoryFunctions: ['getOrchestrator'],
  matchingEngineClass: 'MatchingEngine',
  riskEngineClass: 'RiskEngine',
  aiInjectionNames: ['orchestrator'],
  websocketManagerClass: 'ConnectionManager',
  websocketManagerMethods: ['connect', 'disconnect', 'broadcastToChannel', 'sendPersonalMessage'],
  webhookManagerClass: 'WebhookManager',
  webhookManagerMethods: [],
  testFiles: ['**/test/**', '**/tests/**', '**/__tests__/**', '**/*.test.*', '**/*.spec.*', '**/__testfixtures__/**'],
  workflowsDir: '.github/workflows',
  lintCommands: ['\\beslint\\b', '\\boutbox-audit\\b', 'db\\\\?\\.(execute|commit)'],
};

/**
 * Class and function names whose presence makes a file worth parsing for the checklist: only those the enabled
 * checks look for (the default profile reads no class by name, so it parses only routers and services).
 */
export function checklistNames(settings: ChecklistSettings): string[] {
  const on = new Set<string>(enabledCheckIds(settings));
  return [
    ...(on.has('ai-orchestrator-exists') ? [...settings.aiBaseClasses, ...settings.aiFactoryFunctions] : []),
    ...(on.has('ai-orchestrator-matching-engine') ? [settings.matchingEngineClass, ...settings.aiFactoryFunctions] : []),
    ...(on.has('ai-orchestrator-risk-engine') ? [settings.riskEngineClass, ...settings.aiFactoryFunctions] : []),
    ...(on.has('websocket-operational') ? [settings.websocketManagerClass] : []),
    ...(on.has('webhooks-operational') ? [settings.webhookManagerClass] : []),
  ].filter((name, i, all) => name.length > 0 && all.indexOf(name) === i);
}
