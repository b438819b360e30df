import type { CheckOutcome, ChecklistContext, ChecklistDetail } from '../check.js';
import { classesNamed, importers } from '../check.js';

/** Shared by the WebSocket and webhook checks: the class exists outside tests, has its methods, and is imported. */
export function managerOperational(className: string, methods: string[], { files, isTest }: ChecklistContext): CheckOutcome {
  const found = classesNamed(files, [className]).filter((c) => !isTest(c.file));
  if (found.length === 0) return { pass: false, reason: `no class ${className} found`, details: [] };
  const details: ChecklistDetail[] = [];
  let pass = false;
  const problems: string[] = [];
  for (const { file, item } of found) {
    const missing = methods.filter((m) => !item.methods.includes(m));
    const users = importers(files, className, file, isTest);
    details.push({ file, line: item.line, message: `class ${className} with ${item.methods.length} methods` });
    for (const u of users) details.push({ file: u, message: `wired: imports ${className}` });
    if (missing.length > 0) problems.push(`${className} lacks ${missing.join(', ')}`);
    if (users.length === 0) problems.push(`nothing outside tests imports ${className}`);
    if (missing.length === 0 && users.length > 0) pass = true;
  }
  return { pass, reason: pass ? `${className} implemented and wired` : problems.join('; '), details };
}
