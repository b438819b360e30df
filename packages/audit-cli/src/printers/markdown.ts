import type { ChecklistItem } from 'outbox-analysis';
import type { AuditReport, ReportOperation } from '../report.js';
import type { GateResult } from '../gate.js';
import { guardCommandLines, markdownCode, markdownText as md, MARKDOWN_GUARD } from './escape.js';
import { operationName, tallyByModule } from './modules.js';

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

/** A few words per reason for the table; the full sentence is in the JSON, SARIF and annotations. */
const SHORT: Record<ReportOperation['missing'][number]['reason'], string> = {
  'no-outbox-repository': 'no outbox repository',
  'no-idempotency-check': 'no idempotency check',
  'idempotency-after-write': 'key checked after the first write',
  'no-event': 'no event',
  'event-after-commit': 'event after the commit',
  'event-missing-on-path': 'event missing on a path',
  'event-dual-write': 'event published outside the transaction (dual write)',
  'commit-left-to-router': 'commit left to the router',
};

function why(op: ReportOperation): string {
  // A line only where it points somewhere other than the operation itself.
  const located = new Set(['idempotency-after-write', 'event-after-commit', 'event-missing-on-path']);
  return op.missing.map((m) => (located.has(m.reason) ? `${SHORT[m.reason]} (line ${m.line})` : SHORT[m.reason])).join('; ');
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
  const ai = item(report, 'ai-orchestrator-exists');
  const aiMatching = item(report, 'ai-orchestrator-matching-engine');
  const aiRisk = item(report, 'ai-orchestrator-risk-engine');
  const ws = item(report, 'websocket-operational');
  const hooks = item(report, 'webhooks-operational');
  const prExists = item(report, 'pr-lint-workflow-exists');
  const prBlocks = item(report, 'pr-lint-blocks-violations');
  const noncompliant = s.operations - s.compliant;
  const without = (flag: 'outbox' | 'idempotency' | 'event') => report.operations.filter((o) => !o[flag]).length;
  const critical = report.checklist.some((c) => !c.pass);
  const none = s.percent === null;
  let number = 0;
  const next = () => ++number;

  const out: string[] = [];
  out.push('# Infrastructure verification report', '');
  out.push(`Computed by outbox-audit ${report.tool.version} from ${code(options.target)}: ${s.filesScanned} files scanned, ${s.filesParsed} analysed.`, '');
  if (options.date || options.commit) out.push(`Made ${options.date ? `on ${md(options.date)}` : ''}${options.commit ? ` at commit ${code(options.commit)}` : ''}.`, '');
  if (s.unanalysed > 0) out.push(`> **${s.unanalysed} file(s) in scope could not be analysed** — see [Not analysed](#not-analysed); the gate fails until each is fixed or accepted in the config.`, '');
  out.push('## Executive summary', '');
  out.push(`**Status: ${critical ? 'CRITICAL ISSUES FOUND — ACTION REQUIRED' : 'ALL CHECKS PASS'}**`, '');
  if (ai && aiMatching && aiRisk) {
    out.push(`- ${ai.pass && aiMatching.pass && aiRisk.pass ? '✅' : ai.pass ? '⚠️' : '❌'} AI Orchestration Layer: ${ai.pass ? (aiMatching.pass && aiRisk.pass ? 'implemented and injected' : 'implemented, NOT injected into ' + [aiMatching.pass ? '' : 'the matching engine', aiRisk.pass ? '' : 'the risk engine'].filter(Boolean).join(' and ')) : 'missing'}`);
  }
  if (ws) out.push(`- ${yes(ws.pass)} WebSocket real-time: ${ws.pass ? 'implemented and wired' : md(ws.reason)}`);
  if (hooks) out.push(`- ${yes(hooks.pass)} Webhook system: ${hooks.pass ? 'implemented and wired' : md(hooks.reason)}`);
  if (none) out.push('- ❌ Infrastructure integration: no operations found — nothing was scored (check serviceFiles, routerFiles and dbHandles, or run `outbox-audit init`)');
  else out.push(`- ${noncompliant === 0 ? '✅' : '⚠️'} Infrastructure integration: ${s.percent}% complete (${s.compliant}/${s.operations} operations)`);
  if (prExists && prBlocks) {
    out.push(`- ${prBlocks.pass ? '✅' : '❌'} PR lint check: ${prBlocks.pass ? 'blocks architecture violations' : prExists.pass ? 'exists but does not block' : 'missing — nothing enforces the service layer, outbox or idempotency'}`);
  }
  if (!none) {
    out.push(`- ${yes(without('outbox') === 0)} Outbox pattern: ${without('outbox') === 0 ? 'used by every operation' : `missing from ${without('outbox')}/${s.operations} operations`}`);
    out.push(`- ${yes(without('idempotency') === 0)} Idempotency: ${without('idempotency') === 0 ? 'enforced by every operation' : `missing from ${without('idempotency')}/${s.operations} operations`}`);
    out.push(`- ${yes(without('event') === 0)} Event emission: ${without('event') === 0 ? 'every operation emits its event before the commit' : `missing from ${without('event')}/${s.operations} operations`}`);
  }
  out.push(
    `- ${yes(s.routerDbCommit + s.routerDbExecute + s.routerDbOther === 0)} Routers: ${s.routerDbCommit} commit, ${s.routerDbExecute} execute${s.routerDbOther > 0 || report.strict ? ` and ${s.routerDbOther} other` : ''} DB call(s) in ${s.routersWithFindings} of ${s.routers} router file(s) with findings`,
  );
  if (s.suppressed > 0) out.push(`- ⚠️ Suppressed: ${s.suppressed} finding(s) hidden by inline disable comments (listed below)`);
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
  for (const t of tallyByModule(report)) {
    const n = t.operations.length;
    out.push(`| ${cell(t.module)} | ${n} | ${t.outbox}/${n} | ${t.idempotency}/${n} | ${t.event}/${n} | ${t.commit}/${n} | ${t.compliant}/${n} |`);
  }
  out.push('');
  const compliantOps = report.operations.filter((o) => o.compliant);
  out.push(`### Compliant operations (${compliantOps.length})`, '');
  if (compliantOps.length === 0) out.push('None.');
  for (const op of compliantOps) out.push(`- ✅ ${code(operationName(op))} — ${where(op.file, op.line)}${op.idempotencyStyle === 'redis' ? ' (Redis check-then-act idempotency: race-prone)' : ''}`);
  out.push('');
  for (const t of tallyByModule(report)) {
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
  out.push('', `**Current score: ${s.checklistPassed}/${s.checklistTotal} (${Math.round((s.checklistPassed / Math.max(1, s.checklistTotal)) * 100)}%)**${s.checklistProfile === 'default' ? '' : ` — profile ${code(s.checklistProfile)}`}`, '');

  const actions = recommendedActions(report);
  out.push('## Recommended actions (priority order)', '');
  if (actions.length === 0) out.push('Nothing to do: keep the PR check on.');
  actions.forEach((a, i) => out.push(`${i + 1}. ${a}`));
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

function recommendedActions(report: AuditReport): string[] {
  const s = report.summary;
  const actions: string[] = [];
  const noncompliant = report.operations.filter((o) => !o.compliant);
  if (s.percent === null) actions.push('**[BLOCKER]** No operations found: point `serviceFiles`, `routerFiles` and `dbHandles` at the code (`outbox-audit init` proposes them), then audit again.');
  if (noncompliant.length > 0) {
    const modules = tallyByModule(report).filter((t) => t.compliant < t.operations.length).map((t) => `${t.module} (${t.operations.length - t.compliant})`);
    actions.push(`**[BLOCKER]** Fix the ${noncompliant.length} operations missing infrastructure: ${modules.map(md).join(', ')}. \`outbox-codemod all\` retrofits them.`);
  }
  const exists = report.checklist.find((c) => c.id === 'pr-lint-workflow-exists');
  const blocks = report.checklist.find((c) => c.id === 'pr-lint-blocks-violations');
  if (exists && !exists.pass) actions.push('**[BLOCKER]** Create a PR lint workflow (`outbox-codemod add-pr-lint-workflow`) that runs ESLint with eslint-plugin-outbox and `outbox-audit --baseline`.');
  else if (blocks && !blocks.pass) actions.push(`**[BLOCKER]** Make the PR lint workflow block: ${md(blocks.reason)}.`);
  for (const id of ['ai-orchestrator-matching-engine', 'ai-orchestrator-risk-engine'] as const) {
    const c = report.checklist.find((x) => x.id === id);
    if (c && !c.pass) actions.push(`**[HIGH]** ${md(c.reason)}.`);
  }
  const routerOps = new Set(report.operations.filter((o) => o.kind === 'router').map((o) => o.module));
  if (routerOps.size > 0) actions.push(`**[MEDIUM]** Create the missing service layers for ${[...routerOps].sort().map(md).join(', ')} (CRUD runs in the router).`);
  if (s.routerDbCommit + s.routerDbExecute + s.routerDbOther > 0) {
    const routers = report.routers.filter((r) => r.findings.length > 0 && !routerOps.has(r.module));
    if (routers.length > 0) actions.push(`**[MEDIUM]** Move the DB calls out of ${routers.map((r) => code(r.file)).join(', ')} into their services.`);
  }
  for (const id of ['ai-orchestrator-exists', 'websocket-operational', 'webhooks-operational'] as const) {
    const c = report.checklist.find((x) => x.id === id);
    if (c && !c.pass) actions.push(`**[MEDIUM]** ${md(c.label.replace(/ exists| operational/, ''))}: ${md(c.reason)}.`);
  }
  const racy = report.operations.filter((o) => o.idempotencyStyle === 'redis').length;
  if (racy > 0) actions.push(`**[LOW]** Replace the race-prone Redis GET→SETEX idempotency in ${racy} operation(s) with the transactional idempotency store.`);
  if (s.unanalysed > 0) actions.unshift(`**[BLOCKER]** ${s.unanalysed} file(s) in scope could not be analysed (see Not analysed): fix them, or accept each in \`unanalysable\` with a reason.`);
  if (report.diagnostics.length > 0) actions.push(`**[LOW]** ${report.diagnostics.length} file(s) could not be analysed (see Diagnostics).`);
  return actions;
}
