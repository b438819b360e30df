import rule from '../../src/rules/no-db-in-router.js';
import { ROUTER, ruleTester, SERVICE, UNRELATED } from './rule-tester.js';

/** A route's handler: a DB call in it is reported with the route (the `…InRoute` messages). */
const handler = (body: string) => `export function register(app) {\n  app.post('/organizations', async (request, reply) => {\n    ${body}\n  });\n}\n`;

ruleTester.run('no-db-in-router', rule, {
  valid: [
    { name: 'a router that calls a service', filename: ROUTER, code: handler('return new OrganizationService(request.db).create(request.body);') },
    { name: 'a call in a comment', filename: ROUTER, code: handler('// await request.db.commit();') },
    { name: 'a call in a string', filename: ROUTER, code: handler("reply.send('call db.commit() later');") },
    { name: 'a call in a template', filename: ROUTER, code: handler('reply.send(`db.execute(${sql})`);') },
    { name: 'dbx', filename: ROUTER, code: handler('await request.dbx.commit();') },
    { name: 'git.commit()', filename: ROUTER, code: handler('await git.commit();') },
    { name: 'a property read', filename: ROUTER, code: handler('return settings.db.name;') },
    { name: 'a method named execute on a non-handle', filename: ROUTER, code: 'class R { async f() { await this.executor.execute(); } }' },
    { name: 'runner.execute()', filename: ROUTER, code: handler('await runner.execute(job);') },
    { name: 'an alias of another function', filename: ROUTER, code: 'function a(req) { const conn = req.db; }\nasync function b(conn) { await conn.commit(); }' },
    { name: 'a strict-only call without the option', filename: ROUTER, code: handler('await request.db.rollback();') },
    { name: 'a DB call in a service file', filename: SERVICE, code: 'export async function f(db) { await db.commit(); }' },
    { name: 'a DB call in a file with no role', filename: UNRELATED, code: 'export async function f(db) { await db.commit(); }' },
    { name: 'a DB call in a router test', filename: 'src/modules/organization/router.test.ts', code: 'await db.commit();' },
    { name: 'calls replaced by the option', filename: ROUTER, code: handler('await request.db.commit();'), options: [{ calls: ['query'] }] },
  ],
  invalid: [
    {
      name: 'request.db.execute and commit',
      filename: ROUTER,
      code: handler("await request.db.execute('INSERT INTO organizations (name) VALUES ($1)', [request.body.name]);\n    await request.db.commit();"),
      errors: [
        { messageId: 'dbCallInRoute', line: 3, column: 11, endLine: 3, data: { handle: 'request.db', call: 'execute', route: 'POST /organizations' } },
        { messageId: 'commitInRoute', line: 4, column: 11, endColumn: 30, data: { handle: 'request.db', call: 'commit', route: 'POST /organizations' } },
      ],
    },
    { name: 'a db parameter', filename: ROUTER, code: 'export async function save(db) {\n  await db.commit();\n}', errors: [{ messageId: 'commitInRouter', line: 2 }] },
    { name: 'this.db', filename: ROUTER, code: 'class R { async f() { await this.db.commit(); } }', errors: [{ messageId: 'commitInRouter' }] },
    { name: 'ctx.session', filename: ROUTER, code: 'async function f(ctx) { await ctx.session.execute(q); }', errors: [{ messageId: 'dbCallInRouter' }] },
    { name: 'a const alias', filename: ROUTER, code: handler('const db = request.db;\n    await db.commit();'), errors: [{ messageId: 'commitInRoute', line: 4 }] },
    { name: 'an alias assigned later', filename: ROUTER, code: handler('let conn;\n    conn = request.db;\n    await conn.commit();'), errors: [{ messageId: 'commitInRoute', line: 5 }] },
    { name: 'destructuring', filename: ROUTER, code: handler("const { db } = request;\n    await db.execute('SELECT 1');"), errors: [{ messageId: 'dbCallInRoute', line: 4 }] },
    { name: 'destructuring with a new name', filename: ROUTER, code: handler('const { db: conn } = request;\n    await conn.commit();'), errors: [{ messageId: 'commitInRoute', line: 4 }] },
    { name: 'a destructured method', filename: ROUTER, code: handler('const { commit } = request.db;\n    await commit();'), errors: [{ messageId: 'commitInRoute', line: 4, data: { handle: 'request.db', call: 'commit', route: 'POST /organizations' } }] },
    { name: 'a destructured, renamed method', filename: ROUTER, code: handler("const { execute: run } = request.db;\n    await run('DELETE FROM t');"), errors: [{ messageId: 'dbCallInRoute', line: 4 }] },
    { name: 'optional access', filename: ROUTER, code: handler('await request.db?.commit();'), errors: [{ messageId: 'commitInRoute' }] },
    { name: 'computed access', filename: ROUTER, code: handler("await request.db['commit']();"), errors: [{ messageId: 'commitInRoute' }] },
    { name: 'a JavaScript router', filename: 'src/routes/orders.js', code: 'export async function save(db) { await db.commit(); }', errors: [{ messageId: 'commitInRouter' }] },
    {
      name: 'strict-only calls with includeStrictCalls',
      filename: ROUTER,
      code: handler('await request.db.rollback();\n    await request.db.query(q);\n    await request.db.commit();'),
      options: [{ includeStrictCalls: true }],
      errors: [
        { messageId: 'dbCallInRoute', line: 3, data: { handle: 'request.db', call: 'rollback', route: 'POST /organizations' } },
        { messageId: 'dbCallInRoute', line: 4, data: { handle: 'request.db', call: 'query', route: 'POST /organizations' } },
        { messageId: 'commitInRoute', line: 5 },
      ],
    },
    {
      name: 'the calls option replaces the forbidden list',
      filename: ROUTER,
      code: handler('await request.db.query(q);\n    await request.db.commit();'),
      options: [{ calls: ['query'] }],
      errors: [{ messageId: 'dbCallInRoute', line: 3 }],
    },
    {
      name: 'handles and routers from settings.outbox',
      filename: 'src/http/orders.ts',
      code: 'export async function save(tx) { await tx.commit(); }',
      settings: { outbox: { routerFiles: ['**/http/**/*.ts'], dbHandles: ['tx'] } },
      errors: [{ messageId: 'commitInRouter' }],
    },
  ],
});
