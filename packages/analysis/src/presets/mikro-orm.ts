import type { Preset } from './types.js';

/** MikroORM: the unit of work — `persist` stages, `flush` commits — and `em.transactional(cb)` / `@Transactional()`. */
export const mikroOrm: Preset = {
  name: 'mikro-orm',
  kind: 'data',
  description: 'MikroORM: em.persist / remove then em.flush, persistAndFlush, nativeUpdate / nativeDelete, em.transactional(cb), @Transactional()',
  enablers: ['@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/mysql', '@mikro-orm/sqlite', '@mikro-orm/nestjs'],
  data: {
    handleNames: ['em', 'entityManager'],
    handleNamePatterns: ['*Repository', '*Repo'],
    handleTypes: ['EntityManager', 'EntityRepository<', 'SqlEntityManager'],
    producers: ['fork', 'getRepository', 'getEntityManager'],
    shapes: ['direct'],
    writeVerbs: [
      'persist', 'remove', 'create', 'persistAndFlush', 'removeAndFlush', 'nativeInsert', 'nativeUpdate', 'nativeDelete',
      'insert', 'insertMany', 'upsert', 'upsertMany', 'flush',
    ],
    readVerbs: ['find', 'findOne', 'findOneOrFail', 'findAll', 'findAndCount', 'findByCursor', 'count'],
    sqlVerbs: ['execute'],
    beginVerbs: ['begin'],
    // `flush` writes what the unit of work holds and commits it; the native calls run at once.
    commitVerbs: ['flush', 'commit', 'persistAndFlush', 'removeAndFlush', 'nativeInsert', 'nativeUpdate', 'nativeDelete', 'insert', 'insertMany', 'upsert', 'upsertMany'],
    rollbackVerbs: ['rollback'],
    scopeVerbs: ['transactional'],
    txDecorators: ['Transactional'],
    autocommit: false,
  },
};
