import { Chalk, type ChalkInstance } from 'chalk';
import { reportView, type AuditReport } from '../report.js';
import type { GateResult } from '../gate.js';
import { guardCommandLines, terminalText as t } from './escape.js';

export interface TextOptions {
  /** Colour level: 0 none; otherwise chalk's. The CLI decides it from the TTY, NO_COLOR, FORCE_COLOR and --no-color. */
  color: 0 | 1 | 2 | 3;
  /** The audited folder as the user named it. */
  target: string;
  verbose?: boolean;
}

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const padL = (s: string | number, n: number): string => String(s).padStart(n);

/** The terminal scorecard. Every value from the audited tree goes through `t` (control characters shown escaped). */
export function printText(report: AuditReport, gate: GateResult | undefined, options: TextOptions): string {
  const c: ChalkInstance = new Chalk({ level: options.color });
  const ok = (pass: boolean) => (pass ? c.green('✔') : c.red('✘'));
  const frac = (n: number, total: number) => (n === total ? c.green(`${n}`) : n === 0 ? c.red(`${n}`) : c.yellow(`${n}`));
  const lines: string[] = [];
  const s = report.summary;
  const view = reportView(report);
  lines.push(c.bold(`outbox-audit ${report.tool.version}`) + c.dim(` — ${t(options.target)}`));
  lines.push('');
  if (s.percent === null) {
    lines.push(`${c.bold('Operations')}  ${c.red('no operations found')} ${c.dim('(no service method or route handler writes through a DB handle: check serviceFiles, routerFiles and dbHandles, or run outbox-audit init)')}`);
  } else {
    lines.push(
      `${c.bold('Operations')}  ${s.compliant === s.operations ? c.green(`${s.compliant}/${s.operations}`) : c.red(`${s.compliant}/${s.operations}`)} compliant (${s.percent}%)`,
    );
  }
  const tallies = view.modules;
  if (tallies.length > 0) {
    const w = Math.max(8, ...tallies.map((m) => t(m.module).length)) + 2;
    lines.push(c.dim(`  ${pad('module', w)}${padL('ops', 5)}${padL('outbox', 8)}${padL('idem', 6)}${padL('event', 7)}${padL('commit', 8)}${padL('ok', 5)}`));
    for (const m of tallies) {
      const n = m.operations.length;
      lines.push(
        `  ${pad(t(m.module), w)}${padL(n, 5)}${' '.repeat(8 - String(m.outbox).length)}${frac(m.outbox, n)}${' '.repeat(6 - String(m.idempotency).length)}${frac(m.idempotency, n)}${' '.repeat(7 - String(m.event).length)}${frac(m.event, n)}${' '.repeat(8 - String(m.commit).length)}${frac(m.commit, n)}${' '.repeat(5 - String(m.compliant).length)}${frac(m.compliant, n)}`,
      );
    }
  }
  lines.push('');
  const count = (n: number) => (n === 0 ? c.green('0') : c.red(String(n)));
  lines.push(
    `${c.bold('Routers')}     ${count(s.routerDbCommit)} commit, ${count(s.routerDbExecute)} execute${s.routerDbOther > 0 || report.strict ? `, ${count(s.routerDbOther)} other` : ''} DB call(s) in ${s.routersWithFindings} of ${s.routers} router file(s) with findings`,
  );
  for (const r of report.routers.filter((r) => r.findings.length > 0)) {
    lines.push(`  ${t(r.file)}  ${c.dim('commit')} ${r.dbCommit}  ${c.dim('execute')} ${r.dbExecute}${r.dbOther > 0 || report.strict ? `  ${c.dim('other')} ${r.dbOther}` : ''}`);
  }
  for (const u of report.unassignedDbFiles) lines.push(`  ${c.yellow('outside every role')} ${t(u.file)}${u.line ? `:${u.line}` : ''}  ${t(u.message)} ${c.dim('(add it to routerFiles or serviceFiles, or run outbox-audit init)')}`);
  lines.push('');
  lines.push(`${c.bold('Checklist')}   ${s.checklistPassed}/${s.checklistTotal} (${view.checklistPercent}%)${s.checklistProfile === 'default' ? '' : c.dim(` profile ${s.checklistProfile}`)}`);
  for (const item of report.checklist) {
    lines.push(`  ${ok(item.pass)} ${t(item.label)}${item.pass ? '' : c.dim(` — ${t(item.reason)}`)}`);
  }
  if (options.verbose) {
    lines.push('');
    lines.push(c.bold('Findings'));
    for (const f of report.findings) {
      lines.push(`  ${t(f.file)}:${f.span.line}:${f.span.column}  ${f.severity === 'error' ? c.red(f.severity) : c.yellow(f.severity)}  ${t(f.message)}  ${c.dim(`outbox/${f.rule}`)}`);
    }
  }
  const warnings = [...report.warnings];
  if (view.racyRedis > 0) {
    warnings.push(`${view.racyRedis} operation(s) use the race-prone Redis GET→SETEX idempotency pattern (counted as idempotent, as the seed does); --strict lists them`);
  }
  if (warnings.length > 0) {
    lines.push('');
    for (const w of warnings) lines.push(`${c.yellow('warning')} ${t(w)}`);
  }
  if (report.suppressed.length > 0) {
    lines.push('');
    lines.push(c.bold(`Suppressed (${report.suppressed.length} finding(s) hidden by inline disable comments; the gate accepts them)`));
    for (const f of report.suppressed) {
      lines.push(`  ${t(f.file)}:${f.line}:${f.column}  ${c.dim(`outbox/${f.rule}`)}  eslint-${f.suppression.kind} (line ${f.suppression.line})${f.suppression.reason ? `: ${t(f.suppression.reason)}` : c.yellow(': no reason given')}`);
    }
  }
  if (report.diagnostics.length > 0) {
    lines.push('');
    lines.push(c.bold(`Diagnostics (${report.diagnostics.length} file(s) not fully analysed)`));
    for (const d of report.diagnostics) lines.push(`  ${t(d.file)}${d.line ? `:${d.line}` : ''}  ${t(d.message)}`);
  }
  if (report.unanalysed.length > 0) {
    const failing = report.unanalysed.filter((u) => u.accepted === undefined);
    lines.push('');
    lines.push(c.bold(`Not analysed, in scope (${failing.length} failing the gate${failing.length < report.unanalysed.length ? `, ${report.unanalysed.length - failing.length} accepted by the config` : ''})`));
    for (const u of report.unanalysed) {
      const file = `${t(u.file)}${u.folder ? '/' : ''}`;
      lines.push(u.accepted === undefined ? `  ${c.red('✘')} ${file}  ${t(u.message)}` : `  ${c.dim('–')} ${file}  ${c.dim(`accepted: ${t(u.accepted)}`)}`);
    }
    if (failing.length > 0) lines.push(c.dim('  Fix or remove them, or accept each in outbox.config.json: "unanalysable": [{ "path": "…", "reason": "…" }]'));
  }
  lines.push('');
  lines.push(c.dim(`${s.filesScanned} files scanned, ${s.filesParsed} parsed`));
  if (gate) {
    const note = gate.enforced ? '' : ' (--report-only: not enforced, exit 0)';
    lines.push(gate.pass ? c.green(`Gate passed${note}: ${t(gate.summary)}`) : (gate.enforced ? c.red : c.yellow)(`Gate failed${note}: ${t(gate.summary)}`));
    for (const line of gate.details) lines.push(`  ${t(line)}`);
  }
  return guardCommandLines(lines.join('\n') + '\n');
}
