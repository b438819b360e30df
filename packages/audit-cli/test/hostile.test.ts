import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBaseline } from '../src/baseline.js';
import { runAudit } from '../src/audit.js';
import { evaluateGate } from '../src/gate.js';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE, runCli } from './support/project.js';
import { renderMarkdown, runnerCommands, type RenderedMarkdown } from './support/readers.js';

/**
 * A pull request written by an attacker: file, folder and route names that try to start GitHub workflow commands
 * (both forms), stop them, add Markdown headings, tables cells and HTML to the job summary, or colour the terminal;
 * a workflow and a config value doing the same; links out of the root (to `/` and to a folder with a router); links
 * planted where the audit writes; and a router with one invalid UTF-8 byte. The outputs are read the way GitHub's
 * runner and a Markdown renderer read them.
 */
const INJECT = '\n::error::INJECTED\n##[error]LEGACY\n::stop-commands::tok\n# ALL CHECKS PASS\n<img src=x onerror=alert(1)> | x | y \u001b[31mRED\u001b[0m `tick`';
const HOSTILE_FILE = `evil${INJECT.replace(/\//g, '')}.router.ts`;
const HOSTILE_MODULE = `mod|x\n::error file=a.ts,line=1::MOD\n## HEADING <b>bold</b>`;
const HOSTILE_SERVICE = '##[warning]legacy `code` <img src=x>.service.ts';
const ROUTE = `/r${INJECT}`;

const hostileRouter = (route: string) => `export function register(app: App) {
  app.post(${JSON.stringify(route)}, async (request) => {
    await request.db.execute('DELETE FROM orders');
    await request.db.commit();
    return { ok: true };
  });
}
`;

let work: string;
let root: string;
let outside: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'outbox-hostile-'));
  outside = path.join(work, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.router.ts'), hostileRouter('/SECRET_OUTSIDE'));
  writeFileSync(path.join(outside, 'victim.txt'), 'VICTIM');
  root = makeProject({
    'src/modules/orders/order.service.ts': ORDER_SERVICE,
    'src/modules/orders/router.ts': ORDER_ROUTER.replace("'/orders'", JSON.stringify(ROUTE)),
    [`src/modules/orders/${HOSTILE_FILE}`]: hostileRouter('/plain'),
    [`src/modules/${HOSTILE_MODULE}/router.ts`]: hostileRouter(ROUTE),
    [`src/modules/orders/${HOSTILE_SERVICE}`]: ORDER_SERVICE.replace('OrderService', 'LegacyService'),
    '.github/workflows/evil.yml': [
      `name: ${JSON.stringify(`## ALL CHECKS PASS${INJECT}`)}`,
      'on: pull_request',
      'jobs:',
      '  lint:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - name: ${JSON.stringify(`step${INJECT}`)}`,
      '        run: npx eslint . || true',
      '',
    ].join('\n'),
    'outbox.config.json': JSON.stringify({ checklist: { websocketManagerClass: `Conn${INJECT}` } }),
  });
  symlinkSync('/', path.join(root, 'rootfs'));
  symlinkSync(outside, path.join(root, 'src/modules/outside'));
  symlinkSync(path.join(outside, 'secret.router.ts'), path.join(root, 'src/modules/orders/linked.router.ts'));
});

/** The router that gained a DELETE and a commit, with one byte that is not UTF-8 in a comment. */
function addUndecodableRouter(): void {
  const text = Buffer.from(`// caf\u00e9\n${hostileRouter('/payments')}`, 'utf8');
  const bad = Buffer.concat([text.subarray(0, 6), Buffer.from([0xff]), text.subarray(6)]);
  mkdirSync(path.join(root, 'src/modules/pay'), { recursive: true });
  writeFileSync(path.join(root, 'src/modules/pay/router.ts'), bad);
}

const TITLES = [/^outbox-audit gate failed$/, /^outbox-audit: file in scope not analysed$/, /^outbox-audit: file not analysed$/, /^outbox\/[a-z-]+$/];
const OUR_HEADINGS = [
  /^Infrastructure verification report( \(summary\))?$/,
  /^Executive summary$/,
  /^[1-5]\. [A-Za-z /-]+( (✅|❌|⚠️))?$/u,
  /^Compliant operations \(\d+\)$/,
  / — \d+ of \d+ operation\(s\) missing infrastructure$/,
  /^Routers$/,
  /^Verification checklist$/,
  /^Recommended actions \(priority order\)$/,
  /^Not analysed$/,
  /^Diagnostics$/,
  /^Modules, worst first$/,
  /^Totals$/,
];

/** What a Markdown renderer makes of a report must be only what the printer meant: its headings, its tables, no HTML. */
function expectOnlyOurMarkdown(rendered: RenderedMarkdown): void {
  for (const heading of rendered.headings) expect(OUR_HEADINGS.some((p) => p.test(heading.text)), `heading: ${JSON.stringify(heading.text)}`).toBe(true);
  expect(rendered.html_tokens.filter((h) => !/^<\/?details>|^<summary>Operations<\/summary>/.test(h.trim()))).toEqual([]);
  expect(rendered.images).toEqual([]);
  expect(rendered.html).not.toMatch(/<img|<b>|<script/i);
  expect(rendered.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  for (const table of rendered.tables) expect(new Set(table).size, `a table with rows of ${table.join(', ')} cells`).toBe(1);
}

describe('a hostile repository', () => {
  it('gates closed: the undecodable router fails even against a baseline that predates it (exit 3), and is listed', async () => {
    const before = await runAudit({ root });
    const baseline = createBaseline(before);
    addUndecodableRouter();
    const report = await runAudit({ root });
    const gate = evaluateGate(report, { baseline });
    expect(gate.pass).toBe(false);
    expect(gate.unanalysed).toBeGreaterThanOrEqual(2);
    expect(report.unanalysed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'src/modules/pay/router.ts', kind: 'not-utf8' }),
        expect.objectContaining({ file: 'src/modules/orders/linked.router.ts', kind: 'link-outside-root' }),
      ]),
    );
    expect(gate.summary).toMatch(/file\(s\) in scope could not be analysed/);
    // --report-only shows it without enforcing.
    const reportOnly = evaluateGate(report, { baseline, reportOnly: true });
    expect([reportOnly.pass, reportOnly.enforced, reportOnly.unanalysed]).toEqual([false, false, gate.unanalysed]);
  });

  it('reads nothing outside the root: links out of it are reported, never followed', async () => {
    const report = await runAudit({ root });
    const text = JSON.stringify(report);
    expect(text).not.toContain('SECRET_OUTSIDE');
    const files = [...report.operations.map((o) => o.file), ...report.routers.map((r) => r.file)];
    expect(files.filter((f) => f.startsWith('rootfs') || f.startsWith('src/modules/outside'))).toEqual([]);
    const byFile = Object.fromEntries(report.diagnostics.map((d) => [d.file, d.message]));
    expect(byFile['rootfs']).toMatch(/symbolic link to \/, outside the audited root: not followed/);
    expect(byFile['src/modules/outside']).toMatch(/outside the audited root: not followed/);
    expect(byFile['src/modules/orders/linked.router.ts']).toMatch(/outside the audited root: not followed/);
    // A folder link out of the root is reported, not failed; a router file link out of it is in scope.
    expect(report.unanalysed.map((u) => u.file)).not.toContain('rootfs');
  });

  it('github: only the annotations the audit means reach the runner, on stdout and stderr; the summary renders as written; planted links are not written through', async () => {
    const summary = path.join(work, 'summary.md');
    const sarif = path.join(work, 'out.sarif');
    const cache = path.join(work, 'cache.json');
    symlinkSync(path.join(outside, 'victim.txt'), sarif);
    symlinkSync(path.join(outside, 'victim.txt'), cache);
    const run = await runCli([root, '--format', 'github', '--sarif', sarif, '--cache-location', cache], {
      env: { GITHUB_STEP_SUMMARY: summary, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root },
    });
    expect(run.code).toBe(3);
    const commands = runnerCommands(run.stdout + run.stderr);
    expect(commands.length).toBeGreaterThan(3);
    for (const c of commands) {
      expect(['error', 'warning'], c.line).toContain(c.command);
      expect(TITLES.some((t) => t.test(c.properties.title ?? 'outbox-audit: file not analysed')), c.line).toBe(true);
      // Every file property is a real path of the tree: no value was cut short or extended by what it holds.
      if (c.properties.file !== undefined) expect(lstatSync(path.join(root, c.properties.file)), c.line).toBeTruthy();
      expect(Object.keys(c.properties).every((k) => ['title', 'file', 'line', 'endLine', 'col', 'endColumn'].includes(k)), c.line).toBe(true);
    }
    expect(commands.filter((c) => c.properties.file === 'src/modules/pay/router.ts').map((c) => c.properties.title)).toEqual(['outbox-audit: file in scope not analysed']);
    expect(commands.some((c) => c.properties.file === `src/modules/orders/${HOSTILE_FILE}`)).toBe(true);
    expect(run.stderr).toMatch(/cache .*cache\.json ignored: it is a symbolic link/);

    const md = readFileSync(summary, 'utf8');
    expectOnlyOurMarkdown(renderMarkdown(md));
    expect(renderMarkdown(md).headings.filter((h) => h.level <= 2).map((h) => h.text)).toContain('Not analysed');

    // The outputs replaced the planted links; the files they pointed at are untouched.
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('VICTIM');
    expect(lstatSync(sarif).isSymbolicLink()).toBe(false);
    expect(lstatSync(cache).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(sarif, 'utf8')).version).toBe('2.1.0');
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('markdown, text and json on standard output start no command and render as written', async () => {
    const [markdown, text, json] = await Promise.all([
      runCli([root, '--format', 'markdown', '--report-only']),
      runCli([root, '--report-only', '--verbose']),
      runCli([root, '--format', 'json', '--report-only']),
    ]);
    for (const run of [markdown, text, json]) {
      expect(run.code).toBe(0);
      expect(runnerCommands(run.stdout + run.stderr)).toEqual([]);
    }
    expectOnlyOurMarkdown(renderMarkdown(markdown.stdout));
    // The terminal gets no control character but line feeds; the escapes are visible.
    expect(text.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(text.stdout).toContain('\\u001b[31mRED');
    expect(text.stdout).toContain('\\u000a');
    // JSON keeps every value whole.
    const report = JSON.parse(json.stdout) as { routers: { file: string; findings: { route?: string }[] }[] };
    expect(report.routers.flatMap((r) => r.findings.map((f) => f.route))).toContain(`POST ${ROUTE}`);
    expect(report.routers.map((r) => r.file)).toContain(`src/modules/${HOSTILE_MODULE}/router.ts`);
  });

  it('writes -o through no planted link, and leaves no temporary file', async () => {
    const out = path.join(work, 'report.json');
    symlinkSync(path.join(outside, 'victim.txt'), out);
    const run = await runCli([root, '--format', 'json', '--report-only', '-o', out]);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('VICTIM');
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(existsSync(out) && JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(2);
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
