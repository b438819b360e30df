import type { FastifyInstance } from 'fastify';

/** Also read by the feed poller. */
export const FEED_TABLE = 'feeds';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async (request) => {
    await request.db.execute(`INSERT INTO ${FEED_TABLE} (url) VALUES ($1)`, [request.body.url]);
    await request.db.commit();
    return { ok: true };
  });
}
