/**
 * The analysis' pre-check (outbox-analysis precheck.ts) spares the audit the files in which nothing can be found: on
 * every preset fixture app and on the reference runtime, the report with it is the report without it
 * (`OUTBOX_PRECHECK=off`, every router and service file parsed), less the count of files parsed and the routers
 * listed with nothing in them; and it does spare some files, or it would prove nothing.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledRuntimeRoot, runAudit } from '../src/index.js';
import { normalizeForPrecheck, type ComparableReport } from './support/precheck.js';
import { makeProject } from './support/project.js';

const APPS_DIR = fileURLToPath(new URL('../../analysis/test/apps/', import.meta.url));
const apps = readdirSync(APPS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join(APPS_DIR, entry.name))
  .sort();

async function both(root: string): Promise<{ off: ComparableReport; on: ComparableReport }> {
  process.env.OUTBOX_PRECHECK = 'off';
  const off = (await runAudit({ root, workers: 1 })) as unknown as ComparableReport;
  delete process.env.OUTBOX_PRECHECK;
  const on = (await runAudit({ root, workers: 1 })) as unknown as ComparableReport;
  return { off, on };
}

afterEach(() => {
  delete process.env.OUTBOX_PRECHECK;
});

describe('the audit with and without the pre-check', () => {
  it('has fixture apps to compare', () => {
    expect(apps.length).toBeGreaterThan(5);
  });

  it.each(apps.map((app) => [path.basename(app), app]))('%s: the same report', async (_name, root) => {
    const { off, on } = await both(root);
    expect(normalizeForPrecheck(on).compared).toEqual(normalizeForPrecheck(off).compared);
    expect(normalizeForPrecheck(on).diagnostics).toEqual(normalizeForPrecheck(off).diagnostics);
    expect(off.summary.operations + off.summary.routerDbCommit + off.summary.routerDbExecute + off.summary.routerDbOther).toBeGreaterThan(0);
    expect(on.summary.filesParsed).toBeLessThanOrEqual(off.summary.filesParsed);
  });

  it('the reference runtime: the same report, the seed scorecard', async () => {
    const { off, on } = await both(bundledRuntimeRoot()!);
    expect(normalizeForPrecheck(on).compared).toEqual(normalizeForPrecheck(off).compared);
    expect(on.summary).toMatchObject({ operations: 114, compliant: 5, percent: 4.4 });
  });

  it('spares the route and service files of an ORM codebase that name no handle, and only those', async () => {
    const project = makeProject({
      'package.json': JSON.stringify({ name: 'shop', dependencies: { '@prisma/client': '5.0.0', express: '4.0.0' } }),
      'src/routes/orders.ts': `import { prisma } from '../db';\nexport function mount(app) {\n  app.post('/orders', async (req, res) => res.json(await prisma.order.create({ data: req.body })));\n}\n`,
      'src/routes/health.ts': `export function mount(app) {\n  app.get('/health', (req, res) => res.json({ ok: true }));\n}\n`,
      'src/services/orders.service.ts': `export class OrdersService {\n  constructor(private readonly ordersRepository: OrdersRepo) {}\n  async cancel(id: string) {\n    await this.ordersRepository.updateStatus(id, 'cancelled');\n  }\n}\n`,
      'src/services/format.service.ts': `export class FormatService {\n  money(n: number) {\n    return n.toFixed(2);\n  }\n}\n`,
    });
    const { off, on } = await both(project);
    expect(normalizeForPrecheck(on).compared).toEqual(normalizeForPrecheck(off).compared);
    expect(on.summary.operations).toBe(2);
    expect(off.summary.filesParsed).toBe(4);
    expect(on.summary.filesParsed).toBe(2);
  });
});
