/** What the checklist's structural checks look for; every name is configurable in outbox.config.json. */
export interface ChecklistSettings {
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

/** Class and function names whose presence makes a file worth parsing for the checklist. */
export function checklistNames(settings: ChecklistSettings): string[] {
  return [
    ...settings.aiBaseClasses,
    ...settings.aiFactoryFunctions,
    settings.matchingEngineClass,
    settings.riskEngineClass,
    settings.websocketManagerClass,
    settings.webhookManagerClass,
  ].filter((name) => name.length > 0);
}
