import { describe, expect, it } from 'vitest';
import { sqlWriteTarget, resolveText } from '../../src/index.js';
import ts from 'typescript';
import { analyze, operation, ROUTER_PATH, serviceWith } from './support.js';

/** Facts the codemods plan from (they recognise nothing themselves): routes, the write handle, writes, write targets. */
describe('facts the codemods read', () => {
  it('routes: every route a router registers, writing or not, with its registration and handler spans', () => {
    const code = [
      "import type { FastifyInstance } from 'fastify';",
      'export function routes(app: FastifyInstance) {',
      "  app.get<BinRoute>('/bins/:id', async (request) => request.params.id);",
      "  app.post('/bins', async (request) => { await request.db.execute('INSERT INTO bins DEFAULT VALUES'); await request.db.commit(); });",
      '}',
      '',
    ].join('\n');
    const { routes } = analyze(code, ROUTER_PATH);
    expect(routes.map((r) => r.route)).toEqual(['GET /bins/:id', 'POST /bins']);
    expect(routes[0]!.registration.line).toBe(3);
    expect(code.slice(routes[1]!.handler.start, routes[1]!.handler.end)).toMatch(/^async \(request\) => \{/);
    expect(analyze(serviceWith('  async x() {}')).routes).toEqual([]);
  });

  it('writeHandle: the handle of the first write, local aliases resolved', () => {
    const viaAlias = operation(serviceWith("  async op(id: string) {\n    const db = this.db;\n    await db.execute('DELETE FROM t WHERE id = $1', [id]);\n    await db.commit();\n  }"), 'op');
    expect(viaAlias.writeHandle).toBe('this.db');
    const destructured = analyze(
      "export function routes(app) {\n  app.post('/t', async (request) => {\n    const { db } = request;\n    await db.execute('INSERT INTO t DEFAULT VALUES');\n    await db.commit();\n  });\n}\n",
      ROUTER_PATH,
    ).operations[0]!;
    expect(destructured.writeHandle).toBe('request.db');
    const opened = operation(serviceWith("  async op() {\n    const session = await this.sessions.open();\n    await session.execute('DELETE FROM t');\n    await session.commit();\n  }"), 'op');
    expect(opened.writeHandle).toBe('session');
  });

  it('writes: the spans of the operation\'s own writes, in order (not its reads)', () => {
    const code = serviceWith("  async op(id: string) {\n    await this.db.execute('SELECT 1');\n    await this.db.execute('UPDATE t SET a = 1 WHERE id = $1', [id]);\n    await this.db.execute('DELETE FROM u WHERE id = $1', [id]);\n    await this.db.commit();\n  }");
    const op = operation(code, 'op');
    expect(op.writes.map((w) => code.slice(w.start, w.end).slice(0, 30))).toEqual(["this.db.execute('UPDATE t SET ", "this.db.execute('DELETE FROM u"]);
  });

  it('sqlWriteTarget: the row a write names and the literals it sets', () => {
    const read = (sql: string) => sqlWriteTarget(resolveText(ts.factory.createStringLiteral(sql), () => undefined));
    expect(read("UPDATE lots SET status = 'blocked', note = 'it''s held' WHERE id = $2 AND org = $1 RETURNING *")).toEqual({
      verb: 'UPDATE',
      idParam: 2,
      returning: true,
      literals: { status: 'blocked', note: "it's held" },
    });
    expect(read('DELETE FROM lots l WHERE l.id = $1')).toEqual({ verb: 'DELETE', idParam: 1, returning: false, literals: {} });
    expect(read('INSERT INTO lots (code) VALUES ($1) RETURNING *')).toEqual({ verb: 'INSERT', returning: true, literals: {} });
    expect(read('UPDATE lots SET quantity = quantity + $2 WHERE warehouse_id = $1')).toEqual({ verb: 'UPDATE', returning: false, literals: {} });
    expect(sqlWriteTarget(undefined)).toBeUndefined();
  });

  it('commits, begins and rollbacks: the transaction calls of the operation itself, with their handles', () => {
    const code = [
      "import type { Pool } from 'pg';",
      'export class TicketService {',
      '  constructor(private readonly pool: Pool) {}',
      '  async close(id: string) {',
      '    const client = await this.pool.connect();',
      '    try {',
      "      await client.query('BEGIN');",
      "      await client.query(\"UPDATE tickets SET status = 'closed' WHERE id = $1\", [id]);",
      "      await client.query('COMMIT');",
      '    } catch (error) {',
      "      await client.query('ROLLBACK');",
      '      throw error;',
      '    } finally {',
      '      client.release();',
      '    }',
      '  }',
      '  async rename(id: string, name: string) {',
      "    await this.pool.query('UPDATE tickets SET name = $2 WHERE id = $1', [id, name]);",
      '  }',
      '}',
      '',
    ].join('\n');
    const settings = { presets: ['node-postgres'] };
    const close = operation(code, 'close', 'src/tickets/ticket.service.ts', settings);
    expect(close.writeHandle).toBe('client');
    expect(close.begins!.map((b) => [b.line, b.handle])).toEqual([[7, 'client']]);
    expect(close.commits!.map((c) => [c.line, c.handle, c.scope])).toEqual([[9, 'client', undefined]]);
    expect(close.rollbacks!.map((r) => [r.line, r.handle])).toEqual([[11, 'client']]);
    // A write that commits by itself (autocommit, no transaction) is a write, not one of the commits.
    const rename = operation(code, 'rename', 'src/tickets/ticket.service.ts', settings);
    expect(rename.commits).toEqual([]);
    expect(rename.begins).toEqual([]);
    expect(rename.autocommits!.map((w) => [w.line, w.handle])).toEqual([[18, 'this.pool']]);
    expect(close.autocommits).toEqual([]);
    // The session style: db.commit() on the alias-resolved handle.
    const session = operation(serviceWith("  async op(id: string) {\n    const db = this.db;\n    await db.execute('DELETE FROM t WHERE id = $1', [id]);\n    await db.commit();\n  }"), 'op');
    expect(session.commits!.map((c) => [c.line, c.handle])).toEqual([[6, 'this.db']]);
  });

  it('commits: a transaction scope is one, marked as a scope, on its handle', () => {
    const code = [
      'export class OrderService {',
      '  constructor(private readonly prisma: PrismaClient) {}',
      '  async place(customerId: string) {',
      '    return this.prisma.$transaction(async (tx) => {',
      '      return tx.order.create({ data: { customerId } });',
      '    });',
      '  }',
      '}',
      '',
    ].join('\n');
    const place = operation(code, 'place', 'src/orders/order.service.ts', { presets: ['prisma'] });
    expect(place.commits!.map((c) => [c.line, c.handle, c.scope, c.transactionHandle])).toEqual([[4, 'this.prisma', true, 'tx']]);
  });
  it('router DB calls: the handle each call runs on and the handle it was made from (origin), with effect and preset', () => {
    const code = [
      "import express from 'express';",
      "import type { Pool } from 'pg';",
      'export function commentsRouter(pool: Pool) {',
      '  const router = express.Router();',
      "  router.post('/', async (req, res) => {",
      "    const { rows } = await pool.query('INSERT INTO comments (body) VALUES ($1) RETURNING id', [req.body.text]);",
      '    res.status(201).json(rows[0]);',
      '  });',
      "  router.post('/:id/hide', async (req, res) => {",
      '    const client = await pool.connect();',
      '    const db = client;',
      '    try {',
      "      await client.query('BEGIN');",
      "      await db.query(\"UPDATE comments SET status = 'hidden' WHERE id = $1\", [req.params.id]);",
      "      await client.query('COMMIT');",
      '      res.json({ id: req.params.id });',
      '    } finally {',
      '      client.release();',
      '    }',
      '  });',
      '  return router;',
      '}',
      '',
    ].join('\n');
    const { routerDbCalls } = analyze(code, 'src/routes/comments.routes.ts', { presets: ['express', 'node-postgres'] });
    expect(routerDbCalls.map((c) => [c.line, c.handle, c.origin, c.effect, c.preset, c.route])).toEqual([
      [6, 'pool', undefined, 'write', 'node-postgres', 'POST /'],
      [13, 'client', 'pool', 'begin', 'node-postgres', 'POST /:id/hide'],
      [14, 'db', 'pool', 'write', 'node-postgres', 'POST /:id/hide'],
      [15, 'client', 'pool', 'commit', 'node-postgres', 'POST /:id/hide'],
    ]);
    // The session style: an alias of the request's handle names it.
    const session = analyze("export function routes(app) {\n  app.post('/t', async (request) => {\n    const { db } = request;\n    await db.execute('INSERT INTO t DEFAULT VALUES');\n    await db.commit();\n  });\n}\n", ROUTER_PATH);
    expect(session.routerDbCalls.map((c) => [c.handle, c.origin])).toEqual([['db', 'request.db'], ['db', 'request.db']]);
  });
});
