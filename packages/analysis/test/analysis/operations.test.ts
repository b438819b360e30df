import { describe, expect, it } from 'vitest';
import { analyze, lineWith, ROUTER_PATH, SERVICE_PATH, serviceWith } from './support.js';

const WRITE = "await this.db.execute('UPDATE partners SET active = $1', [x]);";
const READ = "await this.db.execute('SELECT * FROM partners');";

function operationNames(members: string): string[] {
  return analyze(serviceWith(members)).operations.map((op) => op.method);
}

describe('service operations: which members', () => {
  const cases: [shape: string, members: string, expected: string[]][] = [
    ['a public method that writes', `  async save(x) { ${WRITE} }`, ['save']],
    ['a public method that only reads', `  async find() { ${READ} }`, []],
    ['an arrow-function property', `  save = async (x) => { ${WRITE} };`, ['save']],
    ['a function-expression property', `  save = async function (x) { ${WRITE} };`, ['save']],
    ['an explicitly public method', `  public async save(x) { ${WRITE} }`, ['save']],
    ['a static method', `  static async save(x) { ${WRITE} }`, []],
    ['a private method', `  private async save(x) { ${WRITE} }`, []],
    ['a protected method', `  protected async save(x) { ${WRITE} }`, []],
    ['a #private method', `  async #save(x) { ${WRITE} }`, []],
    ['an _underscored method', `  async _save(x) { ${WRITE} }`, []],
    ['a private arrow property', `  private save = async (x) => { ${WRITE} };`, []],
    ['a getter', `  get saved() { void this.db.execute('DELETE FROM t'); return 1; }`, []],
    ['a setter', `  set saved(x) { void this.db.execute('DELETE FROM t'); }`, []],
    ['a write in a nested callback', `  async saveAll(items) { await Promise.all(items.map(async (x) => { ${WRITE} })); }`, ['saveAll']],
    ['a write through a private helper', `  async save(x) { await this.persist(x); }\n  private async persist(x) { ${WRITE} }`, ['save']],
    ['a write through a #helper', `  async save(x) { await this.#persist(x); }\n  async #persist(x) { ${WRITE} }`, ['save']],
    ['a write through an arrow helper', `  async save(x) { await this.persist(x); }\n  private persist = async (x) => { ${WRITE} };`, ['save']],
    [
      'a write through helpers, transitively',
      `  async save(x) { await this.prepare(x); }\n  private async prepare(x) { await this._persist(x); }\n  private async _persist(x) { ${WRITE} }`,
      ['save'],
    ],
    ['recursive helpers', `  async save(x) { await this.a(x); }\n  private async a(x) { await this.b(x); }\n  private async b(x) { if (x) await this.a(x - 1); ${WRITE} }`, ['save']],
    [
      'a public method calling a public one does not inherit its writes',
      `  async onCreated(x) { await this.save(x); }\n  async save(x) { ${WRITE} }`,
      ['save'],
    ],
    ['a helper of another object', `  async save(x) { await this.other.persist(x); }`, []],
    ['a module function that writes', `  async save(x) { await persist(this.db, x); }`, []],
  ];
  it.each(cases)('%s', (_shape, members, expected) => {
    expect(operationNames(members)).toEqual(expected);
  });

  it('every class of the file, in source order, with its module and location', () => {
    const code = `export class A {\n  async a() { await this.db.execute('DELETE FROM a'); }\n}\nexport class B {\n  async b() { await this.db.execute('DELETE FROM b'); }\n}\n`;
    const operations = analyze(code).operations;
    expect(operations.map((op) => [op.className, op.method, op.kind, op.module, op.file, op.line, op.column])).toEqual([
      ['A', 'a', 'service', 'partners', SERVICE_PATH, 2, 9],
      ['B', 'b', 'service', 'partners', SERVICE_PATH, 5, 9],
    ]);
    const [a] = operations;
    expect(code.slice(a!.nameSpan.start, a!.nameSpan.end)).toBe('a');
    expect(code.slice(a!.span.start, a!.span.end)).toBe("async a() { await this.db.execute('DELETE FROM a'); }");
    expect(code.slice(a!.firstWrite.start, a!.firstWrite.end)).toBe("this.db.execute('DELETE FROM a')");
  });

  it('an arrow property spans its whole declaration', () => {
    const code = serviceWith(`  save = async (x) => { ${WRITE} };`);
    const [op] = analyze(code).operations;
    expect(code.slice(op!.span.start, op!.span.end)).toBe(`save = async (x) => { ${WRITE} };`);
  });

  it('firstWrite points at the helper call when the write is in a helper', () => {
    const code = serviceWith(`  async save(x) {\n    ${READ}\n    await this.persist(x);\n  }\n  private async persist(x) { ${WRITE} }`);
    const [op] = analyze(code).operations;
    expect(op!.firstWrite.line).toBe(lineWith(code, 'this.persist(x);'));
  });

  it('only service files have service operations', () => {
    const code = serviceWith(`  async save(x) { ${WRITE} }`);
    expect(analyze(code, 'src/modules/partners/partner.repository.ts').operations).toEqual([]);
    expect(analyze(code, ROUTER_PATH).operations).toEqual([]);
  });
});

describe('router operations: route handlers that write', () => {
  const handler = "async (request, reply) => { await request.db.execute('INSERT INTO organizations (name) VALUES ($1)', [request.body.name]); await request.db.commit(); }";
  const cases: [shape: string, code: string, expected: string[]][] = [
    ['app.post(path, handler)', `app.post('/organizations', ${handler});`, ['POST /organizations']],
    ['app.put(path, options, handler)', `app.put('/organizations/:id', { schema: { body } }, ${handler});`, ['PUT /organizations/:id']],
    ['a template path', `app.patch(\`/organizations/:id\`, ${handler});`, ['PATCH /organizations/:id']],
    ['any receiver', `fastify.delete('/organizations/:id', ${handler});`, ['DELETE /organizations/:id']],
    ['app.all', `router.all('/organizations', ${handler});`, ['ALL /organizations']],
    ['app.route({ method, url, handler })', `app.route({ method: 'POST', url: '/organizations', schema: {}, handler: ${handler} });`, ['POST /organizations']],
    ['app.route with a method list', `app.route({ method: ['PUT', 'PATCH'], url: '/organizations', ${'handler'}: ${handler} });`, ['PUT,PATCH /organizations']],
    ['app.route with a handler method', "app.route({ method: 'DELETE', url: '/x', async handler(request) { await request.db.execute('DELETE FROM x'); } });", ['DELETE /x']],
    [
      'a computed path falls back to the handler name',
      "app.post(PATHS.create, async function createOrganization(request) { await request.db.execute('INSERT INTO o DEFAULT VALUES'); });",
      ['createOrganization'],
    ],
    ['a computed path and an anonymous handler', `app.post(PATHS.create, ${handler});`, ['POST PATHS.create']],
    ['a handler that only reads', "app.get('/organizations', async (request) => request.db.execute('SELECT * FROM organizations'));", []],
    ['a handler that only commits', "app.post('/flush', async (request) => { await request.db.commit(); });", []],
    ['a handler that delegates to a service', "app.post('/partners', async (request) => new PartnerService(request.db).createPartner(request.body));", []],
    ['a write in a loop callback', "app.post('/bulk', async (request) => { await Promise.all(request.body.rows.map((row) => request.db.execute('INSERT INTO t VALUES ($1)', [row]))); });", ['POST /bulk']],
    ['a named handler, not inline', "app.post('/organizations', createOrganization);", []],
  ];
  it.each(cases)('%s', (_shape, code, expected) => {
    expect(analyze(`export function register(app, fastify, router) {\n${code}\n}`, ROUTER_PATH).operations.map((op) => op.method)).toEqual(expected);
  });

  it('has kind router, no class, the route line and the path literal as its name span', () => {
    const code = `export function register(app) {\n  app.post(\n    '/organizations',\n    ${handler},\n  );\n}`;
    const [op] = analyze(code, ROUTER_PATH).operations;
    expect(op).toMatchObject({ kind: 'router', method: 'POST /organizations', module: 'organization', line: 2, column: 3 });
    expect(op!.className).toBeUndefined();
    expect(code.slice(op!.nameSpan.start, op!.nameSpan.end)).toBe("'/organizations'");
    expect(code.slice(op!.span.start, op!.span.end)).toBe(handler);
  });

  it('route handlers are operations only in router files', () => {
    expect(analyze(`app.post('/organizations', ${handler});`, 'src/app.ts').operations).toEqual([]);
  });
});
