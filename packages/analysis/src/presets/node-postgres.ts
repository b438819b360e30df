import type { Preset } from './types.js';

/** node-postgres: SQL through `pool.query` / `client.query`; `BEGIN`/`COMMIT`/`ROLLBACK` are statements too. */
export const nodePostgres: Preset = {
  name: 'node-postgres',
  kind: 'data',
  description: 'node-postgres (pg): pool.query / client.query with SQL, BEGIN / COMMIT / ROLLBACK on a client from pool.connect()',
  enablers: ['pg', 'pg-pool', '@types/pg'],
  data: {
    handleNames: ['pool', 'client', 'pgPool', 'pgClient', 'db', 'conn', 'connection'],
    handleTypes: ['Pool', 'PoolClient', 'pg.Client', 'ClientBase'],
    producers: ['connect'],
    pools: { names: ['pool', 'pgPool'], types: ['Pool', 'pg.Pool'], checkout: 'connect' },
    shapes: ['direct'],
    writeVerbs: [],
    readVerbs: [],
    sqlVerbs: ['query'],
    sqlTransactionControl: true,
    autocommit: true,
    transactionIdiom: "a client checked out with `pool.connect()`, between `client.query('BEGIN')` and `client.query('COMMIT')`",
  },
};
