import type { FastifyInstance } from 'fastify';
import { OrderService as AdminOrders } from './order.service.js';

export function registerAdminOrderRoutes(app: FastifyInstance): void {
  app.post('/admin/orders/import', async (request) => {
    const service = new AdminOrders(request.db);
    const created = [];
    for (const item of request.body as string[]) created.push(await service.createOrder({ item }));
    await audit(request.db, created.length);
    await request.db.commit();
    return created;
  });
}

async function audit(db: { execute(sql: string, params: unknown[]): Promise<unknown> }, count: number): Promise<void> {
  await db.execute('INSERT INTO admin_audit (count) VALUES ($1)', [count]);
}
