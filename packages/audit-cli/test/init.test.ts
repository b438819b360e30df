import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRuntimeRoot, runAudit } from '../src/index.js';
import { globsFor, printInit, runInit } from '../src/init.js';
import { makeProject, runCli } from './support/project.js';

// A layout the default globs do not know: controllers under src/api/, services under src/domain/, a `tx` handle.
const ORDERS_CONTROLLER = `import { OrderManager } from '../domain/orders/order-manager';

export function mountOrders(app: App) {
  app.post('/orders', async (request) => {
    const order = await new OrderManager(request.tx).place(request.body);
    await request.tx.commit();
    return order;
  });
  app.get('/orders/:id', async (request) => (await request.tx.execute('SELECT * FROM orders WHERE id = $1', [request.params.id])).rows[0]);
}
`;

const STOCK_CONTROLLER = `export function mountStock(app: App) {
  app.put('/stock/:sku', async (request) => {
    await request.tx.execute('UPDATE stock SET quantity = $2 WHERE sku = $1', [request.params.sku, request.body.quantity]);
    await request.tx.commit();
    return { ok: true };
  });
}
`;

const ORDER_MANAGER = `export class OrderManager {
  constructor(private readonly tx: Tx) {}

  async place(input: { sku: string }) {
    const { rows } = await this.tx.execute('INSERT INTO orders (sku) VALUES ($1) RETURNING id', [input.sku]);
    return rows[0];
  }

  async cancel(id: string) {
    await this.tx.execute('UPDATE orders SET status = $2 WHERE id = $1', [id, 'cancelled']);
    await this.tx.commit();
  }

  async find(id: string) {
    return (await this.tx.execute('SELECT * FROM orders WHERE id = $1', [id])).rows[0];
  }
}
`;

const layout = () =>
  makeProject({
    'src/api/orders.ts': ORDERS_CONTROLLER,
    'src/api/inventory/stock.ts': STOCK_CONTROLLER,
    'src/domain/orders/order-manager.ts': ORDER_MANAGER,
    'src/domain/money.ts': 'export const cents = (n: number) => Math.round(n * 100);\n',
    'src/lib/http-client.ts': 'export class HttpClient { async execute(url: string) { return fetch(url); } }\n',
    'test/orders.test.ts': `const db = fakeDb(); await db.execute('INSERT INTO orders VALUES (1)'); await db.commit();\n`,
  });

describe('outbox-audit init', () => {
  it('writes a config with which the audit finds the operations of a layout the defaults miss, and a baseline', async () => {
    const root = layout();
    // With the defaults, nothing in this layout is a router or a service.
    expect((await runAudit({ root })).summary.operations).toBe(0);

    const run = await runCli(['init', root]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const config = JSON.parse(readFileSync(path.join(root, 'outbox.config.json'), 'utf8'));
    expect(config).toEqual({
      $schema: './node_modules/outbox-analysis/schema/outbox.config.schema.json',
      routerFiles: ['src/api/**/*.{ts,mts,cts,js,mjs,cjs}'],
      serviceFiles: ['src/domain/**/*.{ts,mts,cts,js,mjs,cjs}'],
      dbHandles: ['tx'],
    });
    expect(run.stdout).toContain('routers (route handlers doing DB work): 2 file(s)');
    expect(run.stdout).toContain('services (classes or exported functions that write to the DB): 1 file(s)');
    expect(run.stdout).toContain('DB handles in use: tx');
    expect(run.stdout).toMatch(/audit with this config: 3 operation\(s\), 0 compliant \(0%\), 4 router DB call\(s\)/);
    expect(run.stdout).toContain('Next:');

    const report = await runAudit({ root });
    expect(report.operations.map((o) => `${o.kind} ${o.className ?? ''}.${o.method}`).sort()).toEqual([
      'router .PUT /stock/:sku',
      'service OrderManager.cancel',
      'service OrderManager.place',
    ]);
    expect(report.routers.map((r) => [r.file, r.dbCommit, r.dbExecute])).toEqual([
      ['src/api/inventory/stock.ts', 1, 1],
      ['src/api/orders.ts', 1, 1],
    ]);
    expect(report.warnings).toEqual([]);

    // The baseline holds today's gaps: the gate passes until something gets worse.
    const baseline = JSON.parse(readFileSync(path.join(root, '.outbox-baseline.json'), 'utf8'));
    expect(Object.keys(baseline.operations).sort()).toEqual([
      'src/api/inventory/stock.ts | PUT /stock/:sku',
      'src/domain/orders/order-manager.ts | OrderManager.cancel',
      'src/domain/orders/order-manager.ts | OrderManager.place',
    ]);
    expect((await runCli([root, '--baseline', path.join(root, '.outbox-baseline.json')])).code).toBe(0);
    writeFileSync(path.join(root, 'src/api/orders.ts'), ORDERS_CONTROLLER.replace('return order;', 'await request.tx.commit();\n    return order;'));
    const worse = await runCli([root, '--baseline', path.join(root, '.outbox-baseline.json'), '--format', 'json']);
    expect(worse.code).toBe(1);
    expect(worse.stderr).toContain('new: src/api/orders.ts | POST /orders | commit — 2 call(s), baseline 1');
  });

  it('refuses to overwrite an existing config unless --force', async () => {
    const root = layout();
    writeFileSync(path.join(root, 'outbox.config.json'), '{ "dbHandles": ["db"] }\n');
    const refused = await runCli(['init', root]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/outbox\.config\.json already exists; init does not overwrite it \(pass --force to replace it\)\n$/);
    expect(readFileSync(path.join(root, 'outbox.config.json'), 'utf8')).toBe('{ "dbHandles": ["db"] }\n');
    expect(existsSync(path.join(root, '.outbox-baseline.json'))).toBe(false);

    const help = await runCli(['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: outbox-audit init [options] [path]');
    const forced = await runCli(['init', root, '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, 'outbox.config.json'), 'utf8')).dbHandles).toEqual(['tx']);
  });

  it('leaves the globs and handles at their defaults where they already match (a copy of the reference runtime)', async () => {
    const root = makeProject({});
    cpSync(path.join(bundledRuntimeRoot()!, 'src'), path.join(root, 'src'), { recursive: true });
    const run = await runCli(['init', root]);
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, 'outbox.config.json'), 'utf8'))).toEqual({
      $schema: './node_modules/outbox-analysis/schema/outbox.config.schema.json',
    });
    expect(run.stdout).toContain("routerFiles: the defaults (they match this codebase's router files)");
    expect(run.stdout).toContain("serviceFiles: the defaults (they match this codebase's service files)");
    expect(run.stdout).toContain('DB handles in use: db');
    // Classes that write but are infrastructure (the outbox repository, the stores) are listed, not made services.
    expect(run.stdout).toMatch(/neither a router nor a service by these globs[^]*src\/core\//);
    expect(run.stdout).toMatch(/audit with this config: 114 operation\(s\), 5 compliant \(4\.4%\)/);
  });

  it('keeps front-ends out of the analysis and seeds, scripts and migrations out of the written globs', async () => {
    const service = (name: string) => `export class ${name} {\n  constructor(private readonly tx: Tx) {}\n  async place(id: string) {\n    await this.tx.execute('INSERT INTO orders (id) VALUES ($1)', [id]);\n  }\n}\n`;
    const components = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`web/src/components/Panel${i}.tsx`, `export const Panel${i} = () => null;\n`]));
    const root = makeProject({
      'package.json': JSON.stringify({ workspaces: ['server', 'web', 'admin'] }),
      'server/package.json': JSON.stringify({ dependencies: { express: '5' } }),
      'server/src/api/orders.ts': ORDERS_CONTROLLER,
      'server/src/domain/orders/order-manager.ts': service('OrderManager'),
      'server/src/scripts/backfill.ts': service('Backfill'),
      'server/src/seed.ts': service('Seeder'),
      'server/src/migrations/0001-orders.ts': service('Migration0001'),
      // A front-end package: React and no server or database library.
      'admin/package.json': JSON.stringify({ dependencies: { react: '19', 'react-dom': '19' } }),
      'admin/src/stores/orders.ts': service('OrdersStore'),
      // A folder of mostly components in a package that has a server too: analysed, but in no written glob.
      'web/package.json': JSON.stringify({ dependencies: { react: '19', express: '5' } }),
      ...components,
      'web/src/state/cart.ts': service('Cart'),
      'web/src/state/wishlist.ts': service('Wishlist'),
    });
    const result = await runInit({ root });
    expect(result.frontends).toEqual(['admin']);
    expect(result.config.ignore).toEqual({ add: ['admin/**'] });
    expect(result.serviceFiles).toEqual(['server/src/domain/orders/order-manager.ts']);
    expect(result.leftOut.map((entry) => entry.file)).toEqual(['server/src/migrations/0001-orders.ts', 'server/src/scripts/backfill.ts', 'server/src/seed.ts', 'web/src/state/cart.ts', 'web/src/state/wishlist.ts']);
    expect(result.config.serviceFiles).toEqual(['server/src/domain/**/*.{ts,mts,cts,js,mjs,cjs}']);
    expect(result.report.operations.map((o) => `${o.kind} ${o.className ?? ''}.${o.method}`).sort()).toEqual(['service OrderManager.place']);
    expect(printInit(result, root)).toContain('front-end packages, never analysed (written to ignore): 1');
  });

  it("writes the codebase's own write methods over its ORM to dbWriteCalls, and finds the services that write only through them", async () => {
    const root = makeProject({
      'package.json': JSON.stringify({ dependencies: { sequelize: '6', 'sequelize-typescript': '2' } }),
      'server/models/base/Model.ts': [
        "import { Model as SequelizeModel } from 'sequelize-typescript';",
        'export class Model extends SequelizeModel {',
        '  public saveWithCtx(ctx: APIContext, options?: SaveOptions) {',
        '    return this.save({ ...options, ...ctx.context });',
        '  }',
        '}',
        '',
      ].join('\n'),
      'server/models/Document.ts': "import { Model } from './base/Model';\nexport class Document extends Model {}\n",
      'server/commands/documentRenamer.ts': [
        "import { Document } from '@server/models';",
        'export default async function documentRenamer(user: User, id: string, title: string) {',
        '  const document = await Document.findByPk(id, { rejectOnEmpty: true });',
        '  document.title = title;',
        '  await document.saveWithCtx(user.context);',
        '}',
        '',
      ].join('\n'),
      // Names no write method of its own: its analysis from the first look is kept, in its place among the others.
      'server/commands/documentArchiver.ts': [
        "import { Document } from '@server/models';",
        'export default async function documentArchiver(id: string) {',
        '  const document = await Document.findByPk(id, { rejectOnEmpty: true });',
        '  await document.destroy();',
        '}',
        '',
      ].join('\n'),
    });
    const result = await runInit({ root });
    expect(result.config.dbWriteCalls).toEqual(['saveWithCtx']);
    expect(result.writeWrappers).toEqual([{ method: 'saveWithCtx', where: 'server/models/base/Model.ts:4', verb: 'save', className: 'Model' }]);
    expect(result.serviceFiles).toEqual(['server/commands/documentArchiver.ts', 'server/commands/documentRenamer.ts']);
    expect(result.report.operations.map((o) => `${o.file} ${o.method}`)).toEqual(['server/commands/documentArchiver.ts documentArchiver', 'server/commands/documentRenamer.ts documentRenamer']);
    expect(printInit(result, root)).toContain('saveWithCtx: Model.saveWithCtx calls this.save(…) at server/models/base/Model.ts:4');
  });

  it('looks again at every file that names a write method as a word, however the call is spelt', async () => {
    const model = [
      "import { Model as SequelizeModel } from 'sequelize-typescript';",
      'export class Model extends SequelizeModel {',
      '  public saveWithCtx(ctx: APIContext) {',
      '    return this.save({ ...ctx.context });',
      '  }',
      '}',
      '',
    ].join('\n');
    const command = (name: string, call: string) =>
      [
        "import { Document } from '@server/models';",
        `export default async function ${name}(user: User, id: string) {`,
        '  const document = await Document.findByPk(id, { rejectOnEmpty: true });',
        `  await ${call};`,
        '}',
        '',
      ].join('\n');
    const root = makeProject({
      'package.json': JSON.stringify({ dependencies: { sequelize: '6', 'sequelize-typescript': '2' } }),
      'server/models/base/Model.ts': model,
      'server/models/Document.ts': "import { Model } from './base/Model';\nexport class Document extends Model {}\n",
      'server/commands/quoted.ts': command('quoted', "document['saveWithCtx'](user.context)"),
      'server/commands/spaced.ts': command('spaced', 'document.saveWithCtx (user.context)'),
      'server/commands/escaped.ts': command('escaped', "document['\\x73aveWithCtx'](user.context)"),
      // Names it only inside a longer word: nothing to find, whether it is looked at again or not.
      'server/commands/longer.ts': command('longer', 'document.saveWithCtxLater(user.context)'),
    });
    const result = await runInit({ root });
    expect(result.config.dbWriteCalls).toEqual(['saveWithCtx']);
    expect(result.serviceFiles).toEqual(['server/commands/escaped.ts', 'server/commands/quoted.ts', 'server/commands/spaced.ts']);
  });

  it('a command that takes ctx is a service where the default router globs already name the routers', async () => {
    const root = makeProject({
      'package.json': JSON.stringify({ dependencies: { koa: '2', '@koa/router': '13', knex: '3' } }),
      'src/routes/items.ts': [
        "import Router from '@koa/router';",
        "import { knex } from '../db';",
        'export const router = new Router();',
        "router.post('/items', async (ctx) => {",
        "  await knex('items').insert(ctx.request.body);",
        '  ctx.status = 201;',
        '});',
        '',
      ].join('\n'),
      'src/commands/itemArchiver.ts': [
        "import type { Context } from 'koa';",
        "import { knex } from '../db';",
        'export default async function itemArchiver(ctx: Context, id: string) {',
        "  await knex('items').where({ id }).update({ archived: true });",
        '}',
        '',
      ].join('\n'),
    });
    const result = await runInit({ root });
    expect(result.routerFiles).toEqual(['src/routes/items.ts']);
    expect(result.serviceFiles).toEqual(['src/commands/itemArchiver.ts']);
    expect(result.config.serviceFiles).toEqual(['src/commands/**/*.{ts,mts,cts,js,mjs,cjs}']);
    expect(result.report.operations.map((o) => `${o.kind} ${o.method}`).sort()).toEqual(['router POST /items', 'service itemArchiver']);
  });

  it('chooses the shortest folder that holds none of the other role, else the file itself', () => {
    expect(globsFor(['src/api/a.ts', 'src/api/b/c.ts'], ['src/domain/x.ts'])).toEqual(['src/api/**/*.{ts,mts,cts,js,mjs,cjs}']);
    expect(globsFor(['app/http/a.ts', 'lib/web/b.ts'], ['app/core/x.ts'])).toEqual(['app/http/**/*.{ts,mts,cts,js,mjs,cjs}', 'lib/**/*.{ts,mts,cts,js,mjs,cjs}']);
    expect(globsFor(['src/m/router.ts'], ['src/m/service.ts'])).toEqual(['src/m/router.ts']);
  });
});

// Every preset's fixture app (packages/analysis/test/apps): init names its stacks and the audit it runs with the
// written config finds every operation and router DB call the app's markers expect.
describe('init on the fixture apps of the presets', () => {
  const appsRoot = path.resolve(__dirname, '../../analysis/test/apps');
  const apps = readdirSync(appsRoot, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

  it.each(apps)('%s', async (app) => {
    const root = mkdtempSync(path.join(tmpdir(), `outbox-init-${app}-`));
    try {
      cpSync(path.join(appsRoot, app), root, { recursive: true });
      const expected = JSON.parse(readFileSync(path.join(root, 'app.json'), 'utf8')) as { presets: string[] };
      const markers = countMarkers(root);
      const result = await runInit({ root });
      expect(result.config.presets).toEqual(expected.presets);
      expect(result.report.summary.operations).toBe(markers.operation);
      expect(result.report.routers.reduce((n, router) => n + router.findings.length, 0)).toBeGreaterThanOrEqual(markers.routerDbCall);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

/** Counts `// expect: operation` and `// expect: router-db-call` markers in an app's sources (compiled copies carry none). */
function countMarkers(root: string): { operation: number; routerDbCall: number } {
  const counts = { operation: 0, routerDbCall: 0 };
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|js)$/.test(entry.name)) {
        const text = readFileSync(full, 'utf8');
        counts.operation += (text.match(/\/\/ expect: operation\b/g) ?? []).length;
        counts.routerDbCall += (text.match(/\/\/ expect: router-db-call\b/g) ?? []).length;
      }
    }
  };
  walk(root);
  return counts;
}
