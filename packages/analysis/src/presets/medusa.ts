import type { Preset } from './types.js';

/**
 * Medusa's module services, written on MikroORM: a service method decorated `@InjectTransactionManager()` runs in a
 * transaction the decorator opens and commits when the method returns; the module's internal services and
 * repositories (`this.customerService_.create(data, sharedContext)`) are its DB handles, recognised by their declared
 * types. `@InjectManager()` hands a manager in but opens no transaction.
 */
export const medusa: Preset = {
  name: 'medusa',
  kind: 'data',
  description: 'Medusa module services: this.<x>Service_ / <x>Repository_ (IMedusaInternalService, RepositoryService) create / update / delete, @InjectTransactionManager() transactions',
  enablers: ['@medusajs/framework', '@medusajs/utils', '@medusajs/modules-sdk'],
  data: {
    handleTypes: ['IMedusaInternalService<', 'RepositoryService'],
    shapes: ['direct'],
    writeVerbs: ['create', 'update', 'delete', 'softDelete', 'restore', 'upsert', 'upsertWithReplace'],
    readVerbs: ['retrieve', 'list', 'listAndCount', 'find', 'findAndCount'],
    txDecorators: ['InjectTransactionManager'],
    autocommit: true,
  },
};
