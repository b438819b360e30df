import { gatedMissing, type AuditReport } from './report.js';
import { compareWithBaseline, type Baseline, type BaselineComparison } from './baseline.js';

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
  /** The comparison with the baseline, when one was given (the HTML report shows it). */
  comparison?: BaselineComparison;
  /**
   * Files in scope the audit could not analyse and the config does not accept. They fail the gate whatever else it
   * checks (a baseline, thresholds): what the audit cannot see, it cannot pass. Exit code 3.
   */
  unanalysed: number;
}

/**
 * Decides the exit code. With no option the gate is strict: any finding fails, and so does a tree where no operation
 * was recognised (nothing was checked). A baseline replaces that with a ratchet (only new findings and regressions
 * fail); --min-score and --min-compliance add thresholds, and no operation at all never meets --min-compliance.
 * Findings an inline ESLint disable comment hides never fail the gate; every report lists them.
 */
export function evaluateGate(report: AuditReport, options: GateOptions): GateResult {
  const failures: string[] = [];
  const details: string[] = [];
  let fixed: string[] = [];
  let comparison: BaselineComparison | undefined;
  const s = report.summary;
  const unanalysed = report.unanalysed.filter((u) => u.accepted === undefined);
  if (unanalysed.length > 0) {
    failures.push(`${unanalysed.length} file(s) in scope could not be analysed`);
    for (const u of unanalysed) details.push(`not analysed: ${u.file}${u.folder ? '/' : ''} — ${u.message}`);
  }
  if (options.minScore !== undefined && s.checklistPassed < options.minScore) {
    failures.push(`checklist ${s.checklistPassed}/${s.checklistTotal} is below --min-score ${options.minScore}`);
  }
  if (options.minCompliance !== undefined) {
    if (s.percent === null) failures.push(`no operations found, so --min-compliance ${options.minCompliance} is not met`);
    else if (s.percent < options.minCompliance) failures.push(`${s.percent}% of operations compliant is below --min-compliance ${options.minCompliance}`);
  }
  if (options.baseline) {
    const cmp = compareWithBaseline(report, options.baseline);
    comparison = cmp;
    fixed = cmp.fixed;
    const newCount = cmp.newOperations.length + cmp.newRouterCalls.length;
    if (newCount > 0 || cmp.regressions.length > 0) {
      failures.push(`${newCount} new finding(s) and ${cmp.regressions.length} regression(s) against ${options.baselineFile ?? 'the baseline'}`);
    }
    for (const key of cmp.newOperations) {
      const op = report.operations.find((o) => o.key === key)!;
      details.push(`new: ${key} (line ${op.line}) lacks ${gatedMissing(op).map((m) => m.flag).join(', ')}`);
    }
    for (const r of cmp.regressions) {
      const op = report.operations.find((o) => o.key === r.key)!;
      details.push(`worse: ${r.key} (line ${op.line}) lost ${r.flags.join(', ')}`);
    }
    for (const c of cmp.newRouterCalls) details.push(`new: ${c.key} — ${c.count} call(s), baseline ${c.baseline}`);
    for (const f of fixed) details.push(`fixed: ${f}`);
  }
  if (!options.baseline && options.minScore === undefined && options.minCompliance === undefined) {
    const noncompliant = report.operations.filter((o) => gatedMissing(o).length > 0).length;
    const routerCalls = report.routers.reduce((n, r) => n + r.findings.filter((f) => !f.suppressed).length, 0);
    if (noncompliant > 0 || routerCalls > 0) {
      failures.push(`${noncompliant} non-compliant operation(s), ${routerCalls} router DB call(s)`);
    } else if (s.routers + s.services === 0) {
      failures.push('nothing checked: no router or service file found (set routerFiles / serviceFiles in outbox.config.json, or run outbox-audit init)');
    } else if (s.operations === 0) {
      // Passing would read as "all operations are fine" when none was recognised: say so and fail, as ESLint does on no files.
      failures.push('no operations found: nothing to gate (point serviceFiles, routerFiles and dbHandles at the code, or run outbox-audit init; --report-only to look without gating)');
    }
  }
  return {
    pass: failures.length === 0,
    enforced: !options.reportOnly,
    summary: failures.length === 0 ? passSummary(report, options) : failures.join('; '),
    details,
    fixed,
    ...(comparison ? { comparison } : {}),
    unanalysed: unanalysed.length,
  };
}

function passSummary(report: AuditReport, options: GateOptions): string {
  const unanalysable = report.unanalysed.length;
  const note = unanalysable > 0 ? ` (${unanalysable} unanalysable file(s) accepted by the config)` : '';
  if (options.baseline) return `nothing new or worse than ${options.baselineFile ?? 'the baseline'}${note}`;
  if (options.minScore !== undefined || options.minCompliance !== undefined) return `thresholds met${note}`;
  const s = report.summary;
  const accepted = s.suppressed > 0 ? ` (${s.suppressed} finding(s) accepted by inline disable comments)` : '';
  return `${s.compliant}/${s.operations} operations compliant, no router DB calls${accepted}${note}`;
}
