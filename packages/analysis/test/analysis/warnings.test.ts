import { describe, expect, it } from 'vitest';
import { lineWith, operation, serviceWith } from './support.js';

const SEED_PATTERN = [
  '  async approvePartner(id: string, idempotencyKey?: string) {',
  '    if (idempotencyKey && this.redis) {',
  '      const cached = await this.redis.get(`idempotency:${idempotencyKey}`);',
  '      if (cached) return JSON.parse(cached);',
  '    }',
  "    await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', ['approved', id]);",
  "    await this.outboxRepo.addEvent({ eventType: 'partner.approved' });",
  '    await this.db.commit();',
  '    if (idempotencyKey && this.redis) {',
  '      await this.redis.setex(`idempotency:${idempotencyKey}`, 86400, JSON.stringify({ id }));',
  '    }',
  '  }',
].join('\n');

describe('racy-redis-idempotency', () => {
  it("warns on the seed's GET … SETEX pattern, at the GET, and still counts it as idempotent", () => {
    const code = serviceWith(SEED_PATTERN);
    const op = operation(code, 'approvePartner');
    expect(op.compliant).toBe(true);
    expect(op.idempotencyStyle).toBe('redis');
    expect(op.warnings).toHaveLength(1);
    const [warning] = op.warnings;
    expect(warning!.kind).toBe('racy-redis-idempotency');
    expect(warning!.at.line).toBe(lineWith(code, 'this.redis.get('));
    expect(warning!.message).toMatch(/two concurrent duplicates can both miss the GET/);
    expect(warning!.message).toMatch(/crash between the commit and the SETEX/);
  });

  it('warns at the helper call when the GET is in a helper', () => {
    const code = serviceWith(
      "  async op(id, idempotencyKey) {\n    if (await this.cached(idempotencyKey)) return;\n    await this.db.execute('DELETE FROM t');\n  }\n  private cached(key) { return this.redis.get(`idempotency:${key}`); }",
    );
    const op = operation(code, 'op');
    expect(op.warnings.map((warning) => warning.at.line)).toEqual([lineWith(code, 'this.cached(')]);
  });

  it('does not warn on an idempotency store', () => {
    const code = serviceWith(
      "  async op(id, idempotencyKey) {\n    await this.idempotency.begin('p', idempotencyKey, 'h');\n    await this.db.execute('DELETE FROM t');\n  }",
    );
    expect(operation(code, 'op').warnings).toEqual([]);
  });
});
