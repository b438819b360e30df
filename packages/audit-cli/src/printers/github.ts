import { appendFileSync } from 'node:fs';
import { compareFindings, type Finding } from 'outbox-analysis/core';
import { reportView, type AuditReport } from '../report.js';
import type { GateResult } from '../gate.js';
import { guardCommandLines, markdownCode, markdownText, workflowCommand } from './escape.js';
import { printMarkdown } from './markdown.js';

/** GitHub shows at most 10 annotations of each level per step; past that they are dropped silently. */
export const ANNOTATIONS_PER_LEVEL = 10;

/**
 * GitHub refuses a step's job summary over 1 MiB (and shows none of it). The summary is kept under this many bytes,
 * with room to spare for what GitHub adds.
 */
export const JOB_SUMMARY_LIMIT = 1_000_000;

/** Most important first, by the catalogue: errors before warnings, then the rule's rank (router DB calls first). */
export function rankFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

export interface GithubOutput {
  annotated: number;
  omitted: number;
  /** Bytes of the job summary written (0 without GITHUB_STEP_SUMMARY). */
  summaryBytes: number;
}

export interface GithubOptions {
  target: string;
  /** The audited folder relative to the repository, so annotation paths resolve in the pull request. */
  root: string;
  /** With a baseline: what the gate fails on. Known gaps the baseline accepts are not annotated. */
  annotate?: Finding[];
  /** The SARIF file this run also writes (named in a shortened job summary). */
  sarifFile?: string;
  /** Where output goes (standard output by default); the summary goes to GITHUB_STEP_SUMMARY. */
  write?: (text: string) => void;
}

/**
 * Writes workflow commands — annotations on the offending lines (the most important first, up to GitHub's cap, the
 * rest counted) — and the Markdown report as the job summary when GITHUB_STEP_SUMMARY is set. Every value in a
 * command is escaped as the runner decodes it (escape.ts), so a file or route named after a command cannot start one.
 */
export async function printGithub(report: AuditReport, gate: GateResult | undefined, options: GithubOptions): Promise<GithubOutput> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const info = (text: string) => write(guardCommandLines(`${text}\n`));
  const ranked = rankFindings(options.annotate ?? report.findings);
  const accepted = report.findings.length - ranked.length;
  const prefix = options.root && options.root !== '.' ? `${options.root.replace(/\/$/, '')}/` : '';
  const shown = { error: 0, warning: 0 };
  // The verdict first, so it is never the annotation GitHub drops; it takes one of the ten error slots.
  if (gate && !gate.pass && gate.enforced) {
    write(workflowCommand('error', { title: 'outbox-audit gate failed' }, gate.summary));
    shown.error++;
  }
  let omitted = 0;
  const failing = report.unanalysed.filter((u) => u.accepted === undefined);
  for (const u of failing) {
    if (shown.error >= ANNOTATIONS_PER_LEVEL) {
      omitted++;
      continue;
    }
    shown.error++;
    write(workflowCommand('error', { title: 'outbox-audit: file in scope not analysed', file: `${prefix}${u.file}` }, u.message));
  }
  for (const f of ranked) {
    if (shown[f.severity] >= ANNOTATIONS_PER_LEVEL) {
      omitted++;
      continue;
    }
    shown[f.severity]++;
    const props = {
      title: `outbox/${f.rule}`,
      file: `${prefix}${f.file}`,
      line: f.span.line,
      endLine: f.span.endLine,
      ...(f.span.line === f.span.endLine ? { col: f.span.column, endColumn: f.span.endColumn } : {}),
    };
    write(workflowCommand(f.severity, props, f.message));
  }
  const failingFiles = new Set(failing.map((u) => u.file));
  for (const d of report.diagnostics) {
    if (failingFiles.has(d.file)) continue;
    write(workflowCommand('warning', { title: 'outbox-audit: file not analysed', file: `${prefix}${d.file}`, line: d.line }, d.message));
  }
  const s = report.summary;
  info(
    `outbox-audit: ${s.percent === null ? 'no operations found' : `${s.compliant}/${s.operations} operations compliant (${s.percent}%)`}, checklist ${s.checklistPassed}/${s.checklistTotal}, ${report.findings.length} finding(s)${s.suppressed > 0 ? `, ${s.suppressed} suppressed by inline disable comments (listed in the job summary)` : ''}`,
  );
  if (accepted > 0) info(`${accepted} known finding(s) accepted by the baseline are not annotated; the job summary and the SARIF upload list every finding`);
  if (omitted > 0) info(`${omitted} more finding(s) not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level per step); all are in the job summary and the SARIF upload`);
  let summaryBytes = 0;
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    const note = omitted > 0 ? `\n> ${ranked.length + failing.length - omitted} finding(s) annotated on their lines; ${omitted} more are listed in the report.\n` : '';
    const summary = jobSummary(report, gate, { target: options.target, note, ...(options.sarifFile ? { sarifFile: options.sarifFile } : {}) });
    summaryBytes = Buffer.byteLength(summary);
    try {
      appendFileSync(summaryFile, summary);
    } catch (error) {
      write(workflowCommand('warning', {}, `could not write the job summary to ${summaryFile}: ${(error as Error).message}`));
    }
  }
  return { annotated: ranked.length + failing.length - omitted, omitted, summaryBytes };
}

/**
 * The job summary: the whole Markdown report when it fits GitHub's limit; otherwise its head — the totals, the files
 * that could not be analysed, the modules worst first, the gate — as much as fits, then where the rest is (the SARIF
 * upload in code scanning, and the full report for a workflow to keep as an artifact).
 */
export function jobSummary(report: AuditReport, gate: GateResult | undefined, options: { target: string; note?: string; sarifFile?: string; limit?: number }): string {
  const limit = options.limit ?? JOB_SUMMARY_LIMIT;
  const full = `${printMarkdown(report, gate, { target: options.target })}${options.note ?? ''}\n`;
  if (Buffer.byteLength(full) <= limit) return full;

  const s = report.summary;
  const view = reportView(report);
  const head: string[] = [
    '# Infrastructure verification report (summary)',
    '',
    `Computed by outbox-audit ${report.tool.version} from ${markdownCode(options.target)}: ${s.filesScanned} files scanned, ${s.filesParsed} analysed.`,
    '',
    `> The full report (${Math.round(Buffer.byteLength(full) / 1024)} KiB) is larger than GitHub's 1 MiB job summary, so this is its head: the totals and the modules worst first. ` +
      `Every finding is in the SARIF${options.sarifFile ? ` (${markdownCode(options.sarifFile)}, uploaded to code scanning)` : ' upload (`--sarif`)'}; ` +
      `the whole report is ${markdownCode(`outbox-audit ${options.target} --format markdown -o outbox-report.md`)}, which a workflow can keep with \`actions/upload-artifact\`` +
      `${runUrl() ? ` ([this run's artifacts](${runUrl()}))` : ''}.`,
    '',
    '## Totals',
    '',
    `- Operations: ${s.percent === null ? 'no operations found' : `${s.compliant}/${s.operations} compliant (${s.percent}%)`}`,
    `- Routers: ${view.routerLine}`,
    `- Checklist: ${s.checklistPassed}/${s.checklistTotal}`,
    `- Findings: ${report.findings.length}; diagnostics: ${report.diagnostics.length}`,
    ...(s.unanalysed > 0 ? [`- **Not analysed, in scope: ${s.unanalysed} file(s)** (the gate fails on them)`] : []),
    '',
  ];
  const tail: string[] = [''];
  if (gate) tail.push(`**Gate: ${gate.pass ? 'passed' : 'FAILED'}${gate.enforced ? '' : ' (report only, not enforced)'}** — ${markdownText(gate.summary)}`, '');
  if (options.note) tail.push(options.note);
  let budget = limit - Buffer.byteLength(head.join('\n')) - Buffer.byteLength(tail.join('\n')) - 2000;
  const body: string[] = [];
  const take = (lines: string[]): boolean => {
    const size = Buffer.byteLength(lines.join('\n')) + 1;
    if (size > budget) return false;
    body.push(...lines);
    budget -= size;
    return true;
  };

  const failing = report.unanalysed.filter((u) => u.accepted === undefined);
  if (failing.length > 0) {
    take(['## Not analysed', '']);
    let shown = 0;
    for (const u of failing) {
      if (!take([`- ❌ ${markdownCode(`${u.file}${u.folder ? '/' : ''}`)} — ${markdownText(u.message)}`])) break;
      shown++;
    }
    if (shown < failing.length) take([`- … and ${failing.length - shown} more`]);
    take(['']);
  }
  const modules = view.worstModules;
  if (modules.length > 0) {
    take(['## Modules, worst first', '', '| Module | Operations | Not compliant | Outbox | Idempotency | Event | Commit |', '| --- | --: | --: | --: | --: | --: | --: |']);
    let shown = 0;
    for (const m of modules) {
      const n = m.operations.length;
      if (!take([`| ${markdownText(m.module)} | ${n} | ${n - m.compliant} | ${m.outbox}/${n} | ${m.idempotency}/${n} | ${m.event}/${n} | ${m.commit}/${n} |`])) break;
      shown++;
    }
    take(['']);
    if (shown < modules.length) take([`${modules.length - shown} more module(s) (${modules.slice(shown).reduce((n, m) => n + m.operations.length - m.compliant, 0)} non-compliant operation(s)) are in the SARIF and the full report.`, '']);
  }
  return `${[...head, ...body, ...tail].join('\n')}\n`;
}

/** The run's page, where its artifacts are listed (from GitHub's own variables). */
function runUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: run } = process.env;
  if (!server || !repository || !run || !/^https:\/\/[\w.-]+$/.test(server) || !/^[\w.-]+\/[\w.-]+$/.test(repository) || !/^\d+$/.test(run)) return undefined;
  return `${server}/${repository}/actions/runs/${run}`;
}
