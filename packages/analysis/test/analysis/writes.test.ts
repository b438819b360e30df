import { describe, expect, it } from 'vitest';
import { analyze, serviceWith } from './support.js';

/**
 * A public method that runs `execute(<sql>)` on a handle is an operation exactly when the SQL is a write, so the
 * operation list tells whether the analysis took the statement for a write.
 */
function isWrite(sqlArgument: string, prelude = '', settings?: Parameters<typeof analyze>[2]): boolean {
  const code = `${prelude}\n${serviceWith(`  async run(id: string, table: string) { await this.db.execute(${sqlArgument}, [id]); }`)}`;
  return analyze(code, undefined, settings).operations.some((op) => op.method === 'run');
}

describe('write detection', () => {
  const cases: [shape: string, sqlArgument: string, prelude: string, write: boolean][] = [
    ['INSERT in a string', "'INSERT INTO partners (id) VALUES ($1)'", '', true],
    ['UPDATE in a template', '`UPDATE partners SET name = $2 WHERE id = $1`', '', true],
    ['DELETE in a template head', '`DELETE FROM ${table} WHERE id = $1`', '', true],
    ['MERGE', "'MERGE INTO stock s USING incoming i ON s.id = i.id WHEN MATCHED THEN UPDATE SET qty = i.qty'", '', true],
    ['lower case', "'insert into partners (id) values ($1)'", '', true],
    ['after whitespace, comments and parentheses', "'\\n  -- audit\\n  /* why */ ((INSERT INTO log VALUES ($1)))'", '', true],
    ['a WITH that deletes', "'WITH gone AS (DELETE FROM carts RETURNING id) SELECT count(*) FROM gone'", '', true],
    ['a WITH that inserts after a substitution', '`WITH src AS (SELECT * FROM ${table}) INSERT INTO archive SELECT * FROM src`', '', true],
    ['a WITH that only reads', "'WITH recent AS (SELECT * FROM orders) SELECT * FROM recent'", '', false],
    ['a SELECT', "'SELECT * FROM partners WHERE id = $1'", '', false],
    ['a SELECT … FOR UPDATE', "'SELECT * FROM partners WHERE id = $1 FOR UPDATE'", '', false],
    ['a SELECT template with substitutions', '`SELECT * FROM ${table} WHERE id = $1`', '', false],
    ['a module const holding an INSERT', 'INSERT_PARTNER', "const INSERT_PARTNER = 'INSERT INTO partners (id) VALUES ($1)';", true],
    ['a module const holding a SELECT', 'FIND_PARTNER', "const FIND_PARTNER = `SELECT * FROM partners WHERE id = $1`;", false],
    ['a const of a const', 'B', "const A = 'UPDATE t SET x = 1';\nconst B = A;", true],
    ['the left-most part of a concatenation', "'INSERT INTO ' + table + ' VALUES ($1)'", '', true],
    ['a concatenation that reads', "'SELECT * FROM ' + table", '', false],
    ['a tagged template', 'sql`UPDATE partners SET active = false WHERE id = ${id}`', '', true],
    ['a call building the SQL (unresolvable)', 'buildSql(table)', '', true],
    ['a parameter (unresolvable)', 'table', '', true],
    ['a template that starts with a substitution (unresolvable)', '`${table}`', '', true],
  ];
  it.each(cases)('%s', (_shape, sqlArgument, prelude, write) => {
    expect(isWrite(sqlArgument, prelude)).toBe(write);
  });

  it('a module const declared below the class that uses it', () => {
    const code = `${serviceWith('  async run() { await this.db.execute(FIND); }\n  async save() { await this.db.execute(SAVE); }')}\nconst FIND = 'SELECT 1';\nconst SAVE = 'UPDATE t SET x = 1';`;
    expect(analyze(code).operations.map((op) => op.method)).toEqual(['save']);
  });

  it('a local const inside the method', () => {
    const code = serviceWith("  async run() { const sql = 'SELECT 1'; await this.db.execute(sql); }\n  async save() { const sql = 'DELETE FROM t'; await this.db.execute(sql); }");
    expect(analyze(code).operations.map((op) => op.method)).toEqual(['save']);
  });

  it('unresolvable SQL is a read when unresolvedSqlIsWrite is off', () => {
    expect(isWrite('buildSql(table)', '', { unresolvedSqlIsWrite: false })).toBe(false);
    expect(isWrite("'INSERT INTO t VALUES (1)'", '', { unresolvedSqlIsWrite: false })).toBe(true);
  });

  it('follows writeStatements from the settings', () => {
    expect(isWrite("'UPSERT INTO t VALUES (1)'", '', { writeStatements: ['UPSERT'] })).toBe(true);
    expect(isWrite("'INSERT INTO t VALUES (1)'", '', { writeStatements: ['UPSERT'] })).toBe(false);
  });

  it('commit alone is not a write', () => {
    expect(analyze(serviceWith('  async save() { await this.db.commit(); }')).operations).toEqual([]);
  });

  it('a method merely named execute on a non-handle is not a write', () => {
    const code = serviceWith("  async run() { await this.executor.execute('INSERT INTO t VALUES (1)'); }");
    expect(analyze(code).operations).toEqual([]);
  });
});
