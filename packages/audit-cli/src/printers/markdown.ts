import { REASONS, type ChecklistItem } from 'outbox-analysis/core';
import { reportView, type AuditReport, type Mark, type ReportOperation, type RichText } from '../report.js';
import type { GateResult } from '../gate.js';
import { guardCommandLines, markdownCode, markdownText as md, MARKDOWN_GUARD } from './escape.js';
import { operationName } from './modules.js';

export interface MarkdownOptions {
  target: string;
  /** When the report was made (ISO 8601) and at which commit: the report states both when given. */
  date?: string;
  commit?: string;
  /** Collapse long tables in <details> (GitHub renders them); on by default. */
  collapse?: boolean;
}

const yes = (b: boolean): string => (b ? '✅' : '❌');
// Every value from the audited tree (paths, names, routes, messages that quote them) goes through `md`, `code` or
// `cell`/`where` with the table flag: rendered as written, never as Markdown or HTML (escape.ts).
const cell = (s: string): string => md(s);
const code = (s: string, inTable = false): string => markdownCode(s, { inTable });
const where = (file?: string, line?: number, inTable = false): string => (file ? code(line ? `${file}:${line}` : file, inTable) : '');

/** A checklist item, when the configured profile runs it. */
function item(report: AuditReport, id: ChecklistItem['id']): ChecklistItem | undefined {
  return report.checklist.find((c) => c.id === id);
}

function details(list: ChecklistItem['details']): string[] {
  return list.map((d) => `- ${d.file ? `${where(d.file, d.line)} — ` : ''}${md(d.message)}`);
}

function section(title: string, pass: boolean, partly: boolean, body: string[]): string[] {
  return [`## ${title} ${pass ? '✅' : partly ? '⚠️' : '❌'}`, '', ...body, ''];
}

const MARK: Record<Mark, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** The model's text in Markdown: our words as written, the tree's values escaped. */
function rich(text: RichText): string {
  return text.map((part) => (typeof part === 'string' ? part : 'code' in part ? code(part.code) : md(part.value))).join('');
}

/** The catalogue's few words per reason (the full sentence is in the JSON, SARIF and annotations), with a line where it points elsewhere. */
function why(op: ReportOperation): string {
  return op.missing.map((m) => (REASONS[m.reason].located ? `${REASONS[m.reason].short} (line ${m.line})` : REASONS[m.reason].short)).join('; ');
}

function operationsTable(ops: ReportOperation[]): string[] {
  const rows = ['| Operation | Location | Outbox | Idempotency | Event | Commit | Why not compliant |', '| --- | --- | :-: | :-: | :-: | :-: | --- |'];
  for (const op of ops) {
    rows.push(
      `| ${cell(operationName(op))} | ${where(op.file, op.line, true)} | ${yes(op.outbox)} | ${yes(op.idempotency)} | ${yes(op.event)} | ${yes(op.commit)} | ${cell(why(op))} |`,
    );
  }
  return rows;
}

/** The verification report, laid out like the seed's: summary, a section per component, checklist, actions. */
export function printMarkdown(report: AuditReport, gate: GateResult | undefined, options: MarkdownOptions): string {
  const s = report.summary;
  const collapse = options.collapse ?? true;
  const view = reportView(report);
  const ai = item(report, 'ai-orchestrator-exists');
  const aiMatching = item(report, 'ai-orchestrator-matching-engine');
  const aiRisk = item(report, 'ai-orchestrator-risk-engine');
  const ws = item(report, 'websocket-operational');
  const hooks = item(report, 'webhooks-operational');
  const prExists = item(report, 'pr-lint-workflow-exists');
  const prBlocks = item(report, 'pr-lint-blocks-violations');
  const noncompliant = s.operations - s.compliant;
  const none = s.percent === null;
  let number = 0;
  const next = () => ++number;

  const out: string[] = [];
  out.push('# Infrastructure verification report', '');
  out.push(`Computed by outbox-audit ${report.tool.version} from ${code(options.target)}: ${s.filesScanned} files scanned, ${s.filesParsed} analysed.`, '');
  if (options.date || options.commit) out.push(`Made ${options.date ? `on ${md(options.date)}` : ''}${options.commit ? ` at commit ${code(options.commit)}` : ''}.`, '');
  if (s.unanalysed > 0) out.push(`> **${s.unanalysed} file(s) in scope could not be analysed** — see [Not analysed](#not-analysed); the gate fails until each is fixed or accepted in the config.`, '');
  out.push('## Executive summary', '');
  out.push(`**Status: ${view.critical ? 'CRITICAL ISSUES FOUND — ACTION REQUIRED' : 'ALL CHECKS PASS'}**`, '');
  for (const line of view.summaryLines) out.push(`- ${MARK[line.mark]} ${rich(line.text)}`);
  out.push('', '---', '');

  if (ai && aiMatching && aiRisk) {
    out.push(
      ...section(`${next()}. AI orchestration layer`, ai.pass && aiMatching.pass && aiRisk.pass, ai.pass, [
        `**Layer**: ${md(ai.reason)}.`,
        '',
        ...details(ai.details),
        '',
        `**Matching engine**: ${aiMatching.pass ? 'orchestrator injected' : `⚠️ ${md(aiMatching.reason)}`}.`,
        '',
        ...details(aiMatching.details),
        '',
        `**Risk engine**: ${aiRisk.pass ? 'orchestrator injected' : `⚠️ ${md(aiRisk.reason)}`}.`,
        '',
        ...details(aiRisk.details),
      ]),
    );
  }
  if (ws) out.push(...section(`${next()}. WebSocket real-time`, ws.pass, false, [`${md(ws.reason)}.`, '', ...details(ws.details)]));
  if (hooks) out.push(...section(`${next()}. Webhook system`, hooks.pass, false, [`${md(hooks.reason)}.`, '', ...details(hooks.details)]));

  out.push(`## ${next()}. Infrastructure integration ${noncompliant === 0 && !none ? '✅' : '❌'}`, '');
  if (none) {
    out.push('**No operations found**: no service method or route handler writes through a DB handle, so there is no share to report. Check `serviceFiles`, `routerFiles` and `dbHandles` in outbox.config.json, or run `outbox-audit init`.', '');
  } else {
    out.push(`**${s.compliant}/${s.operations} operations (${s.percent}%)** have the outbox, idempotency, an event before the commit, and their own commit.`, '');
  }
  if (report.unassignedDbFiles.length > 0) {
    out.push('**DB work outside every role** (add these files to `routerFiles` or `serviceFiles`, or run `outbox-audit init`):', '');
    for (const u of report.unassignedDbFiles) out.push(`- ${where(u.file, u.line)} — ${md(u.message)}`);
    out.push('');
  }
  out.push('| Module | Operations | Outbox | Idempotency | Event | Commit | Compliant |', '| --- | --: | --: | --: | --: | --: | --: |');
  for (const t of view.modules) {
    const n = t.operations.length;
    out.push(`| ${cell(t.module)} | ${n} | ${t.outbox}/${n} | ${t.idempotency}/${n} | ${t.event}/${n} | ${t.commit}/${n} | ${t.compliant}/${n} |`);
  }
  out.push('');
  const compliantOps = report.operations.filter((o) => o.compliant);
  out.push(`### Compliant operations (${compliantOps.length})`, '');
  if (compliantOps.length === 0) out.push('None.');
  for (const op of compliantOps) out.push(`- ✅ ${code(operationName(op))} — ${where(op.file, op.line)}${op.idempotencyStyle === 'redis' ? ' (Redis check-then-act idempotency: race-prone)' : ''}`);
  out.push('');
  for (const t of view.modules) {
    const missing = t.operations.filter((o) => !o.compliant);
    if (missing.length === 0) continue;
    out.push(`### ${md(t.module)} — ${missing.length} of ${t.operations.length} operation(s) missing infrastructure`, '');
    if (collapse) out.push('<details><summary>Operations</summary>', '');
    out.push(...operationsTable(t.operations));
    if (collapse) out.push('', '</details>');
    out.push('');
  }
  out.push('### Routers', '');
  const withCalls = report.routers.filter((r) => r.findings.length > 0);
  if (withCalls.length === 0) out.push(`No DB-handle calls in any of ${s.routers} router file(s).`);
  else {
    out.push(`${withCalls.length} of ${s.routers} router file(s) with findings.`, '');
    out.push('| Router | Commit | Execute | Other | Lines |', '| --- | --: | --: | --: | --- |');
    for (const r of withCalls) {
      out.push(`| ${code(r.file, true)} | ${r.dbCommit} | ${r.dbExecute} | ${r.dbOther} | ${r.findings.map((f) => `${f.line}${f.kind === 'other' ? ` (${cell(f.call)})` : ''}${f.suppressed ? ' (suppressed)' : ''}`).join(', ')} |`);
    }
  }
  out.push('');

  if (prExists && prBlocks) {
    out.push(...section(`${next()}. PR lint / check enforcement`, prBlocks.pass, prExists.pass, [`**Exists**: ${md(prExists.reason)}.`, '', ...details(prExists.details), '', `**Blocks**: ${md(prBlocks.reason)}.`, '', ...details(prBlocks.details)]));
  }

  out.push('## Verification checklist', '');
  for (const c of report.checklist) out.push(`- [${c.pass ? 'x' : ' '}] ${md(c.label)}${c.pass ? '' : ` — ${md(c.reason)}. *Fix:* ${md(c.remediation)}`}`);
  out.push('', `**Current score: ${s.checklistPassed}/${s.checklistTotal} (${view.checklistPercent}%)**${s.checklistProfile === 'default' ? '' : ` — profile ${code(s.checklistProfile)}`}`, '');

  out.push('## Recommended actions (priority order)', '');
  if (view.actions.length === 0) out.push('Nothing to do: keep the PR check on.');
  view.actions.forEach((a, i) => out.push(`${i + 1}. **[${a.priority}]** ${rich(a.text)}`));
  out.push('');

  if (report.suppressed.length > 0) {
    out.push(`## Suppressed findings (${report.suppressed.length})`, '', 'Hidden by inline ESLint disable comments: the gate accepts them; they stay listed here.', '');
    for (const f of report.suppressed) {
      out.push(`- ${where(f.file, f.line)} ${code(`outbox/${f.rule}`)} — eslint-${f.suppression.kind} (line ${f.suppression.line})${f.suppression.reason ? `: ${md(f.suppression.reason)}` : ', no reason given'}`);
    }
    out.push('');
  }
  if (report.unanalysed.length > 0) {
    out.push('## Not analysed', '');
    out.push('Files in scope (routers, services, files the audit parses) the audit could not analyse: each fails the gate unless `unanalysable` in the config accepts it, with a reason.', '');
    for (const u of report.unanalysed) {
      out.push(`- ${u.accepted === undefined ? '❌' : '☑️'} ${code(`${u.file}${u.folder ? '/' : ''}`)} — ${md(u.message)}${u.accepted === undefined ? '' : ` (accepted: ${md(u.accepted)})`}`);
    }
    out.push('');
  }
  if (report.warnings.length > 0 || report.diagnostics.length > 0) {
    out.push('## Diagnostics', '');
    for (const w of report.warnings) out.push(`- ⚠️ ${md(w)}`);
    for (const d of report.diagnostics) out.push(`- ${where(d.file, d.line)} — ${md(d.message)}`);
    out.push('');
  }
  if (gate) {
    out.push(`**Gate: ${gate.pass ? 'passed' : 'FAILED'}${gate.enforced ? '' : ' (report only, not enforced)'}** — ${md(gate.summary)}`, '');
    for (const d of gate.details) out.push(`- ${md(d)}`);
    if (gate.details.length > 0) out.push('');
  }
  // A line that starts with `::` is a workflow command when this is printed in a GitHub job: a backslash keeps the
  // text and renders the same.
  return guardCommandLines(out.join('\n'), MARKDOWN_GUARD);
}
