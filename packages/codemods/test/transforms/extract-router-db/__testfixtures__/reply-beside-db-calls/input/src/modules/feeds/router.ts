import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async (request, reply) => {
    reply.header('x-feed-url', request.body.url);
    await request.db.execute('INSERT INTO feeds (url) VALUES ($1)', [request.body.url]);
    await request.db.commit();
    return reply.code(201).send({ ok: true });
  });
}
