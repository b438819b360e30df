import type { ReportOperation } from '../report.js';

/** How the printers name an operation: `Class.method`, or a handler's route. */
export const operationName = (op: ReportOperation): string => (op.className ? `${op.className}.${op.method}` : op.method);
