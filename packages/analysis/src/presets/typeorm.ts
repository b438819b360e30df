import type { Preset } from './types.js';

/** TypeORM: injected `Repository<T>`, `getRepository(...)`, `manager`, `dataSource.transaction(cb)`, query runners. */
export const typeorm: Preset = {
  name: 'typeorm',
  kind: 'data',
  description: 'TypeORM: Repository<T> (injected or from getRepository), EntityManager, dataSource.transaction(cb), queryRunner transactions, @Transaction()',
  enablers: ['typeorm', '@nestjs/typeorm'],
  data: {
    handleNames: ['manager', 'entityManager', 'dataSource', 'queryRunner'],
    handleNamePatterns: ['*Repository', '*Repo'],
    handleTypes: ['Repository<', 'TreeRepository<', 'MongoRepository<', 'EntityManager', 'DataSource', 'QueryRunner'],
    producers: ['getRepository', 'getTreeRepository', 'getCustomRepository', 'withRepository', 'createQueryRunner', 'createQueryBuilder'],
    shapes: ['direct'],
    writeVerbs: ['save', 'insert', 'update', 'upsert', 'delete', 'remove', 'softDelete', 'softRemove', 'restore', 'recover', 'increment', 'decrement', 'clear'],
    readVerbs: [
      'find', 'findBy', 'findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findAndCount', 'findAndCountBy',
      'count', 'countBy', 'exist', 'exists', 'existsBy', 'getMany', 'getOne', 'getOneOrFail', 'getRawMany', 'getRawOne',
      'getCount', 'getManyAndCount', 'sum', 'average', 'minimum', 'maximum',
    ],
    sqlVerbs: ['query'],
    beginVerbs: ['startTransaction'],
    commitVerbs: ['commitTransaction'],
    rollbackVerbs: ['rollbackTransaction'],
    scopeVerbs: ['transaction'],
    txDecorators: ['Transaction', 'Transactional'],
    autocommit: true,
    // An EntityManager or a DataSource opens the transaction itself and `manager` stands for it inside; an injected
    // repository joins through `manager.withRepository(repo)` (TypeORM's documented way for custom repositories too).
    wrapScope: {
      open: 'transaction',
      param: 'manager',
      managerNames: ['manager', 'entityManager', 'dataSource'],
      repository: { openOn: 'manager', use: 'withRepository' },
      never: ['queryRunner'],
      // Injected repositories and the manager come from the one data source of a usual application: a transaction on
      // one of them takes the others through `withRepository`. (A second data source, `@InjectRepository(E, 'other')`,
      // is not told apart.)
      shared: true,
    },
    transactionIdiom: '`dataSource.transaction(async (manager) => …)`, every write made through `manager` (`manager.withRepository(repo)` for an injected repository)',
  },
};
