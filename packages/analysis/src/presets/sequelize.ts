import type { Preset } from './types.js';

/** Sequelize: statics of classes that extend `Model`, instance `save`/`destroy`, managed and unmanaged transactions. */
export const sequelize: Preset = {
  name: 'sequelize',
  kind: 'data',
  description: 'Sequelize: Model statics (Group.create / update / destroy), instance save / destroy / increment, sequelize.transaction(cb) and t.commit()',
  enablers: ['sequelize', 'sequelize-typescript'],
  data: {
    handleNames: ['sequelize', 'models'],
    handleTypes: ['Sequelize'],
    txProducers: ['transaction'],
    shapes: ['direct', 'delegate'],
    modelBases: ['Model'],
    modelImports: ['model'],
    writeVerbs: ['create', 'bulkCreate', 'update', 'destroy', 'upsert', 'increment', 'decrement', 'restore', 'truncate', 'findOrCreate'],
    readVerbs: ['findAll', 'findOne', 'findByPk', 'findAndCountAll', 'count', 'max', 'min', 'sum'],
    sqlVerbs: ['query'],
    commitVerbs: ['commit'],
    rollbackVerbs: ['rollback'],
    scopeVerbs: ['transaction'],
    instanceWriteVerbs: ['save', 'destroy', 'update', 'increment', 'decrement', 'restore'],
    instanceProducers: ['findByPk', 'findOne', 'build', 'create', 'findOrCreate'],
    txOption: 'transaction',
    autocommit: true,
    transactionIdiom: '`sequelize.transaction(async (t) => …)`, every call given `{ transaction: t }`',
  },
};
