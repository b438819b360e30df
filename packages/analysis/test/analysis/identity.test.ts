import { describe, expect, it } from 'vitest';
import { fileFindings, legacyOperationKey, operationKey } from '../../src/index.js';
import { analyze, ROUTER_PATH, serviceWith } from './support.js';

describe('identities', () => {
  const method = "  async loadData(id: string) {\n    await this.db.execute('UPDATE metrics SET n = n + 1 WHERE id = $1', [id]);\n  }";

  it('an operation is known by its file, class and method, so twins in two packages are two operations', () => {
    const a = analyze(serviceWith(method).replace('PartnerService', 'MetricsService'), 'apps/a/src/services/metrics.service.ts').operations[0]!;
    const b = analyze(serviceWith(method).replace('PartnerService', 'MetricsService'), 'apps/b/src/services/metrics.service.ts').operations[0]!;
    expect(operationKey(a)).toBe('apps/a/src/services/metrics.service.ts | MetricsService.loadData');
    expect(operationKey(a)).not.toBe(operationKey(b));
    // What format 1 called them: one key for both.
    expect(legacyOperationKey(a)).toBe('services/MetricsService/loadData');
    expect(legacyOperationKey(b)).toBe(legacyOperationKey(a));
  });

  it('a router handler by its file and route; every finding carries the file in its identity', () => {
    const analysis = analyze("app.post('/organizations', async (request) => {\n  await request.db.execute('INSERT INTO o VALUES (1)');\n  await request.db.commit();\n});", ROUTER_PATH);
    expect(operationKey(analysis.operations[0]!)).toBe(`${ROUTER_PATH} | POST /organizations`);
    for (const finding of fileFindings(analysis)) expect(finding.identity).toContain(ROUTER_PATH);
  });
});
