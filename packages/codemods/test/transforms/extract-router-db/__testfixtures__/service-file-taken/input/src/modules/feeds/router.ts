import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async (request) => {
    await request.db.execute('INSERT INTO feeds (url) VALUES ($1)', [request.body.url]);
    await request.db.commit();
    return { ok: true };
  });
}
