import rule from '../../src/rules/require-outbox-event.js';
import { ROUTER, ruleTester, service, SERVICE, UNRELATED } from './rule-tester.js';

const W = "await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', [s, id]);";
const EV = "await this.outboxRepo.addEvent({ eventType: 'partner.updated' });";
const CM = 'await this.db.commit();';
const method = (body: string) => service(`  async update(id, s, ok) {\n    ${body.split('\n').join('\n    ')}\n  }`);

ruleTester.run('require-outbox-event', rule, {
  valid: [
    { name: 'event before the commit', filename: SERVICE, code: method(`${W}\n${EV}\n${CM}`) },
    { name: 'event on both branches', filename: SERVICE, code: method(`${W}\nif (ok) {\n  ${EV}\n} else {\n  ${EV}\n}\n${CM}`) },
    { name: 'event in a helper', filename: SERVICE, code: service(`  async update(id, s) { ${W} await this.emit(); ${CM} }\n  private async emit() { ${EV} }`) },
    { name: 'a read-only method', filename: SERVICE, code: method("return this.db.execute('SELECT * FROM partners');") },
    { name: 'a private method that writes', filename: SERVICE, code: service(`  private async update(id, s) { ${W} ${CM} }`) },
    { name: 'a static method that writes', filename: SERVICE, code: service(`  static async update(db, id, s) { await db.execute('DELETE FROM t'); }`) },
    { name: 'a class with no role', filename: UNRELATED, code: method(`${W}\n${CM}`) },
    { name: 'a router handler that only reads', filename: ROUTER, code: "app.get('/x', async (request) => request.db.execute('SELECT 1'));" },
  ],
  invalid: [
    {
      name: 'no outbox repository and no event',
      filename: SERVICE,
      code: service(`  async update(id, s) { ${W} ${CM} }`, 'constructor(private db: DbSession) {}'),
      errors: [
        { messageId: 'noOutboxRepository', line: 3, column: 9, endColumn: 15 },
        { messageId: 'noEvent', line: 3, column: 9 },
      ],
    },
    { name: 'no event', filename: SERVICE, code: method(`${W}\n${CM}`), errors: [{ messageId: 'noEvent', line: 3 }] },
    { name: 'event after the commit', filename: SERVICE, code: method(`${W}\n${CM}\n${EV}`), errors: [{ messageId: 'eventAfterCommitOnLine', line: 6 }] },
    { name: 'event on one branch only', filename: SERVICE, code: method(`${W}\nif (ok) {\n  ${EV}\n}\n${CM}`), errors: [{ messageId: 'eventMissingAtCommit', line: 8 }] },
    { name: 'early return with a commit', filename: SERVICE, code: method(`${W}\nif (ok) {\n  ${CM}\n  return;\n}\n${EV}\n${CM}`), errors: [{ messageId: 'eventMissingAtCommit', line: 6 }] },
    { name: 'an arrow-function property', filename: SERVICE, code: service(`  update = async (id, s) => { ${W} ${CM} };`), errors: [{ messageId: 'noEvent', line: 3, column: 3 }] },
    {
      name: 'a router handler that writes',
      filename: ROUTER,
      code: "app.post('/organizations', async (request) => {\n  await request.db.execute('INSERT INTO organizations DEFAULT VALUES');\n  await request.db.commit();\n});",
      errors: [
        { messageId: 'noOutboxRepositoryInRouter', line: 1, column: 10, endColumn: 26 },
        { messageId: 'noEvent', line: 1, column: 10 },
      ],
    },
  ],
});
