import type { FastifyInstance } from 'fastify';
import { BookService } from './books.service.js';

export function registerBookRoutes(app: FastifyInstance): void {
  app.post<{ Params: { id: string } }>('/books/:id/close', async (request, reply) => {
    const result = await new BookService(request.db).closeBook(request.params);
    return reply.code(result.statusCode).send(result.payload);
  });

  app.get<{ Params: { id: string } }>('/books/:id/cover', async (request, reply) => {
    const { rows } = await new BookService(request.db).getCover(request.params);
    const cover = rows[0];
    return reply.type(cover.content_type).send(cover.data);
  });
}
