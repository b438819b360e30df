import type { AuditReport } from './report.js';
import { compareWithBaseline, type Baseline } from './baseline.js';

export interface GateOptions {
  /** Fail when fewer checklist items pass. */
  minScore?: number;
  /** Fail when the share of compliant operations (percent) is lower. */
  minCompliance?: number;
  /** Fail only on what is new or worse than this baseline. */
  baseline?: Baseline;
  /** Show the gate's verdict without enforcing it. */
  reportOnly?: boolean;
  baselineFile?: string;
}

export interface GateResult {
  pass: boolean;
  /** False with --report-only: the result is shown but the exit code is 0 whatever it says. */
  enforced: boolean;
  /** One line. */
  summary: string;
  details: string[];
  /** Improvements against the baseline, reported even when the gate passes. */
  fixed: string[];
  /**
   * Files in scope the audit could not analyse and the config does not accept. They fail the gate whatever else it
   * checks (a baseline, thresholds): what the audit cannot see, it cannot pass. Exit code 3.
   */
  unanalysed: number;
}

/**
 * Decides the exit code. With no option the gate is strict: any finding fails. A baseline replaces that with a
 * ratchet (only new findings and regressions fail); --min-score and --min-compliance add thresholds.
 */
export function evaluateGate(report: AuditReport, options: GateOptions): GateResult {
  const failures: string[] = [];
  const details: string[] = [];
  let fixed: string[] = [];
  const s = report.summary;
  const unanalysed = report.unanalysed.filter((u) => u.accepted === undefined);
  if (unanalysed.length > 0) {
    failures.push(`${unanalysed.length} file(s) in scope could not be analysed`);
    for (const u of unanalysed) details.push(`not analysed: ${u.file}${u.folder ? '/' : ''} — ${u.message}`);
  }
  if (options.minScore !== undefined && s.checklistPassed < options.minScore) {
    failures.push(`checklist ${s.checklistPassed}/${s.checklistTotal} is below --min-score ${options.minScore}`);
  }
  if (options.minCompliance !== undefined && s.percent < options.minCompliance) {
    failures.push(`${s.percent}% of operations compliant is below --min-compliance ${options.minCompliance}`);
  }
  if (options.baseline) {
    const cmp = compareWithBaseline(report, options.baseline);
    fixed = cmp.fixed;
    const newCount = cmp.newOperations.length + cmp.newRouterCalls.length;
    if (newCount > 0 || cmp.regressions.length > 0) {
      failures.push(`${newCount} new finding(s) and ${cmp.regressions.length} regression(s) against ${options.baselineFile ?? 'the baseline'}`);
    }
    for (const key of cmp.newOperations) {
      const op = report.operations.find((o) => o.key === key)!;
      details.push(`new: ${key} (${op.file}:${op.line}) lacks ${op.missing.map((m) => m.flag).join(', ')}`);
    }
    for (const r of cmp.regressions) {
      const op = report.operations.find((o) => o.key === r.key)!;
      details.push(`worse: ${r.key} (${op.file}:${op.line}) lost ${r.flags.join(', ')}`);
    }
    for (const c of cmp.newRouterCalls) details.push(`new: ${c.key} — ${c.count} call(s), baseline ${c.baseline}`);
    for (const f of fixed) details.push(`fixed: ${f}`);
  }
  if (!options.baseline && options.minScore === undefined && options.minCompliance === undefined) {
    const noncompliant = s.operations - s.compliant;
    const routerCalls = report.routers.reduce((n, r) => n + r.findings.length, 0);
    if (noncompliant > 0 || routerCalls > 0) {
      failures.push(`${noncompliant} non-compliant operation(s), ${routerCalls} router DB call(s)`);
    }
  }
  return {
    pass: failures.length === 0,
    enforced: !options.reportOnly,
    summary: failures.length === 0 ? passSummary(report, options) : failures.join('; '),
    details,
    fixed,
    unanalysed: unanalysed.length,
  };
}

function passSummary(report: AuditReport, options: GateOptions): string {
  const accepted = report.unanalysed.length;
  const note = accepted > 0 ? ` (${accepted} unanalysable file(s) accepted by the config)` : '';
  if (options.baseline) return `nothing new or worse than ${options.baselineFile ?? 'the baseline'}${note}`;
  if (options.minScore !== undefined || options.minCompliance !== undefined) return `thresholds met${note}`;
  return `${report.summary.operations} operations compliant, no router DB calls${note}`;
}
