import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async (request, reply) => {
    const { rows } = await request.db.execute('SELECT 1 FROM feeds WHERE url = $1', [request.body.url]);
    if (rows.length > 0) return reply.code(409).send({ error: 'exists' });
    await request.db.execute('INSERT INTO feeds (url) VALUES ($1)', [request.body.url]);
    await request.db.commit();
    if (request.body.url.startsWith('https:')) return reply.code(201).send({ ok: true });
  });
}
