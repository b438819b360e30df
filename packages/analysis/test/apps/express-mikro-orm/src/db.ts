import { defineConfig, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { TsMorphMetadataProvider } from '@mikro-orm/reflection';
import { Author, Book, OutboxMessage } from './entities.js';

const config = defineConfig({
  entities: [Author, Book, OutboxMessage],
  clientUrl: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/bookshop',
  metadataProvider: TsMorphMetadataProvider,
  debug: process.env.NODE_ENV !== 'production',
});

export default config;

// The docs' "DI" holder: filled once at startup, read by the middleware and the routers.
export const DI = {} as {
  orm: MikroORM;
  em: EntityManager;
};

export async function initOrm(): Promise<MikroORM> {
  DI.orm = await MikroORM.init(config);
  DI.em = DI.orm.em;
  return DI.orm;
}
