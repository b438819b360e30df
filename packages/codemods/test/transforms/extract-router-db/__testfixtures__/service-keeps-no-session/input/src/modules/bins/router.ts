import type { FastifyInstance } from 'fastify';

export function registerBinRoutes(app: FastifyInstance): void {
  app.post<{ Body: { code: string } }>('/bins', async (request) => {
    await request.db.execute('INSERT INTO bins (code) VALUES ($1)', [request.body.code]);
    await request.db.commit();
    return { ok: true };
  });
}
