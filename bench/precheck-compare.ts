/**
 * The pre-check's proof on real code: `npx tsx bench/precheck-compare.ts <dir> [<dir> …] [--init]`.
 *
 * For each folder, the audit runs twice (`--format json`), once as usual and once with `OUTBOX_PRECHECK=off` (every
 * router and service file parsed), and the two reports are compared after `normalizeForPrecheck` (audit-cli
 * test/support/precheck.ts): the same operations, router calls, findings, suppressions, checklist, stray DB files and
 * counts; only the number of files parsed, and routers that are listed with nothing in them, may differ. Parse
 * diagnostics of files that were not parsed are printed apart (they cannot be found without parsing).
 *
 * With --init, the folder is first copied to a temporary folder (the original is never written) and `outbox-audit
 * init` writes its config there, with the pre-check off; both audits then read that config. Without it, the audit
 * uses the folder's own config, or the presets it detects.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AUDIT_CLI, copyTree } from './support/tools.js';
import { normalizeForPrecheck, type ComparableReport } from '../packages/audit-cli/test/support/precheck.js';

const args = process.argv.slice(2);
const withInit = args.includes('--init');
const dirs = args.filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  process.stderr.write('usage: tsx bench/precheck-compare.ts <dir> [<dir> …] [--init]\n');
  process.exit(2);
}

function audit(dir: string, off: boolean): { report: ComparableReport; ms: number } {
  const env = { ...process.env };
  if (off) env.OUTBOX_PRECHECK = 'off';
  else delete env.OUTBOX_PRECHECK;
  const started = performance.now();
  const run = spawnSync(process.execPath, [AUDIT_CLI, dir, '--format', 'json', '--report-only'], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`outbox-audit ${dir} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  return { report: JSON.parse(run.stdout) as ComparableReport, ms };
}

let failed = false;
for (const dir of dirs) {
  let root = path.resolve(dir);
  let work: string | undefined;
  if (withInit) {
    work = mkdtempSync(path.join(tmpdir(), 'outbox-precheck-'));
    copyTree(root, path.join(work, 'tree'));
    root = path.join(work, 'tree');
    execFileSync(process.execPath, [AUDIT_CLI, 'init', root, '--baseline', path.join(work, 'baseline.json')], {
      env: { ...process.env, OUTBOX_PRECHECK: 'off' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  try {
    const off = audit(root, true);
    const on = audit(root, false);
    const a = normalizeForPrecheck(off.report);
    const b = normalizeForPrecheck(on.report);
    const same = JSON.stringify(a.compared) === JSON.stringify(b.compared);
    const lostDiagnostics = a.diagnostics.filter((d) => !b.diagnostics.includes(d));
    const s = on.report.summary;
    process.stdout.write(
      `${path.basename(dir)}: ${same ? 'same report' : 'REPORTS DIFFER'}; parsed ${off.report.summary.filesParsed} → ${s.filesParsed} of ${s.filesScanned} files; ` +
        `${s.operations} operations, ${s.routerDbCommit + s.routerDbExecute + s.routerDbOther} router DB calls, ${on.report.findings.length} findings; ` +
        `audit ${Math.round(off.ms)} → ${Math.round(on.ms)} ms wall` +
        (lostDiagnostics.length > 0 ? `; diagnostics only with every file parsed: ${lostDiagnostics.length} (${lostDiagnostics.slice(0, 3).join(' | ')})` : '') +
        '\n',
    );
    if (!same) {
      failed = true;
      for (const key of Object.keys(a.compared) as (keyof typeof a.compared)[]) {
        if (JSON.stringify(a.compared[key]) !== JSON.stringify(b.compared[key])) {
          process.stdout.write(`  differs in ${key}:\n    off: ${JSON.stringify(a.compared[key]).slice(0, 1500)}\n    on:  ${JSON.stringify(b.compared[key]).slice(0, 1500)}\n`);
        }
      }
    }
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
