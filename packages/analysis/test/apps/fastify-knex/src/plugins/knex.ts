import fp from 'fastify-plugin';
import knex, { type Knex } from 'knex';

declare module 'fastify' {
  interface FastifyInstance {
    knex: Knex;
  }
}

export interface KnexPluginOptions {
  connection: string;
}

// Decorates the instance with one shared pool; route handlers reach it as fastify.knex or this.knex.
export default fp<KnexPluginOptions>(
  async (fastify, opts) => {
    const db = knex({ client: 'mysql2', connection: opts.connection, pool: { min: 0, max: 10 } });
    fastify.decorate('knex', db);
    fastify.addHook('onClose', async () => {
      await db.destroy();
    });
  },
  { name: 'knex' },
);
