import { Chalk, type ChalkInstance } from 'chalk';
import type { AuditReport } from '../report.js';
import type { GateResult } from '../gate.js';
import { tallyByModule } from './modules.js';

export interface TextOptions {
  /** Colour level: 0 none; otherwise chalk's. The CLI decides it from the TTY, NO_COLOR, FORCE_COLOR and --no-color. */
  color: 0 | 1 | 2 | 3;
  /** The audited folder as the user named it. */
  target: string;
  verbose?: boolean;
}

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
const padL = (s: string | number, n: number): string => String(s).padStart(n);

/** The terminal scorecard. */
export function printText(report: AuditReport, gate: GateResult | undefined, options: TextOptions): string {
  const c: ChalkInstance = new Chalk({ level: options.color });
  const ok = (pass: boolean) => (pass ? c.green('✔') : c.red('✘'));
  const frac = (n: number, total: number) => (n === total ? c.green(`${n}`) : n === 0 ? c.red(`${n}`) : c.yellow(`${n}`));
  const lines: string[] = [];
  const s = report.summary;
  lines.push(c.bold(`outbox-audit ${report.tool.version}`) + c.dim(` — ${options.target}`));
  lines.push('');
  if (s.percent === null) {
    lines.push(`${c.bold('Operations')}  ${c.red('no operations found')} ${c.dim('(no service method or route handler writes through a DB handle: check serviceFiles, routerFiles and dbHandles, or run outbox-audit init)')}`);
  } else {
    lines.push(
      `${c.bold('Operations')}  ${s.compliant === s.operations ? c.green(`${s.compliant}/${s.operations}`) : c.red(`${s.compliant}/${s.operations}`)} compliant (${s.percent}%)`,
    );
  }
  const tallies = tallyByModule(report);
  if (tallies.length > 0) {
    const w = Math.max(8, ...tallies.map((t) => t.module.length)) + 2;
    lines.push(c.dim(`  ${pad('module', w)}${padL('ops', 5)}${padL('outbox', 8)}${padL('idem', 6)}${padL('event', 7)}${padL('commit', 8)}${padL('ok', 5)}`));
    for (const t of tallies) {
      const n = t.operations.length;
      lines.push(
        `  ${pad(t.module, w)}${padL(n, 5)}${' '.repeat(8 - String(t.outbox).length)}${frac(t.outbox, n)}${' '.repeat(6 - String(t.idempotency).length)}${frac(t.idempotency, n)}${' '.repeat(7 - String(t.event).length)}${frac(t.event, n)}${' '.repeat(8 - String(t.commit).length)}${frac(t.commit, n)}${' '.repeat(5 - String(t.compliant).length)}${frac(t.compliant, n)}`,
      );
    }
  }
  lines.push('');
  const count = (n: number) => (n === 0 ? c.green('0') : c.red(String(n)));
  lines.push(
    `${c.bold('Routers')}     ${count(s.routerDbCommit)} commit, ${count(s.routerDbExecute)} execute${s.routerDbOther > 0 || report.strict ? `, ${count(s.routerDbOther)} other` : ''} DB call(s) in ${s.routersWithFindings} of ${s.routers} router file(s) with findings`,
  );
  for (const r of report.routers.filter((r) => r.findings.length > 0)) {
    lines.push(`  ${r.file}  ${c.dim('commit')} ${r.dbCommit}  ${c.dim('execute')} ${r.dbExecute}${r.dbOther > 0 || report.strict ? `  ${c.dim('other')} ${r.dbOther}` : ''}`);
  }
  for (const u of report.unassignedDbFiles) lines.push(`  ${c.yellow('outside every role')} ${u.file}${u.line ? `:${u.line}` : ''}  ${u.message} ${c.dim('(add it to routerFiles or serviceFiles, or run outbox-audit init)')}`);
  lines.push('');
  lines.push(`${c.bold('Checklist')}   ${s.checklistPassed}/${s.checklistTotal} (${Math.round((s.checklistPassed / Math.max(1, s.checklistTotal)) * 100)}%)${s.checklistProfile === 'default' ? '' : c.dim(` profile ${s.checklistProfile}`)}`);
  for (const item of report.checklist) {
    lines.push(`  ${ok(item.pass)} ${item.label}${item.pass ? '' : c.dim(` — ${item.reason}`)}`);
  }
  if (options.verbose) {
    lines.push('');
    lines.push(c.bold('Findings'));
    for (const f of report.findings) {
      lines.push(`  ${f.file}:${f.span.line}:${f.span.column}  ${f.severity === 'error' ? c.red(f.severity) : c.yellow(f.severity)}  ${f.message}  ${c.dim(`outbox/${f.rule}`)}`);
    }
  }
  const warnings = [...report.warnings];
  const racy = report.operations.filter((o) => o.warnings.some((w) => w.kind === 'racy-redis-idempotency'));
  if (racy.length > 0) {
    warnings.push(`${racy.length} operation(s) use the race-prone Redis GET→SETEX idempotency pattern (counted as idempotent, as the seed does); --strict lists them`);
  }
  if (warnings.length > 0) {
    lines.push('');
    for (const w of warnings) lines.push(`${c.yellow('warning')} ${w}`);
  }
  if (report.suppressed.length > 0) {
    lines.push('');
    lines.push(c.bold(`Suppressed (${report.suppressed.length} finding(s) hidden by inline disable comments; the gate accepts them)`));
    for (const f of report.suppressed) {
      lines.push(`  ${f.file}:${f.line}:${f.column}  ${c.dim(`outbox/${f.rule}`)}  eslint-${f.suppression.kind} (line ${f.suppression.line})${f.suppression.reason ? `: ${f.suppression.reason}` : c.yellow(': no reason given')}`);
    }
  }
  if (report.diagnostics.length > 0) {
    lines.push('');
    lines.push(c.bold(`Diagnostics (${report.diagnostics.length} file(s) not fully analysed)`));
    for (const d of report.diagnostics) lines.push(`  ${d.file}${d.line ? `:${d.line}` : ''}  ${d.message}`);
  }
  lines.push('');
  lines.push(c.dim(`${s.filesScanned} files scanned, ${s.filesParsed} parsed`));
  if (gate) {
    const note = gate.enforced ? '' : ' (--report-only: not enforced, exit 0)';
    lines.push(gate.pass ? c.green(`Gate passed${note}: ${gate.summary}`) : (gate.enforced ? c.red : c.yellow)(`Gate failed${note}: ${gate.summary}`));
    for (const line of gate.details) lines.push(`  ${line}`);
  }
  return lines.join('\n') + '\n';
}
