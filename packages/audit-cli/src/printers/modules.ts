import type { AuditReport, ReportOperation } from '../report.js';

/** Per-module tallies for the printers' tables (a count over the report, not a new fact). */
export interface ModuleTally {
  module: string;
  operations: ReportOperation[];
  outbox: number;
  idempotency: number;
  event: number;
  commit: number;
  compliant: number;
}

export function tallyByModule(report: AuditReport): ModuleTally[] {
  const byModule = new Map<string, ReportOperation[]>();
  for (const op of report.operations) {
    const list = byModule.get(op.module) ?? [];
    list.push(op);
    byModule.set(op.module, list);
  }
  return [...byModule.entries()]
    .map(([module, operations]) => ({
      module,
      operations,
      outbox: operations.filter((o) => o.outbox).length,
      idempotency: operations.filter((o) => o.idempotency).length,
      event: operations.filter((o) => o.event).length,
      commit: operations.filter((o) => o.commit).length,
      compliant: operations.filter((o) => o.compliant).length,
    }))
    .sort((a, b) => a.module.localeCompare(b.module));
}

export const operationName = (op: ReportOperation): string => (op.className ? `${op.className}.${op.method}` : op.method);
