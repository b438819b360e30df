import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyFile, resolveSettings } from 'outbox-analysis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../audit-cli/src/index.js';
import { writeChanges } from '../src/engine/write.js';
import { planMigration, type MigrationResult } from '../src/migrate.js';
import { runTool } from '../scripts/runtime-copy.js';
import { cleanup, runtimeCopy } from './support/projects.js';

/**
 * `all --write` on code it was not written for: a legacy module in the runtime's own style (test/__testfixtures__/
 * legacy-module: src/modules/warehousing) added to a copy of the runtime. It holds every shape issue 13 lists — early
 * returns, if/else branches that each commit, try/catch with rollback, writes in a loop, a commit inside a loop, a
 * write done by a private helper, a read then update, a computed return, router CRUD with db.execute + db.commit for an
 * entity without a service class, route types as named interfaces, intersections and generics, and the handle aliases
 * `const db = request.db` and `const { db } = request`. After the run the copy type-checks, every operation of the
 * module is compliant (the commit inside a loop included: it is reachable by `POST /lots/holds/release`, so it gets a
 * key per iteration, see inject-idempotency's doc), and the module's routes pass their HTTP tests on the migrated app,
 * with a retry probe over every mutating route (test/migrated/warehousing-http.test.ts.tpl, run in the copy).
 */
const MODULE = 'src/modules/warehousing';
let root: string;
let result: MigrationResult;

beforeAll(async () => {
  root = runtimeCopy({ legacyModule: true });
  result = await planMigration({ root, transform: 'all' });
  writeChanges(root, result.changes);
}, 600_000);
afterAll(cleanup);

describe('outbox-codemod all --write on a legacy module it was not written for', () => {
  it('type-checks afterwards (tsc with the project tsconfig)', { timeout: 300_000 }, () => {
    const { status, output } = runTool('tsc', ['-p', root, '--noEmit'], path.dirname(path.dirname(root)));
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('leaves every operation of the runtime and of the module compliant, with nothing skipped', async () => {
    const report = await runAudit({ root });
    expect(report.operations.filter((o) => !o.compliant).map((o) => `${o.className}.${o.method}`)).toEqual([]);
    expect(report.summary).toMatchObject({ operations: 126, compliant: 126 });
    // Nothing anywhere was skipped, and no type error had to be avoided.
    expect(result.skipped.map((s) => `${s.file}:${s.line} ${s.reason}`)).toEqual([]);
    // The commit inside a loop got a key per iteration, let go at the door and completed after the loop.
    const stock = readFileSync(path.join(root, MODULE, 'stock.service.ts'), 'utf8');
    const release = stock.slice(stock.indexOf('async releaseExpiredHolds('), stock.indexOf('async archiveLot('));
    expect(release).toContain('await this.db.rollback();');
    expect(release).toContain('`${idempotencyKey}:${row.id}`');
    expect(release).toContain("if (step.state === 'replay') continue;");
  });

  it('moves the storage-bin CRUD into a new BinService (its entity), in a service file, never into StockService', () => {
    const service = `${MODULE}/bin.service.ts`;
    expect(classifyFile(service, resolveSettings()).role).toBe('service');
    const text = readFileSync(path.join(root, service), 'utf8');
    expect(text).toContain('export class BinService {');
    for (const method of ['getBin', 'createBin', 'updateBin', 'deleteBin', 'occupancyBin']) expect(text).toContain(`async ${method}(`);
    expect(readFileSync(path.join(root, MODULE, 'stock.service.ts'), 'utf8')).not.toMatch(/Bin\(/);
    // Route types kept: named interfaces, an intersection and a generic, as indexed types.
    expect(text).toContain("async getBin(params: BinRoute['Params'])");
    expect(text).toContain("async updateBin(params: BinRoute['Params'], body: Partial<BinInput>, idempotencyKey?: string)");
    expect(text).toContain("async occupancyBin(params: Routed<{ binId: string }, { quantity: number }>['Params'], body: Routed<{ binId: string }, { quantity: number }>['Body']");
    expect(text).not.toMatch(/: unknown\b/);
    // The aliases of the request's session became the service's own handle, and the outbox uses it.
    expect(text).toContain('const db = this.db;');
    expect(text).toContain('private readonly outboxRepo: OutboxRepository = new OutboxRepository(db)');
    expect(existsSync(path.join(root, MODULE, 'warehousing.service.ts'))).toBe(false);
  });

  it('a second run changes nothing', { timeout: 300_000 }, async () => {
    const second = await planMigration({ root, transform: 'all' });
    expect(second.changes.map((c) => c.path)).toEqual([]);
    expect(second.skipped.map((s) => s.code)).toEqual([]);
  });

  it("its routes pass their HTTP tests on the migrated app, and the retry probe: same key twice → the same bytes, one change, one event per changed row naming it; another request → 422", { timeout: 300_000 }, () => {
    const template = fileURLToPath(new URL('./migrated/warehousing-http.test.ts.tpl', import.meta.url));
    mkdirSync(path.join(root, 'test', 'codemod'), { recursive: true });
    copyFileSync(template, path.join(root, 'test', 'codemod', 'warehousing-http.test.ts'));
    const { status, output } = runTool('vitest', ['run', '--root', root, 'test/codemod/warehousing-http.test.ts'], root);
    // All of them ran (none skipped): 24 tests.
    expect(output.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/Tests\s+24 passed \(24\)/);
    expect(status, output).toBe(0);
  });
});
