import rule from '../../src/rules/require-service-commit.js';
import { ROUTER, ruleTester, service, SERVICE, UNRELATED } from './rule-tester.js';

const W = "await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', [s, id]);";

ruleTester.run('require-service-commit', rule, {
  valid: [
    { name: 'a commit in the method', filename: SERVICE, code: service(`  async update(id, s) { ${W} await this.db.commit(); }`) },
    { name: 'a conditional commit', filename: SERVICE, code: service(`  async update(id, s) { ${W} if (s) await this.db.commit(); }`) },
    { name: 'a commit in a private helper', filename: SERVICE, code: service(`  async update(id, s) { ${W} await this.finish(); }\n  private async finish() { await this.db.commit(); }`) },
    { name: 'a commit on a factory session', filename: SERVICE, code: service("  async update(id) { const db = this.sessionFactory(); await db.execute('DELETE FROM t'); await db.commit(); }") },
    { name: 'a read-only method', filename: SERVICE, code: service("  async find() { return this.db.execute('SELECT 1'); }") },
    { name: 'a file with no role', filename: UNRELATED, code: service(`  async update(id, s) { ${W} }`) },
  ],
  invalid: [
    { name: 'no commit', filename: SERVICE, code: service(`  async update(id, s) { ${W} }`), errors: [{ messageId: 'commitLeftToRouter', line: 3, column: 9, endColumn: 15 }] },
    {
      name: 'a commit only in a public method it calls',
      filename: SERVICE,
      code: service(`  async update(id, s) { ${W} await this.save(); }\n  async save() { await this.db.commit(); }`),
      errors: [{ messageId: 'commitLeftToRouter', line: 3 }],
    },
    {
      name: 'a router handler',
      filename: ROUTER,
      code: "app.delete('/x/:id', async (request) => {\n  await request.db.execute('DELETE FROM x WHERE id = $1', [request.params.id]);\n  await request.db.commit();\n});",
      errors: [{ messageId: 'commitInRouterHandler', line: 1, column: 12 }],
    },
  ],
});
