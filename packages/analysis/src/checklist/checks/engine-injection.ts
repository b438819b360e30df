import type { ChecklistSettings } from '../settings.js';
import type { CheckOutcome, ChecklistContext, ChecklistDetail } from '../check.js';
import { classesNamed } from '../check.js';

function mentionsOrchestrator(text: string | undefined, s: ChecklistSettings): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return (
    s.aiInjectionNames.some((n) => lower.includes(n.toLowerCase())) ||
    s.aiBaseClasses.some((n) => text.includes(n)) ||
    s.aiFactoryFunctions.some((n) => text.includes(n))
  );
}

/**
 * Shared by the two injection checks: does `className` receive the orchestrator (a constructor parameter or property
 * that names it, or a call of its factory)? When it does not, the details say what the engine uses instead, as the
 * seed does ("Uses MatchScorer").
 */
export function engineInjection(className: string, { files, settings }: ChecklistContext): CheckOutcome {
  const engines = classesNamed(files, [className]);
  if (engines.length === 0) return { pass: false, reason: `no class ${className} found`, details: [] };
  const details: ChecklistDetail[] = [];
  let injected = false;
  for (const { file, item } of engines) {
    details.push({ file, line: item.line, message: `class ${item.name}` });
    const mentions = (p: { name: string; type?: string; initializer?: string }) =>
      mentionsOrchestrator(p.name, settings) || mentionsOrchestrator(p.type, settings) || mentionsOrchestrator(p.initializer, settings);
    const viaParam = item.constructorParams.filter(mentions);
    const viaProperty = item.properties.filter(mentions);
    const viaCall = item.calls.filter((c) => settings.aiFactoryFunctions.includes(c));
    for (const p of viaParam) details.push({ file, line: item.line, message: `constructor parameter ${p.name}${p.type ? `: ${p.type}` : ''}${p.initializer ? ` = ${p.initializer}` : ''}` });
    for (const p of viaProperty) details.push({ file, line: p.line, message: `this.${p.name}${p.initializer ? ` = ${p.initializer}` : ''}` });
    if (viaParam.length + viaProperty.length + viaCall.length > 0) {
      injected = true;
      if (viaParam.length + viaProperty.length === 0) details.push({ file, line: item.line, message: `calls ${viaCall.join(', ')}()` });
    } else {
      for (const p of item.properties.filter((p) => p.initializer)) details.push({ file, line: p.line, message: `this.${p.name} = ${p.initializer}` });
    }
  }
  const first = engines[0]!;
  return {
    pass: injected,
    reason: injected
      ? `${className} receives the orchestrator`
      : `${className} (${first.file}:${first.item.line}) has no orchestrator injection; expected a constructor parameter defaulting to ${settings.aiFactoryFunctions[0] ?? 'the factory'}()`,
    details,
  };
}
