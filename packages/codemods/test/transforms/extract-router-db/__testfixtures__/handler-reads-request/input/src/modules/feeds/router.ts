import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async (request) => {
    await request.db.execute('INSERT INTO feeds (url, created_by) VALUES ($1, $2)', [request.body.url, request.headers['x-user-id']]);
    await request.db.commit();
    return { ok: true };
  });
}
