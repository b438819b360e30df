import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async ({ db, body }) => {
    await db.execute('INSERT INTO feeds (url) VALUES ($1)', [body.url]);
    await db.commit();
    return { ok: true };
  });
}
