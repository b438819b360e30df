import type { Preset } from './types.js';

/** Prisma: `prisma.<model>.<verb>()`, `$transaction` with a callback or an array, raw SQL as tagged templates. */
export const prisma: Preset = {
  name: 'prisma',
  kind: 'data',
  description: 'Prisma: prisma.<model>.create / update / delete …, $transaction(async tx => …) or $transaction([…]), $executeRaw`…`',
  enablers: ['@prisma/client', 'prisma'],
  data: {
    handleNames: ['prisma', 'prismaClient', 'prismaService', 'db'],
    handleTypes: ['Prisma'],
    shapes: ['delegate', 'direct'],
    writeVerbs: ['create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany'],
    readVerbs: ['findMany', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy'],
    sqlVerbs: ['$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe'],
    sqlTags: ['$executeRaw', '$queryRaw'],
    scopeVerbs: ['$transaction'],
    autocommit: true,
    transactionIdiom: '`prisma.$transaction(async (tx) => …)`, every call made on `tx`',
    wrapScope: { open: '$transaction', param: 'tx' },
  },
};
