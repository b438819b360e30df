import { Client } from '@opensearch-project/opensearch';
import type { FastifyPluginAsync } from 'fastify';
import {
  createItemSchema,
  idParamsSchema,
  listQuerySchema,
  updateItemSchema,
  type CreateItemBody,
  type IdParams,
  type ListQuery,
  type UpdateItemBody,
} from '../schemas.js';
import { ItemsService } from '../services/items.service.js';

const search = new Client({ node: process.env.OPENSEARCH_URL ?? 'https://localhost:9200' });

const itemRoutes: FastifyPluginAsync = async (fastify) => {
  const items = new ItemsService(fastify.knex);
  const runningImports = new Map<string, Promise<number>>();

  fastify.post<{ Body: CreateItemBody }>('/items', { schema: { body: createItemSchema } }, async (request, reply) => {
    const item = await items.create(request.body);
    // expect: none — reply.send writes the HTTP response
    return reply.code(201).send(item);
  });

  fastify.get<{ Querystring: ListQuery }>('/items', { schema: { querystring: listQuerySchema } }, async (request) => {
    // expect: none — the decorated cache's get(key, load) is not a route and not a query; the service reads on a miss
    return fastify.cache.get(`items:page:${request.query.page}`, () => items.list(request.query));
  });

  fastify.get<{ Params: IdParams }>('/items/:id', { schema: { params: idParamsSchema } }, async (request, reply) => {
    // expect: router-db-call
    const item = await fastify.knex('items').where({ id: request.params.id }).first();
    if (!item) return reply.code(404).send({ message: `item ${request.params.id} not found` });
    return item;
  });

  // expect: operation
  fastify.route<{ Params: IdParams; Body: UpdateItemBody }>({
    method: 'PUT',
    url: '/items/:id',
    schema: { params: idParamsSchema, body: updateItemSchema },
    handler: async function (request, reply) {
      // expect: router-db-call
      const count = await this.knex('items').where({ id: request.params.id }).update({ ...request.body, updated_at: this.knex.fn.now() });
      if (count === 0) return reply.code(404).send({ message: `item ${request.params.id} not found` });
      // expect: none — a cache key removed from a Map-backed cache
      fastify.cache.delete('items:page:0');
      return reply.code(204).send();
    },
  });

  fastify.delete<{ Params: IdParams }>('/items/:id', { schema: { params: idParamsSchema } }, async (request, reply) => {
    await items.archive(request.params.id);
    // expect: none — DB words in a trailing comment are not a call
    return reply.code(204).send(); // archived rows are removed later by knex('items').del() in purgeArchived
  });

  fastify.post<{ Body: CreateItemBody[] }>('/items/import', async (request) => {
    const key = request.headers['x-import-id'] ?? 'default';
    const running = runningImports.get(String(key)) ?? items.importCatalogue(request.body);
    runningImports.set(String(key), running);
    try {
      return { imported: await running };
    } finally {
      // expect: none — Map.delete, not a DB delete
      runningImports.delete(String(key));
    }
  });

  fastify.delete('/search/items', async (_request, reply) => {
    // expect: none — the search client's indices.delete drops a search index
    await search.indices.delete({ index: 'items' });
    return reply.code(204).send();
  });
};

export default itemRoutes;
