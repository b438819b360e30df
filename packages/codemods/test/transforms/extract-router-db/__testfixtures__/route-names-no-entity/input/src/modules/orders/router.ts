import type { FastifyInstance } from 'fastify';

export function registerOrderRoutes(app: FastifyInstance): void {
  app.post<{ Params: { id: string } }>('/:id', async (request) => {
    await request.db.execute("UPDATE orders SET status = 'seen' WHERE id = $1", [request.params.id]);
    await request.db.commit();
    return { ok: true };
  });
}
