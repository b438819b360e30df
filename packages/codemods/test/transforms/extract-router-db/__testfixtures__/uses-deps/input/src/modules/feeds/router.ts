import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance, deps: { clock: () => Date }): void {
  app.post('/feeds', async (request) => {
    await request.db.execute('INSERT INTO feeds (at) VALUES ($1)', [deps.clock()]);
    await request.db.commit();
    return { ok: true };
  });
}
