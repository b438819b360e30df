import type { FastifyInstance } from 'fastify';
import { OrderService } from './shop.service.js';

export function registerShopRoutes(app: FastifyInstance): void {
  app.post<{ Body: { sku: string } }>('/orders', async (request) => new OrderService(request.db).placeOrder(request.body.sku));

  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => {
    const db = request.db;
    // Read straight from the table.
    const { rows } = await db.execute('SELECT * FROM orders WHERE id = $1', [request.params.id]);
    return rows[0] ?? null;
  });
}
