import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', (request, reply) => {
    const done = request.db.execute('INSERT INTO feeds (url) VALUES ($1)', [request.body.url]).then(() => request.db.commit());
    return reply.code(201).send(done);
  });
}
