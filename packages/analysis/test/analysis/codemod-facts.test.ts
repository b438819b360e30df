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
});
