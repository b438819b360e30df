import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esc } from '../src/printers/html.js';
import { bundledRuntimeRoot, runAudit, type AuditReport } from '../src/index.js';
import { artifact, launchChromium, skipBrowser } from './support/browser.js';
import { makeProject, runCli } from './support/project.js';

const LINK_BASE = 'https://github.com/outbox-toolkit/outbox-toolkit/blob/main/packages/reference-runtime';

/** Opens a report page and records every console error, page error, dialog and request that is not the page. */
async function open(browser: Browser, file: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems, requests };
}

const visibleRows = (page: Page) => page.locator('#ops tbody tr:not([hidden])');

describe('the HTML report', () => {
  it('escapes text for elements and attributes', () => {
    expect(esc(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });

  it('is one file that loads nothing: no external script, style, image or font', async () => {
    const report = await runAudit({ root: bundledRuntimeRoot()! });
    const { printHtml } = await import('../src/printers/html.js');
    const html = printHtml(report, undefined, { target: 'runtime' });
    expect(html).not.toMatch(/<(script|img|iframe|link)[^>]+(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });
});

describe.skipIf(skipBrowser)('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let report: AuditReport;
  let file: string;

  beforeAll(async () => {
    browser = await launchChromium();
    report = await runAudit({ root: bundledRuntimeRoot()! });
    // Through the CLI, into a folder that does not exist yet (-o creates it).
    file = path.join(mkdtempSync(path.join(tmpdir(), 'outbox-html-')), 'reports', 'outbox.html');
    const run = await runCli(['--format', 'html', '--report-only', '-o', file, '--link-base', LINK_BASE], { env: { SOURCE_DATE_EPOCH: '1767225600' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("shows the runtime's numbers: 114 rows, 5 compliant, partners 7 + 1, checklist 3 of 12, with no console error", async () => {
    const { page, problems, requests } = await open(browser, file);
    expect(await page.locator('#ops tbody tr').count()).toBe(114);
    expect(await page.locator('#ops tbody tr[data-compliant="1"]').count()).toBe(5);
    const cards = await page.locator('.cards').innerText();
    expect(cards).toContain('5/114');
    expect(cards).toContain('3/12');
    expect(cards).toMatch(/in 4 of 9 router file\(s\) with findings/);
    const partners = page.locator('#routers tbody tr', { hasText: 'src/modules/partners/router.ts' });
    expect((await partners.locator('td.num').allInnerTexts()).map((t) => t.trim())).toEqual(['7', '1', '0']);
    expect(await page.locator('#checklist li.check').count()).toBe(12);
    expect(await page.locator('#checklist li.check.ok').evaluateAll((items) => items.map((i) => i.getAttribute('data-id')))).toEqual([
      'ai-orchestrator-exists',
      'websocket-operational',
      'webhooks-operational',
    ]);
    expect(await page.locator('.meta').innerText()).toContain('made 2026-01-01T00:00:00Z');
    // The recommended actions of the report model, in the Markdown report's order.
    expect(await page.locator('#actions li').evaluateAll((items) => items.map((i) => i.getAttribute('data-priority')))).toEqual([
      'BLOCKER',
      'BLOCKER',
      'HIGH',
      'HIGH',
      'MEDIUM',
      'MEDIUM',
      'LOW',
    ]);
    expect(await page.locator('#actions li').first().innerText()).toContain('Fix the 109 operations missing infrastructure');
    await page.screenshot({ path: artifact('html-report-runtime.png'), fullPage: false });
    expect(problems).toEqual([]);
    expect(requests.every((url) => url.startsWith('file://'))).toBe(true);
  });

  it("gives each missing flag its reason, and links each location to its line", async () => {
    const { page } = await open(browser, file);
    const op = report.operations.find((o) => o.className === 'PartnerService' && o.method === 'createPartner')!;
    const row = page.locator('#ops tbody tr', { hasText: 'PartnerService.createPartner' });
    const why = await row.locator('td.why').innerText();
    for (const m of op.missing) expect(why).toContain(m.message);
    expect(await row.locator('td.flag.no').first().getAttribute('title')).toMatch(/^(idempotency|event|outbox|commit): /);
    expect(await row.locator('a').getAttribute('href')).toBe(`${LINK_BASE}/src/modules/partners/partner.service.ts#L${op.line}`);
    const routerLinks = await page.locator('#routers a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(routerLinks).toContain(`${LINK_BASE}/src/modules/partners/router.ts`);
    expect(routerLinks.some((href) => /\/src\/modules\/partners\/router\.ts#L\d+$/.test(href ?? ''))).toBe(true);
  });

  it('sorts by a column, both ways', async () => {
    const { page, problems } = await open(browser, file);
    const names = () => page.locator('#ops tbody tr td:nth-child(2)').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-v') ?? ''));
    const expected = report.operations.map((o) => (o.className ? `${o.className}.${o.method}` : o.method)).sort((a, b) => a.localeCompare(b));
    await page.getByRole('button', { name: 'Operation' }).click();
    expect(await names()).toEqual(expected);
    expect(await page.locator('th', { has: page.getByRole('button', { name: 'Operation' }) }).getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: 'Operation' }).click();
    expect(await names()).toEqual([...expected].reverse());
    // A flag column sorts the compliant ones first when descending.
    await page.getByRole('button', { name: 'Compliant' }).click();
    await page.getByRole('button', { name: 'Compliant' }).click();
    const firstFive = await page.locator('#ops tbody tr').evaluateAll((rows) => rows.slice(0, 5).map((r) => r.getAttribute('data-compliant')));
    expect(firstFive).toEqual(['1', '1', '1', '1', '1']);
    expect(problems).toEqual([]);
  });

  it('filters by text, module and status, and says how many are shown', async () => {
    const { page, problems } = await open(browser, file);
    await page.locator('#status').selectOption('compliant');
    expect(await visibleRows(page).count()).toBe(5);
    expect(await page.locator('#shown').innerText()).toBe('5 of 114 operations');
    await page.locator('#status').selectOption('');
    await page.locator('#module').selectOption('partners');
    expect(await visibleRows(page).count()).toBe(8);
    await page.locator('#module').selectOption('');
    await page.locator('#status').selectOption('missing:commit');
    expect(await visibleRows(page).count()).toBe(report.operations.filter((o) => !o.commit).length);
    await page.locator('#status').selectOption('');
    await page.locator('#q').fill('event-after-commit');
    const expected = report.operations.filter((o) => o.missing.some((m) => m.reason === 'event-after-commit')).length;
    expect(await visibleRows(page).count()).toBe(expected);
    await page.locator('#q').fill('Organization');
    await page.locator('#q').press('Enter');
    expect(await visibleRows(page).count()).toBeGreaterThan(0);
    await page.locator('#q').fill('');
    expect(await visibleRows(page).count()).toBe(114);
    expect(problems).toEqual([]);
  });

  it('shows the change against a baseline when one is given', async () => {
    const root = makeProject({
      'src/modules/orders/router.ts': "app.post('/orders', async (request) => {\n  await request.db.execute('INSERT INTO orders VALUES (1)');\n  await request.db.commit();\n});\n",
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'outbox-html-baseline-'));
    const baseline = path.join(dir, 'baseline.json');
    await runCli([root, '--write-baseline', baseline]);
    const router = path.join(root, 'src/modules/orders/router.ts');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(router, `${readFileSync(router, 'utf8')}app.delete('/orders/:id', async (request) => {\n  await request.db.execute('DELETE FROM orders WHERE id = $1', [request.params.id]);\n  await request.db.commit();\n});\n`);
    const out = path.join(dir, 'report.html');
    const run = await runCli([root, '--baseline', baseline, '--format', 'html', '-o', out]);
    expect(run.code).toBe(1);
    const { page, problems } = await open(browser, out);
    const section = await page.locator('#baseline').innerText();
    expect(section).toContain('New non-compliant operations (1)');
    expect(section).toContain('src/modules/orders/router.ts | DELETE /orders/:id');
    expect(section).toContain('New router DB calls (2)');
    expect(problems).toEqual([]);
  });

  it('renders hostile names and reasons as text: nothing runs, nothing is injected', async () => {
    const hostile = '<svg onload=alert(1)>';
    const root = makeProject({
      [`src/routes/${hostile}.ts`]: [
        `app.post('/x"><img src=x onerror=alert(2)></td></script><script>alert(3)</script>##[error]boom', async (request) => {`,
        "  // eslint-disable-next-line outbox/no-db-in-router -- <b>trusted</b><script>alert(4)</script>",
        "  await request.db.execute('INSERT INTO t VALUES (1)');",
        '  await request.db.commit();',
        '});',
      ].join('\n'),
    });
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'outbox-html-hostile-')), 'report.html');
    const run = await runCli([root, '--format', 'html', '--report-only', '-o', out, '--link-base', 'https://example.test/blob/main']);
    expect(run.code).toBe(0);
    // Read by the runner when printed in CI: no workflow command hides in it.
    expect(readFileSync(out, 'utf8')).not.toContain('##[');
    expect(readFileSync(out, 'utf8')).not.toMatch(/^\s*::/m);
    const { page, problems } = await open(browser, out);
    expect(problems).toEqual([]);
    expect(await page.locator('img, svg, iframe').count()).toBe(0);
    expect(await page.locator('body').innerText()).toContain('<script>alert(3)</script>##[error]boom');
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('b', { hasText: 'trusted' }).count()).toBe(0);
    const text = await page.locator('body').innerText();
    expect(text).toContain(hostile);
    expect(text).toContain('</td></script><script>alert(3)</script>');
    expect(text).toContain('<b>trusted</b><script>alert(4)</script>');
    const href = await page.locator('#ops a').first().getAttribute('href');
    expect(href).toBe(`https://example.test/blob/main/src/routes/${encodeURIComponent(hostile)}.ts#L1`);
    await page.screenshot({ path: artifact('html-report-hostile.png') });
  });
});
