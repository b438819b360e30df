import type { FastifyInstance } from 'fastify';
import { CatalogService, ITEM_TYPES, type ItemInput } from './catalog.service.js';

export function registerCatalogRoutes(app: FastifyInstance): void {
  app.get('/items', async (request) => {
    return new CatalogService(request.db).listItems();
  });

  // Creating an item and its first price lands together or not at all.
  app.post<{ Body: ItemInput }>(
    '/items',
    { schema: { body: { type: 'object', properties: { itemType: { type: 'string', enum: ITEM_TYPES } } } } },
    async (request, reply) => {
      return reply.code(201).send(await new CatalogService(request.db).createItem(request.body));
    },
  );

  app.delete<{ Params: { id: string } }>('/items/:id', async function deleteItem(request, reply) {
    await new CatalogService(request.db).deleteItem(request.params);
    return reply.code(204).send();
  });
}
