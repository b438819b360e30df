import type { FastifyInstance } from 'fastify';
import { BinService } from './bin.service.js';

export function registerBinRoutes(app: FastifyInstance): void {
  app.get('/bins/clock', async (request) => {
    const clock = () => new Date();
    return new BinService(request.db, clock).now();
  });

  app.post<{ Body: { code: string } }>('/bins', async (request) => {
    await request.db.execute('INSERT INTO bins (code) VALUES ($1)', [request.body.code]);
    await request.db.commit();
    return { ok: true };
  });
}
