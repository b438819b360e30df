import type { FastifyInstance } from 'fastify';

interface ItemRoute {
  Params: { itemId: string };
}

interface ItemInput {
  name: string;
  price: number;
}

export function registerCatalogRoutes(app: FastifyInstance): void {
  app.get<ItemRoute>('/items/:itemId', async (request) => {
    const { rows } = await request.db.execute('SELECT * FROM items WHERE id = $1', [request.params.itemId]);
    return rows[0] ?? null;
  });

  app.post<{ Body: ItemInput }>('/items', async (request, reply) => {
    const { rows } = await request.db.execute('INSERT INTO items (name, price) VALUES ($1, $2) RETURNING *', [request.body.name, request.body.price]);
    await request.db.commit();
    return reply.code(201).send(rows[0]);
  });

  app.put<ItemRoute & { Body: ItemInput }>('/items/:itemId', async (request) => {
    const db = request.db;
    const { rows } = await db.execute('UPDATE items SET name = $2, price = $3 WHERE id = $1 RETURNING *', [request.params.itemId, request.body.name, request.body.price]);
    await db.commit();
    return rows[0];
  });
}
