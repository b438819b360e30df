import rule from '../../src/rules/require-idempotency.js';
import { ROUTER, ruleTester, service, SERVICE, UNRELATED } from './rule-tester.js';

const W = "await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', ['approved', id]);";
const SEED = [
  '  async approve(id: string, idempotencyKey?: string) {',
  '    if (idempotencyKey && this.redis) {',
  '      const cached = await this.redis.get(`idempotency:${idempotencyKey}`);',
  '      if (cached) return JSON.parse(cached);',
  '    }',
  `    ${W}`,
  '    await this.db.commit();',
  '    if (idempotencyKey && this.redis) await this.redis.setex(`idempotency:${idempotencyKey}`, 86400, "{}");',
  '  }',
].join('\n');
const STORE = `  async approve(id: string, idempotencyKey: string) {\n    await this.idempotency.begin('partners', idempotencyKey, id);\n    ${W}\n  }`;

ruleTester.run('require-idempotency', rule, {
  valid: [
    { name: "the seed's Redis check, without reportRacyRedis", filename: SERVICE, code: service(SEED) },
    { name: 'an idempotency store', filename: SERVICE, code: service(STORE) },
    { name: 'an idempotency store, with reportRacyRedis', filename: SERVICE, code: service(STORE), options: [{ reportRacyRedis: true }] },
    { name: 'the key destructured from the input', filename: SERVICE, code: service(`  async approve({ id, idempotencyKey }) {\n    await this.idempotency.claim(idempotencyKey);\n    ${W}\n  }`) },
    { name: 'a read-only method', filename: SERVICE, code: service("  async find(id) { return this.db.execute('SELECT 1'); }") },
    { name: 'a file with no role', filename: UNRELATED, code: service(`  async approve(id) { ${W} }`) },
  ],
  invalid: [
    { name: 'no key', filename: SERVICE, code: service(`  async approve(id) { ${W} }`), errors: [{ messageId: 'noIdempotencyKey', line: 3, column: 9 }] },
    { name: 'a key that is never checked', filename: SERVICE, code: service(`  async approve(id, idempotencyKey) { ${W} }`), errors: [{ messageId: 'noIdempotencyCheck', line: 3 }] },
    {
      name: 'the key checked after the first write',
      filename: SERVICE,
      code: service(`  async approve(id, idempotencyKey) {\n    ${W}\n    await this.idempotency.begin('partners', idempotencyKey, id);\n  }`),
      errors: [{ messageId: 'idempotencyAfterWrite', line: 5, column: 11 }],
    },
    {
      name: "the seed's Redis check with reportRacyRedis",
      filename: SERVICE,
      code: service(SEED),
      options: [{ reportRacyRedis: true }],
      errors: [{ messageId: 'racyRedisIdempotency', line: 5, column: 28 }],
    },
    {
      name: 'a router handler',
      filename: ROUTER,
      code: "app.post('/x', async (request) => { await request.db.execute('INSERT INTO x DEFAULT VALUES'); });",
      errors: [{ messageId: 'noIdempotencyKey', line: 1, column: 10 }],
    },
  ],
});
