import { describe, expect, it } from 'vitest';
import { ormWriteTarget, sqlWriteTarget, resolveText } from '../../src/index.js';
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

  it('routes of a NestJS controller name their controller class (the handler takes no request: parameter decorators), and container-made classes say so', () => {
    const code = [
      "import { Body, Controller, Injectable, Post } from '@nestjs/common';",
      '@Injectable()',
      'export class InvoicesService {',
      '  constructor(private readonly dataSource: DataSource) {}',
      '}',
      "@Controller('invoices')",
      'export class InvoicesController {',
      '  constructor(private readonly invoicesService: InvoicesService) {}',
      "  @Post() create(@Body() body: CreateInvoiceDto) { return this.invoicesService.create(body); }",
      '}',
      'export class Plain {',
      '  constructor(private readonly db: DbSession) {}',
      '}',
      '',
    ].join('\n');
    const found = analyze(code, 'src/invoices/invoices.controller.ts', { presets: ['nestjs', 'typeorm'] });
    expect(found.routes.map((r) => [r.route, r.controller])).toEqual([['POST /invoices', 'InvoicesController']]);
    expect(found.classes.map((c) => [c.name, c.constructedByContainer ?? false])).toEqual([['InvoicesService', true], ['InvoicesController', true], ['Plain', false]]);
    // An Express route is no controller's.
    const express = analyze("export function routes(app) {\n  app.post('/t', async (req, res) => { res.json(1); });\n}\n", ROUTER_PATH, { presets: ['express'] });
    expect(express.routes.map((r) => r.controller)).toEqual([undefined]);
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

  it('commits, begins, rollbacks, autocommits, committingHelpers and handoffs are always there: empty when there are none', () => {
    const op = operation(serviceWith("  async op(id: string) {\n    await this.db.execute('DELETE FROM t WHERE id = $1', [id]);\n  }"), 'op');
    expect([op.commits, op.begins, op.rollbacks, op.autocommits, op.committingHelpers, op.handoffs]).toEqual([[], [], [], [], [], []]);
  });

  it('committingHelpers: calls of same-class helpers that commit, not of helpers that only write or of public methods', () => {
    const code = serviceWith(
      [
        '  async op(id: string) {',
        '    await this.mark(id);',
        '    await this.finish();',
        '    await this.other(id);',
        '    await this.nested(id);',
        '  }',
        '  async other(id: string) {',
        "    await this.db.execute('DELETE FROM u WHERE id = $1', [id]);",
        '    await this.db.commit();',
        '  }',
        '  private async mark(id: string) {',
        "    await this.db.execute('UPDATE t SET a = 1 WHERE id = $1', [id]);",
        '  }',
        '  private async finish() {',
        '    await this.db.commit();',
        '  }',
        '  private async nested(id: string) {',
        '    await this.mark(id);',
        '    await this.finish();',
        '  }',
      ].join('\n'),
    );
    const op = operation(code, 'op');
    // finish commits; nested commits through finish; mark only writes; other is public (an operation of its own).
    expect(op.committingHelpers.map((c) => [c.line, c.helper])).toEqual([[5, 'finish'], [7, 'nested']]);
    // The handle each commits on, as written in the helper (nested: its own helper's).
    expect(op.committingHelpers.map((c) => c.handle)).toEqual(['this.db', 'this.db']);
    expect(op.commits).toEqual([]);
  });

  it('a helper whose only commits are writes that commit by themselves is a helperAutocommit, not a committing helper', () => {
    const code = serviceWith(
      [
        '  async reopen(id: string) {',
        '    return this.markOpen(id);',
        '  }',
        '  private async markOpen(id: string) {',
        "    return this.prisma.order.update({ where: { id }, data: { status: 'open' } });",
        '  }',
      ].join('\n'),
    );
    const op = operation(code, 'reopen', 'src/orders/order.service.ts', { presets: ['prisma'] });
    expect(op.helperAutocommits.map((h) => h.helper)).toEqual(['markOpen']);
    expect(op.committingHelpers).toEqual([]);
  });

  it('stateReads: its DB reads and its calls of helpers and of public members that reach the database, in source order', () => {
    const code = serviceWith(
      [
        '  async cancel(id: string, reason: string) {',
        '    const clean = this.tidy(reason);',
        '    const order = await this.findOne(id);',
        "    const { rows } = await this.db.execute('SELECT count(*) FROM holds WHERE order_id = $1', [id]);",
        "    await this.db.execute('UPDATE orders SET status = $2 WHERE id = $1', [id, clean]);",
        '    await this.db.commit();',
        '  }',
        '  async findOne(id: string) {',
        "    return this.db.execute('SELECT * FROM orders WHERE id = $1', [id]);",
        '  }',
        '  tidy(text: string) {',
        '    return text.trim();',
        '  }',
      ].join('\n'),
    );
    const op = operation(code, 'cancel');
    // `this.tidy` reaches no database: not a read of state.
    expect(op.stateReads.map((r) => code.slice(r.start, r.end).split('(')[0])).toEqual(['this.findOne', 'this.db.execute']);
  });

  it('handoffs: a DB handle (or an alias of one) handed to a function, not to a method, not data of it, not a same-file helper', () => {
    const code = [
      "import { commitAndLog, audit } from './audit.js';",
      'export class PartnerService {',
      '  constructor(private readonly db: DbSession, private readonly settings: { db: { name: string } }) {}',
      '  async op(id: string) {',
      "    await this.db.execute('UPDATE t SET a = 1 WHERE id = $1', [id]);",
      '    const conn = this.db;',
      '    audit.record(this.db);',
      '    logName(this.settings.db.name);',
      '    format(dbx, id);',
      '    await commitAndLog(conn, id);',
      '  }',
      '}',
      'declare const dbx: unknown;',
      '',
    ].join('\n');
    const op = operation(code, 'op');
    // `audit.record(this.db)` is a method call; `this.settings.db.name` is data; `dbx` is not a handle.
    expect(op.handoffs.map((h) => [h.line, h.callee, h.handle, h.transaction])).toEqual([[10, 'commitAndLog', 'this.db', false]]);
  });

  it("handoffs: a transaction's handle handed to a function is marked as one", () => {
    const code = [
      "import { savePolicies } from './policies.js';",
      'export class PolicyService {',
      '  constructor(private readonly prisma: PrismaClient) {}',
      '  async save(workspaceId: string, next: string[]) {',
      '    await this.prisma.$transaction(async (tx) => {',
      '      await tx.policy.deleteMany({ where: { workspaceId } });',
      '      await savePolicies(workspaceId, next, tx);',
      '    });',
      '  }',
      '}',
      '',
    ].join('\n');
    const save = operation(code, 'save', 'src/policies/policy.service.ts', { presets: ['prisma'] });
    expect(save.handoffs.map((h) => [h.line, h.callee, h.handle, h.transaction])).toEqual([[7, 'savePolicies', 'tx', true]]);
  });

  it('class facts: the constructor parameters and properties that hold a DB handle, by name or by a preset type', () => {
    const session = analyze(serviceWith('  async op() {}')).classes[0]!;
    expect([session.dbHandleParams, session.dbHandleProperties]).toEqual([['db'], ['db']]);
    // A plain parameter (no modifier) is a parameter, not a property; a method named like a handle is neither.
    const plain = analyze('export class A {\n  constructor(db: DbSession, label: string) {}\n  session = () => 1;\n}\n').classes[0]!;
    expect([plain.dbHandleParams, plain.dbHandleProperties]).toEqual([['db'], undefined]);
    const typed = analyze("import type { Pool } from 'pg';\nexport class B {\n  constructor(private readonly connection: Pool) {}\n}\n", 'src/b/b.service.ts', { presets: ['node-postgres'] }).classes[0]!;
    expect(typed.dbHandleProperties).toEqual(['connection']);
    expect(analyze('export class C {\n  constructor(private readonly dbx: string) {}\n}\n').classes[0]!.dbHandleParams).toBeUndefined();
  });

  it('class facts: the members that hold an outbox repository, by name, type or the class they are made from', () => {
    const held = analyze(serviceWith('  async op() {}')).classes[0]!;
    expect(held.outboxHolders).toEqual(['outboxRepo']);
    const byType = analyze('export class A {\n  constructor(private readonly events: OutboxRepository, private readonly db: DbSession) {}\n}\n').classes[0]!;
    expect(byType.outboxHolders).toEqual(['events']);
    const made = analyze('export class B {\n  private readonly journal = new OutboxRepository(this.db);\n  constructor(private readonly db: DbSession) {}\n}\n').classes[0]!;
    expect(made.outboxHolders).toEqual(['journal']);
    // A publisher is not an outbox; neither is a string that mentions one.
    const none = analyze("export class C {\n  constructor(private readonly publisher: EventBus, private readonly label = 'outbox') {}\n}\n").classes[0]!;
    expect(none.outboxHolders).toBeUndefined();
  });

  it('keyParameter: the parameter that takes the idempotency key, not a property of one, not a key read elsewhere', () => {
    const named = operation(serviceWith("  async op(id: string, requestKey?: string) {\n    await this.db.execute('DELETE FROM t WHERE id = $1', [id]);\n    await this.db.commit();\n  }"), 'op', undefined, { idempotency: { keyParams: ['requestKey'] } });
    expect(named.keyParameter).toBe('requestKey');
    const inInput = operation(serviceWith("  async op(input: { id: string; idempotencyKey?: string }) {\n    await this.db.execute('DELETE FROM t WHERE id = $1', [input.id]);\n    await this.db.commit();\n  }"), 'op');
    expect(inInput.keyParameter).toBeUndefined();
    const none = operation(serviceWith("  async op(id: string, key: string) {\n    await this.db.execute('DELETE FROM t WHERE id = $1', [id]);\n    await this.db.commit();\n  }"), 'op');
    expect(none.keyParameter).toBeUndefined();
  });

  it('autocommits: how to put them in one transaction (wrapIn, from the preset), and helpers that make such writes', () => {
    const code = [
      'export class UserService {',
      '  constructor(private readonly prisma: PrismaClient, private readonly pool: Pool) {}',
      '  async rename(id: string, name: string) {',
      '    return this.prisma.user.update({ where: { id }, data: { name } });',
      '  }',
      '  async stamp(id: string) {',
      '    await this.prisma.user.update({ where: { id }, data: { stamped: true } });',
      '    await this.mark(id);',
      '  }',
      '  private async mark(id: string) {',
      '    await this.prisma.$executeRaw`UPDATE marks SET at = now() WHERE user_id = ${id}`;',
      '  }',
      '  async raw(id: string) {',
      "    await this.pool.query('UPDATE users SET seen = now() WHERE id = $1', [id]);",
      '  }',
      '}',
      '',
    ].join('\n');
    const settings = { presets: ['prisma', 'node-postgres'] };
    const rename = operation(code, 'rename', 'src/users/user.service.ts', settings);
    // The delegate's client, not the delegate: the transaction is opened on `this.prisma`, and `tx.user` replaces `this.prisma.user`.
    expect(rename.autocommits!.map((w) => [w.line, w.handle, w.wrapIn])).toEqual([[4, 'this.prisma.user', { handle: 'this.prisma', open: '$transaction', param: 'tx' }]]);
    expect(rename.helperAutocommits).toEqual([]);
    const stamp = operation(code, 'stamp', 'src/users/user.service.ts', settings);
    expect(stamp.helperAutocommits.map((h) => [h.line, h.helper])).toEqual([[8, 'mark']]);
    // node-postgres' pool has no callback transaction whose handle stands in for the pool: no wrapIn.
    const raw = operation(code, 'raw', 'src/users/user.service.ts', settings);
    expect(raw.autocommits!.map((w) => [w.line, w.wrapIn])).toEqual([[14, undefined]]);
  });

  it("wrapIn on TypeORM: a manager or data source opens the transaction itself; a repository through its manager and `withRepository`; a query runner never", () => {
    const code = [
      "import type { DataSource, EntityManager, QueryRunner, Repository } from 'typeorm';",
      'export class OrderService {',
      '  constructor(private readonly orders: Repository<Order>, private readonly dataSource: DataSource, private readonly manager: EntityManager, private readonly queryRunner: QueryRunner) {}',
      "  async a(id: string) { await this.orders.update({ id }, { status: 'a' }); }",
      "  async b(id: string) { await this.dataSource.getRepository(Order).delete({ id }); }",
      "  async c(id: string) { await this.manager.update(Order, { id }, { status: 'c' }); }",
      "  async d(id: string) { await this.queryRunner.manager.update(Order, { id }, { status: 'd' }); }",
      "  async e(id: string) { await this.queryRunner.query('UPDATE orders SET status = $2 WHERE id = $1', [id, 'e']); }",
      '}',
      '',
    ].join('\n');
    const settings = { presets: ['typeorm'] };
    const wrapOf = (method: string) => operation(code, method, 'src/orders/order.service.ts', settings).autocommits.map((w) => w.wrapIn);
    expect(wrapOf('a')).toEqual([{ handle: 'this.orders', open: 'manager.transaction', param: 'manager', use: 'withRepository', shares: 'typeorm' }]);
    expect(wrapOf('c')).toEqual([{ handle: 'this.manager', open: 'transaction', param: 'manager', shares: 'typeorm' }]);
    expect(wrapOf('b')).toEqual([{ handle: 'this.dataSource', open: 'transaction', param: 'manager', shares: 'typeorm' }]);
    // A query runner's manager is a manager (its transaction runs on that runner); the runner itself is never wrapped.
    expect(wrapOf('d')).toEqual([{ handle: 'this.queryRunner.manager', open: 'transaction', param: 'manager', shares: 'typeorm' }]);
    expect(wrapOf('e')).toEqual([undefined]);
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
    // A call on the pool itself says how a client is checked out of it; calls on a client checked out do not.
    expect(routerDbCalls.map((c) => c.checkout)).toEqual(['connect', undefined, undefined, undefined]);
  });

  it('router DB calls on a pool: by declared type (`Pool`, `pg.Pool`, `new Pool()`), or untyped by its name; a typed client is none', () => {
    const code = [
      "import pg, { type PoolClient } from 'pg';",
      "import { pool } from '../db.js';",
      'const shared = new pg.Pool();',
      'export function routes(router, typed: pg.Pool, one: PoolClient, client) {',
      "  router.post('/a', async () => { await pool.query('DELETE FROM a'); });",
      "  router.post('/b', async () => { await typed.query('DELETE FROM b'); });",
      "  router.post('/c', async () => { await shared.query('DELETE FROM c'); });",
      "  router.post('/d', async () => { await one.query('DELETE FROM d'); });",
      "  router.post('/e', async () => { await client.query('DELETE FROM e'); });",
      '}',
      '',
    ].join('\n');
    const { routerDbCalls } = analyze(code, 'src/routes/things.routes.ts', { presets: ['express', 'node-postgres'] });
    expect(routerDbCalls.map((c) => [c.route, c.checkout])).toEqual([
      ['POST /a', 'connect'],
      ['POST /b', 'connect'],
      ['POST /c', 'connect'],
      ['POST /d', undefined],
      ['POST /e', undefined],
    ]);
  });
});

describe('ormWriteTarget: the row an ORM write names, read off its arguments', () => {
  const call = (code: string) => {
    const source = ts.createSourceFile('x.ts', code, ts.ScriptTarget.ES2022, true);
    let found: ts.CallExpression | undefined;
    const visit = (node: ts.Node): void => {
      if (!found && ts.isCallExpression(node)) found = node;
      else ts.forEachChild(node, visit);
    };
    visit(source);
    return ormWriteTarget(found!);
  };
  it('Prisma: the id in `where`, else its only key; the literal fields of `data`; a create makes a row', () => {
    expect(call("tx.order.update({ where: { id: orderId }, data: { status: 'shipped', note } })")).toEqual({ key: 'orderId', keyField: 'id', inserts: false, literals: [['status', 'shipped']] });
    expect(call('tx.token.update({ where: { token }, data: { seen: true } })')).toEqual({ key: 'token', keyField: 'token', inserts: false, literals: [['seen', 'true']] });
    expect(call('tx.user.create({ data: { email } })')).toEqual({ inserts: true, literals: [] });
    // Two keys and no id: no one key names the row.
    expect(call('tx.member.delete({ where: { teamId, userId } })')).toBeUndefined();
    // A computed key is not read.
    expect(call('tx.user.update({ where: { id: ids[0] }, data: { name } })')).toBeUndefined();
  });
  it('TypeORM: the criteria argument (after the entity class) and the values after it', () => {
    expect(call("manager.update(Invoice, { id }, { status: 'paid' })")).toEqual({ key: 'id', keyField: 'id', inserts: false, literals: [['status', 'paid']] });
    expect(call('this.invoices.delete({ id: invoice.id })')).toEqual({ key: 'invoice.id', keyField: 'id', inserts: false, literals: [] });
    // The entity object it is given names the row.
    expect(call('this.articles.save(article)')).toEqual({ inserts: false, literals: [], entity: 'article' });
    expect(call('manager.remove(Order, order)')).toEqual({ inserts: false, literals: [], entity: 'order' });
    expect(call('manager.save(build(order))')).toBeUndefined();
  });
});
