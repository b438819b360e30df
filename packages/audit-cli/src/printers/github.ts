import { appendFileSync } from 'node:fs';
import * as core from '@actions/core';
import type { Finding } from 'outbox-analysis';
import type { AuditReport } from '../report.js';
import type { GateResult } from '../gate.js';
import { printMarkdown } from './markdown.js';

/** GitHub shows at most 10 annotations of each level per step; past that they are dropped silently. */
export const ANNOTATIONS_PER_LEVEL = 10;

/** Most important first: router DB calls, then missing events and commits, then idempotency, then warnings. */
const RANK: Record<string, number> = {
  'no-db-in-router': 0,
  'require-outbox-event': 1,
  'require-service-commit': 2,
  'require-idempotency': 3,
};

export function rankFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      (RANK[a.rule] ?? 9) - (RANK[b.rule] ?? 9) ||
      a.file.localeCompare(b.file) ||
      a.span.line - b.span.line,
  );
}

export interface GithubOutput {
  annotated: number;
  omitted: number;
}

/**
 * Writes annotations on the offending lines (the most important first, up to GitHub's cap, the rest counted) and
 * the Markdown report as the job summary when GITHUB_STEP_SUMMARY is set. `root` is the audited folder relative to
 * the repository, so annotation paths resolve in the pull request.
 */
export async function printGithub(
  report: AuditReport,
  gate: GateResult | undefined,
  options: { target: string; root: string; annotate?: Finding[] },
): Promise<GithubOutput> {
  // With a baseline, `annotate` is what the gate fails on: known gaps the baseline accepts are not annotated.
  const ranked = rankFindings(options.annotate ?? report.findings);
  const accepted = report.findings.length - ranked.length;
  const prefix = options.root && options.root !== '.' ? `${options.root.replace(/\/$/, '')}/` : '';
  const shown = { error: 0, warning: 0 };
  // The verdict first, so it is never the annotation GitHub drops; it takes one of the ten error slots.
  if (gate && !gate.pass && gate.enforced) {
    core.error(gate.summary, { title: 'outbox-audit gate failed' });
    shown.error++;
  }
  let omitted = 0;
  for (const f of ranked) {
    if (shown[f.severity] >= ANNOTATIONS_PER_LEVEL) {
      omitted++;
      continue;
    }
    shown[f.severity]++;
    const props = {
      title: `outbox/${f.rule}`,
      file: `${prefix}${f.file}`,
      startLine: f.span.line,
      endLine: f.span.endLine,
      ...(f.span.line === f.span.endLine ? { startColumn: f.span.column, endColumn: f.span.endColumn } : {}),
    };
    if (f.severity === 'error') core.error(f.message, props);
    else core.warning(f.message, props);
  }
  for (const d of report.diagnostics) core.warning(d.message, { title: 'outbox-audit: file not analysed', file: `${prefix}${d.file}`, ...(d.line ? { startLine: d.line } : {}) });
  const s = report.summary;
  core.info(`outbox-audit: ${s.compliant}/${s.operations} operations compliant (${s.percent}%), checklist ${s.checklistPassed}/${s.checklistTotal}, ${report.findings.length} finding(s)`);
  if (accepted > 0) core.info(`${accepted} known finding(s) accepted by the baseline are not annotated; the job summary and the SARIF upload list every finding`);
  if (omitted > 0) core.info(`${omitted} more finding(s) not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level per step); all are in the job summary and the SARIF upload`);
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    const note = omitted > 0 ? `\n> ${ranked.length - omitted} finding(s) annotated on their lines; ${omitted} more are listed in the tables above.\n` : '';
    try {
      // GitHub creates the file; outside Actions it may not exist yet.
      appendFileSync(summaryFile, '');
      await core.summary.addRaw(printMarkdown(report, gate, { target: options.target }) + note).write();
    } catch (error) {
      core.warning(`could not write the job summary to ${summaryFile}: ${(error as Error).message}`);
    }
  }
  return { annotated: ranked.length - omitted, omitted };
}
