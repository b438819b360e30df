import type { Preset } from './types.js';

/** Knex: `knex('t')` and `trx('t')` chains, `knex.raw`, `knex.transaction(cb)` and `trx.commit()`. */
export const knex: Preset = {
  name: 'knex',
  kind: 'data',
  description: "Knex: knex('items').insert / update / del chains, knex.raw(sql), knex.transaction(async trx => …) or trx.commit()",
  enablers: ['knex'],
  data: {
    handleNames: ['knex', 'db', 'trx', 'database'],
    handleTypes: ['Knex'],
    txProducers: ['transaction'],
    shapes: ['callable', 'direct'],
    writeVerbs: ['insert', 'update', 'del', 'delete', 'upsert', 'increment', 'decrement', 'truncate', 'merge'],
    readVerbs: ['select', 'first', 'pluck', 'count', 'from'],
    sqlVerbs: ['raw'],
    commitVerbs: ['commit'],
    rollbackVerbs: ['rollback'],
    scopeVerbs: ['transaction'],
    autocommit: true,
    transactionIdiom: '`knex.transaction(async (trx) => …)`, every query made on `trx`',
    wrapScope: { open: 'transaction', param: 'trx' },
  },
};
