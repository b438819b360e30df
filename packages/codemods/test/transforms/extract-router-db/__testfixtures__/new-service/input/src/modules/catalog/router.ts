import type { FastifyInstance } from 'fastify';
import { notFound } from '../../core/errors.js';

// Item types the catalog accepts.
const ITEM_TYPES = ['book', 'disc'] as const;

interface ItemInput {
  name: string;
  itemType: (typeof ITEM_TYPES)[number];
}

/** Turns a name into the stored form. */
function normalized(name: string): string {
  return name.trim();
}

export function registerCatalogRoutes(app: FastifyInstance): void {
  app.get('/items', async (request) => {
    const { rows } = await request.db.execute('SELECT * FROM items ORDER BY name');
    return { items: rows };
  });

  // Creating an item and its first price lands together or not at all.
  app.post<{ Body: ItemInput }>(
    '/items',
    { schema: { body: { type: 'object', properties: { itemType: { type: 'string', enum: ITEM_TYPES } } } } },
    async (request, reply) => {
      try {
        const { rows } = await request.db.execute(
          `INSERT INTO items (name, item_type)
           VALUES ($1, $2) RETURNING *`,
          [normalized(request.body.name), request.body.itemType],
        );
        await request.db.commit(); // one transaction
        return reply.code(201).send(rows[0]);
      } catch (error) {
        await request.db.rollback();
        throw error;
      }
    },
  );

  app.delete<{ Params: { id: string } }>('/items/:id', async function deleteItem(request, reply) {
    const { db } = request;
    const { rowCount } = await db.execute('DELETE FROM items WHERE id = $1', [request.params.id]);
    if (rowCount === 0) throw notFound('item', request.params.id);
    await db.commit();
    return reply.code(204).send();
  });
}
