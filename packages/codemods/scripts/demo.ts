/**
 * `npm run demo`: the story of issue 5 end to end on a temporary copy of the reference runtime — the audit before,
 * the migration's summary, the audit after, and the runtime's own tests on the migrated copy. The bundled runtime
 * itself is never changed.
 */
import { rmSync } from 'node:fs';
import { runAudit } from '../../audit-cli/src/index.js';
import { main } from '../src/cli.js';
import { copyRuntime, runTool } from './runtime-copy.js';

const { base, root } = copyRuntime('outbox-demo-');
const line = (text = '') => process.stdout.write(`${text}\n`);

async function audit(title: string): Promise<void> {
  const report = await runAudit({ root });
  const passed = report.checklist.filter((item) => item.pass).length;
  line(`── ${title}: ${report.summary.compliant}/${report.summary.operations} operations compliant (${report.summary.percent}%), checklist ${passed}/${report.checklist.length}`);
  const routers = report.routers.reduce((n, r) => n + r.dbCommit + r.dbExecute, 0);
  line(`   router DB calls: ${routers}`);
}

try {
  line(`Copy of the reference runtime: ${root}`);
  await audit('audit before');
  line('── outbox-codemod all --write');
  const code = await main(['all', root, '--write'], process.stdout, process.stdout);
  line(`   exit ${code}`);
  await audit('audit after');
  line("── the runtime's own tests on the migrated copy");
  const tests = runTool('vitest', ['run', '--root', root], root);
  const summary = tests.output.split('\n').filter((l) => /Test Files|Tests /.test(l));
  for (const l of summary) line(`   ${l.replace(/\x1b\[[0-9;]*m/g, '').trim()}`);
  line(tests.status === 0 ? '   passed' : `   FAILED (exit ${tests.status})`);
  process.exitCode = tests.status === 0 ? 0 : 1;
} finally {
  rmSync(base, { recursive: true, force: true });
}
