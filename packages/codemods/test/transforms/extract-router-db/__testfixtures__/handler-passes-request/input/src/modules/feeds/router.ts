import type { FastifyInstance } from 'fastify';

function actorOf(request: { headers: Record<string, unknown> }): string {
  return String(request.headers['x-user-id'] ?? 'system');
}

export function registerFeedRoutes(app: FastifyInstance): void {
  app.post<{ Body: { url: string } }>('/feeds', async (request) => {
    await request.db.execute('INSERT INTO feeds (url, created_by) VALUES ($1, $2)', [request.body.url, actorOf(request)]);
    await request.db.commit();
    return { ok: true };
  });
}
