export { runAudit, UsageError, bundledRuntimeRoot, inShard, type AuditOptions } from './audit.js';
export { buildReport, reportView, type AuditReport, type ReportOperation, type ReportRouter, type AuditSummary, type ReportView, type RecommendedAction, type SummaryLine, type RichText } from './report.js';
export { evaluateGate, type GateOptions, type GateResult } from './gate.js';
export { createBaseline, readBaseline, compareWithBaseline, type Baseline, type BaselineComparison } from './baseline.js';
export { printText } from './printers/text.js';
export { printMarkdown } from './printers/markdown.js';
export { printJson } from './printers/json.js';
export { printSarif } from './printers/sarif.js';
export { printGithub, rankFindings, ANNOTATIONS_PER_LEVEL } from './printers/github.js';
