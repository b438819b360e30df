import type { FastifyInstance } from 'fastify';
import { OrderService } from './shop.service.js';

export function registerShopRoutes(app: FastifyInstance): void {
  app.post<{ Body: { sku: string } }>('/orders', async (request) => new OrderService(request.db).placeOrder(request.body.sku));

  app.get<{ Params: { id: string } }>('/orders/:id', async (request) => {
    return new OrderService(request.db).getOrder(request.params);
  });
}
