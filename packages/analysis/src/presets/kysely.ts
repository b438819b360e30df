import type { Preset } from './types.js';

/** Kysely: `insertInto / updateTable / deleteFrom … execute()`, `db.transaction().execute(async trx => …)`. */
export const kysely: Preset = {
  name: 'kysely',
  kind: 'data',
  description: 'Kysely: db.insertInto / updateTable / deleteFrom … execute(), db.selectFrom reads, db.transaction().execute(async trx => …)',
  enablers: ['kysely'],
  data: {
    handleNames: ['db', 'trx'],
    handleTypes: ['Kysely<', 'Transaction<'],
    shapes: ['builder'],
    writeVerbs: ['insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto'],
    readVerbs: ['selectFrom'],
    scopeVerbs: ['transaction'],
    autocommit: true,
    transactionIdiom: '`db.transaction().execute(async (trx) => …)`, every query made on `trx`',
    wrapScope: { open: 'transaction().execute', param: 'trx' },
  },
};
