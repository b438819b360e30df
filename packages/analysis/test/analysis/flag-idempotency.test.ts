import { describe, expect, it } from 'vitest';
import { lineWith, missingOf, operation, serviceWith } from './support.js';

const W = "await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', [s, id]);";
const REDIS_CHECK = [
  'if (idempotencyKey && this.redis) {',
  '  const cached = await this.redis.get(`idempotency:${idempotencyKey}`);',
  '  if (cached) return JSON.parse(cached);',
  '}',
].join('\n');
const STORE_CHECK = "const claim = await this.idempotency.begin('partners', idempotencyKey, hash);\nif (claim.state !== 'claimed') return claim;";

interface IdempotencyCase {
  shape: string;
  params: string;
  body: string;
  helpers?: string;
  idempotency: boolean;
  style?: 'redis' | 'store';
  reason?: 'no-idempotency-check' | 'idempotency-after-write' | 'idempotency-after-guard';
  at?: string;
  message?: RegExp;
}

const cases: IdempotencyCase[] = [
  { shape: "the seed's Redis pattern, guarded by the key", params: 'id, s, idempotencyKey', body: `${REDIS_CHECK}\n${W}`, idempotency: true, style: 'redis' },
  { shape: 'an idempotency store claim', params: 'id, s, idempotencyKey', body: `${STORE_CHECK}\n${W}`, idempotency: true, style: 'store' },
  { shape: 'the key as idempotency_key', params: 'id, s, idempotency_key', body: `await this.idempotency.claim(idempotency_key);\n${W}`, idempotency: true, style: 'store' },
  { shape: 'the key destructured from a parameter', params: '{ id, s, idempotencyKey }', body: `${STORE_CHECK}\n${W}`, idempotency: true },
  { shape: 'the key destructured with a new name', params: '{ id, s, idempotencyKey: key }', body: `await this.idempotency.check(key);\n${W}`, idempotency: true },
  { shape: 'the key read off a parameter', params: 'input, id, s', body: `await this.idempotencyStore.begin('p', input.idempotencyKey, 'h');\n${W}`, idempotency: true },
  { shape: 'the key destructured in the body', params: 'input, id, s', body: `const { idempotencyKey } = input;\n${STORE_CHECK}\n${W}`, idempotency: true },
  {
    shape: 'a Redis key held in a const',
    params: 'id, s, idempotencyKey',
    body: 'const cacheKey = `idempotency:${idempotencyKey}`;\nif (await this.redis.get(cacheKey)) return;\n' + W,
    idempotency: true,
    style: 'redis',
  },
  {
    shape: 'a check in a same-class helper',
    params: 'id, s, idempotencyKey',
    body: `if (await this.seen(idempotencyKey)) return;\n${W}`,
    helpers: '  private async seen(key) { return this.redis.get(`idempotency:${key}`); }',
    idempotency: true,
    style: 'redis',
  },
  {
    shape: 'no key parameter',
    params: 'id, s',
    body: W,
    idempotency: false,
    reason: 'no-idempotency-check',
    at: 'async op(',
    message: /takes no idempotency key.*before the first write \(line 4\)/,
  },
  {
    shape: 'a check without a key parameter',
    params: 'id, s',
    body: `await this.idempotency.begin('p', id, 'h');\n${W}`,
    idempotency: false,
    reason: 'no-idempotency-check',
    message: /takes no idempotency key/,
  },
  {
    shape: 'a key that is never checked',
    params: 'id, s, idempotencyKey',
    body: W,
    idempotency: false,
    reason: 'no-idempotency-check',
    at: 'async op(',
    message: /never checks it.*line 4/,
  },
  {
    shape: 'the key checked after the first write',
    params: 'id, s, idempotencyKey',
    body: `${W}\n${STORE_CHECK}\nawait this.db.execute('DELETE FROM drafts WHERE id = $1', [id]);`,
    idempotency: false,
    reason: 'idempotency-after-write',
    at: 'this.idempotency.begin',
    message: /the write on line 4 can run before it/,
  },
  {
    shape: 'a check on one branch only, not guarded by the key',
    params: 'id, s, idempotencyKey, fresh',
    body: `if (fresh) {\n  ${STORE_CHECK.replace('\n', '\n  ')}\n}\n${W}`,
    idempotency: false,
    reason: 'idempotency-after-write',
    message: /the write on line 8 can run before it on the path through line 4 \(where the condition on line 4 is false\)/,
  },
  {
    shape: 'a check guarded by !key in an else branch',
    params: 'id, s, idempotencyKey',
    body: `if (!idempotencyKey) {\n  ${W}\n} else {\n  await this.idempotency.begin('p', idempotencyKey, 'h');\n  ${W}\n}`,
    idempotency: true,
  },
  {
    shape: 'a check guarded by the key with &&',
    params: 'id, s, idempotencyKey',
    body: `const replay = idempotencyKey && (await this.redis.get(\`idempotency:\${idempotencyKey}\`));\nif (replay) return replay;\n${W}`,
    idempotency: true,
  },
  {
    shape: 'a helper that writes before the check',
    params: 'id, s, idempotencyKey',
    body: `await this.draft(id);\n${STORE_CHECK}\n${W}`,
    helpers: `  private async draft(id) { ${W} }`,
    idempotency: false,
    reason: 'idempotency-after-write',
    message: /the write on line 4 can run before it/,
  },
  {
    shape: 'a Redis get of another key is not a check',
    params: 'id, s, idempotencyKey',
    body: `if (await this.redis.get(\`otp:\${id}\`)) return;\n${W}`,
    idempotency: false,
    reason: 'no-idempotency-check',
  },
  {
    shape: 'begin on something that is not an idempotency store is not a check',
    params: 'id, s, idempotencyKey',
    body: `await this.workflow.begin(idempotencyKey);\n${W}`,
    idempotency: false,
    reason: 'no-idempotency-check',
  },
  {
    shape: 'a check in a callback that may not run',
    params: 'id, s, idempotencyKey',
    body: `await retry(() => this.idempotency.begin('p', idempotencyKey, 'h'));\n${W}`,
    idempotency: false,
    reason: 'idempotency-after-write',
  },
  {
    shape: 'a state-dependent guard before the check (a retry gets 409 instead of the replay)',
    params: 'id, s, idempotencyKey',
    body: [
      "const { rows } = await this.db.execute('SELECT status FROM partners WHERE id = $1 FOR UPDATE', [id]);",
      "if (rows[0].status !== 'pending') throw new Error('already reviewed');",
      STORE_CHECK,
      W,
    ].join('\n'),
    idempotency: false,
    reason: 'idempotency-after-guard',
    at: 'throw new Error',
    message: /only after this exit, which depends on state read on line 4/,
  },
  {
    shape: 'a guard in a same-class helper call before the check',
    params: 'id, s, idempotencyKey',
    body: `const partner = await this.pending(id);\nif (!partner) return null;\n${STORE_CHECK}\n${W}`,
    helpers: "  private async pending(id) { return this.db.execute('SELECT * FROM partners WHERE id = $1', [id]); }",
    idempotency: false,
    reason: 'idempotency-after-guard',
    at: 'return null',
  },
  {
    shape: 'a guard on what another public member of the class read (`await this.findOne(id)`) before the check',
    params: 'id, s, idempotencyKey',
    body: `const partner = await this.findOne(id);\nif (partner.status === s) return partner;\n${STORE_CHECK}\n${W}`,
    helpers: "  async findOne(id) { const { rows } = await this.db.execute('SELECT * FROM partners WHERE id = $1', [id]); return rows[0]; }",
    idempotency: false,
    reason: 'idempotency-after-guard',
    at: 'return partner;',
  },
  {
    shape: 'a guard on what a public member that never reaches the database computed still replays',
    params: 'id, s, idempotencyKey',
    body: `const status = this.normalise(s);\nif (!status) throw new Error('unknown status');\n${STORE_CHECK}\n${W}`,
    helpers: '  normalise(s) { return String(s).trim().toLowerCase(); }',
    idempotency: true,
  },
  {
    shape: 'a guard on the input alone before the check still replays',
    params: 'id, s, idempotencyKey',
    body: `if (!s) throw new Error('status required');\n${STORE_CHECK}\n${W}`,
    idempotency: true,
  },
  {
    shape: 'a read before the check with no exit in between',
    params: 'id, s, idempotencyKey',
    body: `const { rows } = await this.db.execute('SELECT 1 FROM partners WHERE id = $1', [id]);\n${STORE_CHECK}\n${W}`,
    idempotency: true,
  },
  {
    shape: 'a read and a guard after the check',
    params: 'id, s, idempotencyKey',
    body: `${STORE_CHECK}\nconst { rows } = await this.db.execute('SELECT status FROM partners WHERE id = $1', [id]);\nif (!rows[0]) throw new Error('missing');\n${W}`,
    idempotency: true,
  },
  {
    shape: 'an exit inside a callback before the check is not the operation exiting',
    params: 'id, s, idempotencyKey',
    body: `const { rows } = await this.db.execute('SELECT id FROM partners WHERE id = $1', [id]);\nconst ids = rows.map((row) => { return row.id; });\n${STORE_CHECK}\n${W}`,
    idempotency: true,
  },
];

describe('the idempotency flag', () => {
  it.each(cases)('$shape', ({ params, body, helpers, idempotency, style, reason, at, message }) => {
    const indented = body.split('\n').map((line) => `    ${line}`).join('\n');
    const code = serviceWith(`  async op(${params}) {\n${indented}\n  }${helpers ? `\n${helpers}` : ''}`);
    const op = operation(code, 'op');
    const missing = missingOf(op, 'idempotency');
    expect(op.idempotency).toBe(idempotency);
    expect(missing === undefined).toBe(idempotency);
    if (style) expect(op.idempotencyStyle).toBe(style);
    if (reason) expect(missing?.reason).toBe(reason);
    if (at) expect(missing?.line).toBe(lineWith(code, at.trim()));
    if (message) expect(missing?.message).toMatch(message);
  });

  it('has no style when nothing is checked', () => {
    const op = operation(serviceWith(`  async op(id, s) { ${W} }`), 'op');
    expect(op.idempotencyStyle).toBeUndefined();
  });

  it('follows the key names, prefix and store names from the settings', () => {
    const code = serviceWith(`  async op(id, s, requestId) {\n    if (await this.cache.get(\`dedupe/\${requestId}\`)) return;\n    ${W}\n  }`);
    const op = operation(code, 'op', undefined, { idempotency: { keyParams: ['requestId'], redisKeyPrefix: 'dedupe/' } });
    expect(op.idempotency).toBe(true);
  });
});
