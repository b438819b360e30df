import type { Preset } from './types.js';

/**
 * The reference runtime's own style, always on: `db.execute(sql, params)` in a lazily begun transaction,
 * `db.commit()`, `db.rollback()`. Its names are the config's base keys (`dbHandles`, `executeCalls`, `commitCalls`,
 * `routerCalls`), so this preset declares nothing of its own.
 */
export const session: Preset = {
  name: 'session',
  kind: 'data',
  description: "The runtime's session style: db.execute(sql) in a lazily begun transaction, db.commit(), db.rollback() (dbHandles, executeCalls, commitCalls)",
  enablers: [],
};
