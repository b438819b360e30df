import { describe, expect, it } from 'vitest';
import { analyze, ROUTER_PATH } from './support.js';

/** The router DB calls of `code` (placed in a router file) as `call handle` strings. */
function routerCalls(code: string): string[] {
  return analyze(code, ROUTER_PATH).routerDbCalls.map((found) => `${found.call} ${found.handle}${found.strictOnly ? ' (strict)' : ''}`);
}

describe('DB handles: calls that are router DB calls', () => {
  const cases: [shape: string, code: string, expected: string[]][] = [
    ['a `db` variable', 'async function f(db) { await db.commit(); }', ['commit db']],
    ['a `session` variable', 'async function f(session) { await session.execute(q); }', ['execute session']],
    ['this.db', 'class R { async f() { await this.db.commit(); } }', ['commit this.db']],
    ['this.#db', 'class R { #db; async f() { await this.#db.commit(); } }', ['commit this.#db']],
    ['req.db', "async function f(req) { await req.db.execute('SELECT 1'); }", ['execute req.db']],
    ['ctx.session', 'async function f(ctx) { await ctx.session.commit(); }', ['commit ctx.session']],
    ['request[\'db\']', "async function f(request) { await request['db'].commit(); }", ["commit request['db']"]],
    ['a const alias', 'async function f(req) { const conn = req.db; await conn.commit(); }', ['commit conn']],
    ['an alias assigned later', 'class R { async f() { let x; x = this.db; await x.commit(); } }', ['commit x']],
    ['an alias of an alias', 'async function f(req) { const a = req.db; const b = a; await b.execute(q); }', ['execute b']],
    ['destructuring the handle', "async function f(request) { const { db } = request; await db.execute('SELECT 1'); }", ['execute db']],
    ['destructuring with a new name', 'async function f(request) { const { db: conn } = request; await conn.commit(); }', ['commit conn']],
    ['a destructured method', 'async function f(db) { const { commit } = db; await commit(); }', ['commit db']],
    ['a destructured, renamed method', "async function f(req) { const { execute: run } = req.db; await run('DELETE FROM t'); }", ['execute req.db']],
    ['optional access', 'async function f(db) { await db?.commit(); }', ['commit db']],
    ['optional handle', 'async function f(req) { await req?.db?.commit(); }', ['commit req?.db']],
    ['computed access', "async function f(db) { await db['commit'](); }", ['commit db']],
    ['optional computed access', "async function f(conn) { const db = conn; await db?.['commit'](); }", ['commit db']],
    ['a non-null assertion', 'async function f(req) { await req.db!.commit(); }', ['commit req.db']],
    ['a type assertion', 'async function f(req) { await (req.db as Session).commit(); }', ['commit req.db']],
    ['an alias used in a nested callback', 'async function f(req) { const conn = req.db; await items.map(async () => conn.commit()); }', ['commit conn']],
    ['a module-level alias', 'const conn = pool.db;\nexport async function f() { await conn.commit(); }', ['commit conn']],
    [
      'strict-only calls, marked',
      'async function f(db) { await db.rollback(); await db.flush(); await db.begin(); await db.query(q); }',
      ['rollback db (strict)', 'flush db (strict)', 'begin db (strict)', 'query db (strict)'],
    ],
    // Accepted imprecision: names decide, not types. A parameter named `db` is a handle even if it is a string.
    ['a parameter named db of another type (by name, documented)', 'function f(db: string) { (db as any).commit(); }', ['commit db']],
  ];
  it.each(cases)('%s', (_shape, code, expected) => {
    expect(routerCalls(code)).toEqual(expected);
  });
});

describe('DB handles: what is never a router DB call', () => {
  const cases: [shape: string, code: string][] = [
    ['a call in a line comment', 'async function f(db) {\n  // await db.commit();\n}'],
    ['a call in a block comment', 'async function f(db) { /* db.execute(q) */ }'],
    ['a call in a string', "const help = 'call db.commit() when done';"],
    ['a call in a template', 'const help = `db.execute(${sql})`;'],
    ['dbx', 'async function f(dbx) { await dbx.commit(); }'],
    ['git', 'async function f(git) { await git.commit(); }'],
    ['a property read through db', 'function f(settings) { return settings.db.name; }'],
    ['a handle passed as data', 'function f(req) { return use(req.db); }'],
    ['a method named execute on a non-handle', 'class R { async f() { await this.executor.execute(); } }'],
    ['runner.execute()', 'async function f(runner) { await runner.execute(q); }'],
    ['a handle method outside the forbidden list', 'async function f(db) { await db.close(); }'],
    ['an alias from another function', 'function a(req) { const conn = req.db; }\nasync function b(conn) { await conn.commit(); }'],
    ['a shadowing parameter', 'async function f(req) { const conn = req.db; return async (conn) => conn.commit(); }'],
    ['a destructured non-method', 'async function f(db) { const { status } = db; await status(); }'],
    ['a handle returned by a call', 'async function f(pool) { await pool.connect().commit(); }'],
  ];
  it.each(cases)('%s', (_shape, code) => {
    expect(routerCalls(code)).toEqual([]);
  });
});

describe('router DB calls: locations and routes', () => {
  const code = [
    "app.post('/organizations', async (request, reply) => {",
    '  const db = request.db;',
    "  await db.execute('INSERT INTO organizations (name) VALUES ($1)', [request.body.name]);",
    '  await db.commit();',
    '});',
    'export async function helper(db) { await db.commit(); }',
  ].join('\n');

  it('reports the call expression, 1-based', () => {
    const [execute, commit] = analyze(code, ROUTER_PATH).routerDbCalls;
    expect(execute).toMatchObject({ call: 'execute', line: 3, column: 9, endLine: 3 });
    expect(commit).toMatchObject({ call: 'commit', line: 4, column: 9, endLine: 4, endColumn: 20 });
    expect(code.slice(commit!.start, commit!.end)).toBe('db.commit()');
  });

  it('names the route a call sits in, and no route outside handlers', () => {
    const found = analyze(code, ROUTER_PATH).routerDbCalls.map((call) => call.route);
    expect(found).toEqual(['POST /organizations', 'POST /organizations', undefined]);
  });

  it('only reports in router files', () => {
    expect(analyze(code, 'src/modules/organization/organization.service.ts').routerDbCalls).toEqual([]);
    expect(analyze(code, 'src/modules/organization/helpers.ts').routerDbCalls).toEqual([]);
  });

  it('follows dbHandles and routerCalls from the settings', () => {
    const custom = analyze('async function f(tx, db) { await tx.save(); await db.commit(); }', ROUTER_PATH, {
      dbHandles: ['tx'],
      routerCalls: ['save'],
      strictRouterCalls: [],
    });
    expect(custom.routerDbCalls.map((call) => `${call.call} ${call.handle}`)).toEqual(['save tx']);
  });

  it('gives each call its kind by the configured commit and execute calls, never by its name', () => {
    const kinds = (code: string, settings?: Parameters<typeof analyze>[2]) =>
      analyze(code, ROUTER_PATH, settings).routerDbCalls.map((call) => `${call.call}:${call.kind}`);
    const code = 'async function f(db) { await db.execute(q); await db.query(q); await db.commit(); await db.rollback(); }';
    expect(kinds(code)).toEqual(['execute:execute', 'query:other', 'commit:commit', 'rollback:other']);
    // A stack whose commit is `save` and whose SQL runs through `query` (`execute` is no longer named at all).
    expect(kinds(code, { routerCalls: ['query', 'commit', 'save'], executeCalls: ['query'], commitCalls: ['save'] })).toEqual([
      'query:execute',
      'commit:other',
      'rollback:other',
    ]);
  });
});
