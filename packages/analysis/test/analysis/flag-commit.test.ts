import { describe, expect, it } from 'vitest';
import { analyze, missingOf, operation, ROUTER_PATH, serviceWith } from './support.js';

const W = "await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', [s, id]);";

const cases: [shape: string, members: string, commit: boolean][] = [
  ['a commit in the method', `  async op(id, s) { ${W} await this.db.commit(); }`, true],
  ['a conditional commit', `  async op(id, s) { ${W} if (s) await this.db.commit(); }`, true],
  ['a commit in a callback', `  async op(id, s) { await this.tx(async () => { ${W} await this.db.commit(); }); }`, true],
  ['a commit through a private helper', `  async op(id, s) { ${W} await this.finish(); }\n  private async finish() { await this.db.commit(); }`, true],
  ['a commit through a #helper', `  async op(id, s) { ${W} await this.#finish(); }\n  async #finish() { await this.db.commit(); }`, true],
  ['a commit on a local handle from a factory', `  async op(id, s) { const db = this.sessionFactory(); await db.execute('DELETE FROM t'); await db.commit(); }`, true],
  ['a destructured commit', `  async op(id, s) { ${W} const { commit } = this.db; await commit(); }`, true],
  ['no commit', `  async op(id, s) { ${W} }`, false],
  ['a commit only in a public method it calls', `  async op(id, s) { ${W} await this.save(); }\n  async save() { await this.db.commit(); }`, false],
  ['a rollback is not a commit', `  async op(id, s) { ${W} await this.db.rollback(); }`, false],
  ['a commit on something that is not a handle', `  async op(id, s) { ${W} await this.git.commit(); }`, false],
];

describe('the commit flag', () => {
  it.each(cases)('%s', (_shape, members, commit) => {
    const op = operation(serviceWith(members), 'op');
    expect(op.commit).toBe(commit);
    const missing = missingOf(op, 'commit');
    expect(missing === undefined).toBe(commit);
    if (missing) {
      expect(missing.reason).toBe('commit-left-to-router');
      expect(missing.message).toMatch(/the router \(or nobody\) commits/);
      expect(missing.line).toBe(3);
    }
  });

  it('is false for a router handler, which commits in the router', () => {
    const code = "app.post('/x', async (request) => { await request.db.execute('INSERT INTO x DEFAULT VALUES'); await request.db.commit(); });";
    const [op] = analyze(code, ROUTER_PATH).operations;
    expect(op!.commit).toBe(false);
    expect(missingOf(op!, 'commit')).toMatchObject({ reason: 'commit-left-to-router', message: expect.stringMatching(/commits in the router/) });
  });

  it('says nobody commits when a router handler does not commit either', () => {
    const code = "app.post('/x', async (request) => { await request.db.execute('INSERT INTO x DEFAULT VALUES'); });";
    const [op] = analyze(code, ROUTER_PATH).operations;
    expect(missingOf(op!, 'commit')?.message).toMatch(/^Nothing commits the writes of POST \/x/);
  });
});
