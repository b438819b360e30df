import type { FastifyInstance } from 'fastify';
import { TagService } from './tags.service.js';

export function registerTagRoutes(app: FastifyInstance): void {
  app.get('/tags', async (request) => {
    return new TagService(request.db).listTags();
  });
}
