import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { urls: string[] } }>('/feeds/batch', async (request) => {
    await Promise.all(
      request.body.urls.map(function (url) {
        return request.db.execute('INSERT INTO feeds (url) VALUES ($1)', [url]);
      }),
    );
    await request.db.commit();
    return { ok: true };
  });
}
