import type { AuditReport } from '../report.js';
import type { GateResult } from '../gate.js';
import { guardJson } from './escape.js';

/** DESIGN.md's JSON contract at schemaVersion 2 (schema/report.schema.json), plus the findings and the gate. */
export function printJson(report: AuditReport, gate?: GateResult): string {
  return guardJson(JSON.stringify(gate ? { ...report, gate } : report, null, 2)) + '\n';
}
