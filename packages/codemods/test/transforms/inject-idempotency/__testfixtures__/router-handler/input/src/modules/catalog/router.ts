import type { FastifyInstance } from 'fastify';

export function registerCatalogRoutes(app: FastifyInstance): void {
  app.post<{ Body: { name: string } }>('/items', async (request) => {
    await request.db.execute('INSERT INTO items (name) VALUES ($1)', [request.body.name]);
    await request.db.commit();
    return { ok: true };
  });
}
