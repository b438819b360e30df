import type { Preset } from './types.js';

/** Drizzle: `db.insert(t).values(…)`, `db.update(t).set(…)`, `db.delete(t)`, `db.transaction(cb)`. */
export const drizzle: Preset = {
  name: 'drizzle',
  kind: 'data',
  description: 'Drizzle ORM: db.insert / update / delete builders, db.select() and db.query.<table> reads, db.transaction(async tx => …)',
  enablers: ['drizzle-orm'],
  data: {
    handleNames: ['db', 'tx'],
    handleTypes: ['NodePgDatabase', 'PostgresJsDatabase', 'MySql2Database', 'BetterSQLite3Database', 'LibSQLDatabase', 'PgTransaction', 'PgDatabase', 'DrizzleD1Database', 'NeonHttpDatabase'],
    shapes: ['builder', 'delegate'],
    writeVerbs: ['insert', 'update', 'delete'],
    readVerbs: ['select', 'selectDistinct', 'findMany', 'findFirst', '$count'],
    sqlVerbs: ['execute'],
    scopeVerbs: ['transaction'],
    autocommit: true,
    transactionIdiom: '`db.transaction(async (tx) => …)`, every query made on `tx`',
    wrapScope: { open: 'transaction', param: 'tx' },
  },
};
