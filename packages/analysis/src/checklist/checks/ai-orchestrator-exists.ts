import type { Check, ChecklistDetail } from '../check.js';
import { classesNamed } from '../check.js';

export const aiOrchestratorExists: Check = {
  id: 'ai-orchestrator-exists',
  title: 'AI Orchestration Layer exists',
  requires: 'An abstract base class of the orchestrator (checklist.aiBaseClasses), a factory that hands it out (checklist.aiFactoryFunctions) and at least one provider class extending the base.',
  remediation: 'Add the orchestration layer: an abstract base with execute / executeWithFallback / healthCheck, a factory such as getOrchestrator(), and a provider; or name yours in checklist.aiBaseClasses and checklist.aiFactoryFunctions.',
  run({ files, settings }) {
    const details: ChecklistDetail[] = [];
    const bases = classesNamed(files, settings.aiBaseClasses);
    const factories = files.flatMap((f) =>
      f.functions.filter((fn) => settings.aiFactoryFunctions.includes(fn.name)).map((fn) => ({ file: f.file, item: fn })),
    );
    const baseNames = new Set(settings.aiBaseClasses);
    const adapters = files.flatMap((f) =>
      f.classes.filter((c) => !c.abstract && c.extends !== undefined && baseNames.has(c.extends)).map((item) => ({ file: f.file, item })),
    );
    for (const b of bases) details.push({ file: b.file, line: b.item.line, message: `base: ${b.item.abstract ? 'abstract ' : ''}class ${b.item.name}` });
    for (const f of factories) details.push({ file: f.file, line: f.item.line, message: `factory: ${f.item.name}()` });
    for (const a of adapters) details.push({ file: a.file, line: a.item.line, message: `provider: ${a.item.name} extends ${a.item.extends}` });
    const missing = [
      bases.length === 0 ? `a base class (${settings.aiBaseClasses.join(' / ')})` : undefined,
      factories.length === 0 ? `a factory (${settings.aiFactoryFunctions.join(' / ')})` : undefined,
      adapters.length === 0 ? 'a provider or adapter class extending the base' : undefined,
    ].filter((m): m is string => m !== undefined);
    return {
      pass: missing.length === 0,
      reason: missing.length === 0 ? `base class, factory and ${adapters.length} provider(s) found` : `missing ${missing.join(', ')}`,
      details,
    };
  },
};
