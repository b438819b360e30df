import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printMarkdown, printText, runAudit } from '../src/index.js';
import { makeProject, runCli } from './support/project.js';

/**
 * A small Express + node-postgres app written the way node-postgres' own docs suggest: one `query` helper in `db.ts`
 * that every route and service calls. The presets (express, node-postgres) read `pool.query` on a pool, not a bare
 * helper, so no operation is recognised; `db.ts` does the DB work outside every role.
 */
const EXPRESS_PG = {
  'package.json': JSON.stringify({ name: 'express-pg-app', dependencies: { express: '^4.21.0', pg: '^8.13.0' } }),
  'src/db.ts': "import pg from 'pg';\nconst pool = new pg.Pool();\nexport const query = (text: string, params?: unknown[]) => pool.query(text, params);\n",
  'src/routes/users.ts': [
    "import { Router } from 'express';",
    "import { query } from '../db.js';",
    'export const users = Router();',
    "users.post('/users', async (req, res) => {",
    "  const { rows } = await query('INSERT INTO users (name) VALUES ($1) RETURNING id', [req.body.name]);",
    '  res.status(201).json(rows[0]);',
    '});',
  ].join('\n'),
  'src/services/user.service.ts': [
    "import { query } from '../db.js';",
    'export class UserService {',
    '  async rename(id: string, name: string) {',
    "    await query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);",
    '  }',
    '}',
  ].join('\n'),
};

describe('no operations recognised (an Express + node-postgres app with the default settings)', () => {
  it('has no percentage, fails every operation check, and says why', async () => {
    const report = await runAudit({ root: makeProject(EXPRESS_PG) });
    expect(report.summary).toMatchObject({ operations: 0, compliant: 0, percent: null, routers: 1, services: 1 });
    const operationChecks = report.checklist.filter((c) => c.id.startsWith('operations-'));
    expect(operationChecks).toHaveLength(4);
    for (const c of operationChecks) {
      expect(c.pass).toBe(false);
      expect(c.reason).toMatch(/^no operations found/);
    }
  });

  it('says "no operations found" in every format and passes no gate', async () => {
    const root = makeProject(EXPRESS_PG);
    const text = await runCli([root]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('no operations found');
    expect(text.stdout).not.toMatch(/100%|0\/0/);
    expect(text.stdout).toContain('Gate failed: no operations found: nothing to gate');

    const json = JSON.parse((await runCli([root, '--format', 'json', '--report-only'])).stdout);
    expect(json.summary.percent).toBeNull();
    expect(json.checklist.filter((c: { label: string }) => /All 0/.test(c.label))).toEqual([]);

    const md = (await runCli([root, '--format', 'markdown', '--report-only'])).stdout;
    expect(md).toContain('Infrastructure integration: no operations found');
    expect(md).toContain('**No operations found**');
    expect(md).not.toMatch(/\(100%\)|null%/);

    const html = (await runCli([root, '--format', 'html', '--report-only'])).stdout;
    expect(html).toContain('no operations found');

    const summary = path.join(mkdtempSync(path.join(tmpdir(), 'outbox-gh-')), 'summary.md');
    const github = await runCli([root, '--format', 'github', '--report-only'], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(github.stdout).toContain('outbox-audit: no operations found');
    expect(readFileSync(summary, 'utf8')).toContain('**No operations found**');

    for (const threshold of ['0', '50']) {
      const gated = await runCli([root, '--min-compliance', threshold]);
      expect(gated.code).toBe(1);
      expect(gated.stdout).toContain(`no operations found, so --min-compliance ${threshold} is not met`);
    }
  });

  it('lists a file the analysis saw doing DB work outside every role, with a hint', async () => {
    // Routers and services gave nothing, so the audit looks at the files without a role that name a DB handle.
    const report = await runAudit({ root: makeProject(EXPRESS_PG) });
    expect(report.unassignedDbFiles).toEqual([{ file: 'src/db.ts', line: 3, message: '1 DB call(s) — query (write) — in a file that is neither a router nor a service' }]);
    const text = printText(report, undefined, { color: 0, target: 'app' });
    expect(text).toContain('outside every role src/db.ts:3  1 DB call(s) — query (write) — in a file that is neither a router nor a service (add it to routerFiles or serviceFiles, or run outbox-audit init)');
    expect(printMarkdown(report, undefined, { target: 'app' })).toContain('**DB work outside every role**');
  });
});

describe('router calls follow the configured calls everywhere', () => {
  const ROUTER = [
    "app.post('/a', async (request) => {",
    "  await request.db.query('INSERT INTO a VALUES (1)');",
    "  await request.db.query('INSERT INTO a VALUES (2)');",
    '  await request.db.commit();',
    '});',
    "app.get('/b', async (request) => (await request.db.query('SELECT 1')).rows);",
  ].join('\n');
  const config = (extra: object) => JSON.stringify({ routerCalls: ['query', 'commit'], ...extra });

  it('counts by kind, and the summary, text, Markdown, checklist and gate agree', async () => {
    const root = makeProject({ 'src/modules/a/router.ts': ROUTER, 'src/modules/a/clean.routes.ts': 'export const x = 1;\n', 'outbox.config.json': config({}) });
    const report = await runAudit({ root });
    expect(report.summary).toMatchObject({ routerDbCommit: 1, routerDbExecute: 0, routerDbOther: 3, routers: 2, routersWithFindings: 1 });
    expect(report.routers[0]!.findings.map((f) => `${f.call}:${f.kind}`)).toEqual(['query:other', 'query:other', 'commit:commit', 'query:other']);
    const routers = report.checklist.find((c) => c.id === 'routers-no-db-calls')!;
    expect([routers.pass, routers.label, routers.details.length]).toEqual([false, 'Zero DB calls in routers', 4]);

    const text = await runCli([root]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Routers     1 commit, 0 execute, 3 other DB call(s) in 1 of 2 router file(s) with findings');
    expect(text.stdout).toContain('4 router DB call(s)');
    const md = (await runCli([root, '--format', 'markdown', '--report-only'])).stdout;
    expect(md).toContain('Routers: 1 commit, 0 execute and 3 other DB call(s) in 1 of 2 router file(s) with findings');
    expect(md).toContain('- [ ] Zero DB calls in routers');
    expect(md).not.toContain('✅ Routers');
  });

  it('in the seed profile, a write-like call that is not `execute` still fails the execute item, named as configured', async () => {
    const root = makeProject({ 'src/modules/a/router.ts': ROUTER, 'outbox.config.json': config({ checklist: { profile: 'seed' } }) });
    const report = await runAudit({ root });
    const byId = Object.fromEntries(report.checklist.map((c) => [c.id, c]));
    expect([byId['routers-no-db-execute']!.label, byId['routers-no-db-execute']!.pass]).toEqual(['Zero db.query() in routers', false]);
    expect([byId['routers-no-db-commit']!.label, byId['routers-no-db-commit']!.pass]).toEqual(['Zero db.commit() in routers', false]);
  });
});
