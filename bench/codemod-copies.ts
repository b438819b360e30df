/**
 * The codemod at scale, on the real thing: `outbox-codemod all --write` over a tree holding 1, 10 and 50 copies of
 * the reference runtime's source (114, 1,140 and 5,700 operations), each in a fresh process, wall time and peak RSS.
 * After each run the audit must say every operation of every copy is compliant, and the router DB calls are gone —
 * a benchmark of a migration that did not happen would measure nothing.
 *
 *   npm run bench:codemod [-- --copies 1,10,50] [-- --json]
 *
 * A benchmark, not a test: it prints the cost per operation side by side so that growth is visible; only a migration
 * that leaves something behind fails the run.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from './support/child.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const CODEMOD_CLI = path.join(repo, 'packages/codemods/dist/cli.js');
const AUDIT_CLI = path.join(repo, 'packages/audit-cli/dist/cli.js');
const RUNTIME_SRC = path.join(repo, 'packages/reference-runtime/src');
const OPERATIONS_PER_COPY = 114;

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const copiesArg = args.includes('--copies') ? args[args.indexOf('--copies') + 1] : undefined;
const counts = copiesArg ? copiesArg.split(',').map(Number) : [1, 10, 50];
if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write('bench:codemod: --copies takes whole numbers from 1, e.g. --copies 1,10,50\n');
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  copies: number;
  operations: number;
  ms: number;
  peakRssMb: number;
  msPerOperation: number;
}

async function measure(copies: number, work: string): Promise<Row> {
  const root = path.join(work, `copies-${copies}`);
  for (let i = 1; i <= copies; i++) {
    const dir = path.join(root, `copy-${String(i).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    cpSync(RUNTIME_SRC, path.join(dir, 'src'), { recursive: true });
  }
  const run = await runNode([CODEMOD_CLI, 'all', root, '--write', '--force']);
  if (run.code !== 0) throw new Error(`outbox-codemod all exited ${run.code} on ${copies} copies:\n${run.stderr.slice(-3000)}`);
  const audit = await runNode([AUDIT_CLI, root, '--format', 'json', '--report-only']);
  const report = JSON.parse(audit.stdout) as { summary: { operations: number; compliant: number; routerDbCommit: number; routerDbExecute: number } };
  const operations = copies * OPERATIONS_PER_COPY;
  const s = report.summary;
  if (s.operations !== operations || s.compliant !== operations || s.routerDbCommit + s.routerDbExecute !== 0) {
    throw new Error(
      `after the migration of ${copies} copies the audit says ${s.compliant}/${s.operations} compliant and ` +
        `${s.routerDbCommit + s.routerDbExecute} router DB call(s); expected ${operations}/${operations} and none`,
    );
  }
  rmSync(root, { recursive: true, force: true });
  return { copies, operations, ms: Math.round(run.ms), peakRssMb: Math.round(run.peakRssMb), msPerOperation: Math.round((run.ms / operations) * 100) / 100 };
}

const work = mkdtempSync(path.join(tmpdir(), 'outbox-codemod-bench-'));
try {
  log(`outbox-codemod bench: ${counts.join(', ')} copies of the reference runtime (${OPERATIONS_PER_COPY} operations each)`);
  const rows: Row[] = [];
  for (const copies of counts) {
    const row = await measure(copies, work);
    log(`  ${copies} copies: ${row.ms} ms, ${row.peakRssMb} MB, ${row.operations}/${row.operations} compliant after`);
    rows.push(row);
  }
  const spread = Math.max(...rows.map((r) => r.msPerOperation)) / Math.min(...rows.map((r) => r.msPerOperation));
  if (asJson) {
    process.stdout.write(`${JSON.stringify({ rows, msPerOperationSpread: Math.round(spread * 100) / 100 }, null, 2)}\n`);
  } else {
    const header = ['copies', 'operations', 'time', 'peak RSS', 'ms / operation'];
    const cells = rows.map((r) => [String(r.copies), String(r.operations), `${r.ms} ms`, `${r.peakRssMb} MB`, r.msPerOperation.toFixed(2)]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    process.stdout.write(`\n${[line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n')}\n\n`);
    process.stdout.write(
      `cost per operation: ${rows.map((r) => r.msPerOperation.toFixed(2)).join(' → ')} ms (largest / smallest ${spread.toFixed(2)}×; ` +
        'the first includes starting Node and loading TypeScript once)\n',
    );
  }
} catch (error) {
  process.stderr.write(`\nbench:codemod FAILED: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
