import type { FastifyInstance } from 'fastify';
import { OrderService } from './order.service.js';

export function registerOrderRoutes(app: FastifyInstance): void {
  app.put('/orders/:orderId', async (request) => {
    const { orderId } = request.params as { orderId: string };
    return new OrderService(request.db).renameOrder(orderId, (request.body as { item: string }).item, request.headers['idempotency-key'] as string | undefined);
  });

  app.post('/orders/:orderId/close', async (request) => {
    const { orderId } = request.params as { orderId: string };
    return new OrderService(request.db).closeOrder(orderId);
  });
}
