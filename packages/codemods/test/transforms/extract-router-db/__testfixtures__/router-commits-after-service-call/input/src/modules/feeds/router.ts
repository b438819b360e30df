import type { FastifyInstance } from 'fastify';
import { FeedService } from './feed.service.js';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async (request) => {
    await new FeedService(request.db).createFeed(request.body.url);
    await request.db.commit();
    return { ok: true };
  });
}
