import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { REASONS } from 'outbox-analysis';
import { describe, expect, it } from 'vitest';
import { bundledRuntimeRoot, evaluateGate, printJson, runAudit, createBaseline } from '../src/index.js';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE, runCli } from './support/project.js';

const schema = JSON.parse(readFileSync(new URL('../schema/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function expectValid(json: string): void {
  const ok = validate(JSON.parse(json));
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe('the published JSON Schema of --format json', () => {
  it('describes the report of the runtime, with its gate, as the CLI prints it', async () => {
    const run = await runCli(['--format', 'json', '--report-only']);
    expectValid(run.stdout);
    expect(JSON.parse(run.stdout).schemaVersion).toBe(schema.properties.schemaVersion.const);
  });

  it('describes the other shapes: no operations, --strict, suppressions, a baseline comparison', async () => {
    const empty = await runAudit({ root: makeProject({ 'src/util.ts': 'export const x = 1;\n' }) });
    expectValid(printJson(empty, evaluateGate(empty, { minCompliance: 10 })));
    const binary = await runAudit({ root: makeProject({ 'src/modules/a/data.service.ts': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]) }) });
    expect(binary.unanalysed).toHaveLength(1);
    expectValid(printJson(binary, evaluateGate(binary, {})));
    const root = makeProject({
      'src/modules/orders/order.service.ts': ORDER_SERVICE,
      'src/modules/orders/router.ts': ORDER_ROUTER.replace('    await request.db.commit();', '    await request.db.rollback(); // eslint-disable-line outbox/no-db-in-router -- aborts\n    await request.db.commit();'),
    });
    const strict = await runAudit({ root, strict: true });
    expect(strict.suppressed.length).toBeGreaterThan(0);
    expect(strict.summary.routerDbOther).toBe(1);
    const baseline = createBaseline(await runAudit({ root: bundledRuntimeRoot()! }));
    expectValid(printJson(strict, evaluateGate(strict, { baseline })));
  });

  it('is strict: a field the schema does not know is an error, so the schema moves with the report', () => {
    expect(validate({ ...JSON.parse(JSON.stringify({ schemaVersion: 2 })), surprise: true })).toBe(false);
    expect(validate.errors?.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'surprise')).toBe(true);
  });

  it("lists exactly the catalogue's reasons and flags: a reason added to the analysis must reach the schema", () => {
    const missing = schema.definitions.operation.properties.missing.items.properties;
    const fromCatalogue = Object.values(REASONS).filter((r) => r.flag !== undefined);
    expect([...missing.reason.enum].sort()).toEqual(fromCatalogue.map((r) => r.reason).sort());
    expect([...schema.definitions.flag.enum].sort()).toEqual([...new Set(fromCatalogue.map((r) => r.flag))].sort());
  });
});
