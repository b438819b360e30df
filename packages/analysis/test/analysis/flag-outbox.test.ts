import { describe, expect, it } from 'vitest';
import { analyze, missingOf, operation, ROUTER_PATH } from './support.js';

const METHOD = "  async op(id) { await this.db.execute('DELETE FROM t WHERE id = $1', [id]); await this.db.commit(); }";

const cases: [shape: string, classBody: string, outbox: boolean][] = [
  ['a constructor parameter property named outbox…', 'constructor(private db: DbSession, private outboxRepo: OutboxRepository) {}', true],
  ['a constructor parameter typed OutboxRepository', 'constructor(private db: DbSession, private events: OutboxRepository) {}', true],
  ['a plain constructor parameter named outbox', 'constructor(private db: DbSession, outbox: Repo) { void outbox; }', true],
  ['a declared property', 'private readonly repo: OutboxRepository;\n  constructor(private db: DbSession) { this.repo = new OutboxRepository(db); }', true],
  ['a property assigned in the constructor', 'constructor(private db: DbSession) { this.outboxRepo = new OutboxRepository(db); }', true],
  ['a property created with new OutboxRepository', 'constructor(private db: DbSession) { this.events = new OutboxRepository(db); }', true],
  ['a property initializer', 'private events = new OutboxRepository(this.db);\n  constructor(private db: DbSession) {}', true],
  ['a case-insensitive match', 'constructor(private db: DbSession, private eventOUTBOX: Repo) {}', true],
  ['only a DB handle', 'constructor(private db: DbSession) {}', false],
  ['a DB handle and Redis', 'constructor(private db: DbSession, private redis?: RedisClient) {}', false],
  ['an outbox used but not held', 'constructor(private db: DbSession) {}\n  async other() { await new OutboxRepository(this.db).addEvent({}); }', false],
];

describe('the outbox flag', () => {
  it.each(cases)('%s', (_shape, classBody, outbox) => {
    const code = `export class PartnerService {\n  ${classBody}\n${METHOD}\n}\n`;
    const op = operation(code, 'op');
    expect(op.outbox).toBe(outbox);
    const missing = missingOf(op, 'outbox');
    expect(missing === undefined).toBe(outbox);
    if (missing) {
      expect(missing.reason).toBe('no-outbox-repository');
      expect(missing.message).toMatch(/^PartnerService holds no outbox repository/);
      expect(missing.line).toBe(code.split('\n').findIndex((line) => line.includes('async op(')) + 1);
    }
  });

  it('follows outbox.names from the settings', () => {
    const code = `export class S {\n  constructor(private db: Db, private journal: EventJournal) {}\n${METHOD}\n}\n`;
    expect(operation(code, 'op').outbox).toBe(false);
    expect(operation(code, 'op', undefined, { outbox: { names: ['journal'] } }).outbox).toBe(true);
  });

  it('is false for a router handler', () => {
    const code = "app.delete('/x/:id', async (request) => { await request.db.execute('DELETE FROM x'); });";
    const [op] = analyze(code, ROUTER_PATH).operations;
    expect(op!.outbox).toBe(false);
    expect(missingOf(op!, 'outbox')?.message).toMatch(/^DELETE \/x\/:id writes from the router/);
  });

  it('a compliant operation has all four flags and nothing missing', () => {
    const code = [
      'export class PartnerService {',
      '  constructor(private db: DbSession, private outboxRepo: OutboxRepository, private idempotency: IdempotencyStore) {}',
      '  async approve(id: string, idempotencyKey: string) {',
      "    const claim = await this.idempotency.begin('partners', idempotencyKey, id);",
      "    if (claim.state === 'replay') return claim.body;",
      "    await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', ['approved', id]);",
      "    await this.outboxRepo.addEvent({ eventType: 'partner.approved' });",
      '    await this.db.commit();',
      '  }',
      '}',
    ].join('\n');
    const op = operation(code, 'approve');
    expect(op).toMatchObject({ outbox: true, idempotency: true, event: true, commit: true, compliant: true, missing: [], warnings: [] });
  });
});
