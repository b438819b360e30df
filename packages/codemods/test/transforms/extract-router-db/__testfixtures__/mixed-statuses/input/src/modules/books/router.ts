import type { FastifyInstance } from 'fastify';

export function registerBookRoutes(app: FastifyInstance): void {
  app.post<{ Params: { id: string } }>('/books/:id/close', async (request, reply) => {
    const { rows } = await request.db.execute('SELECT status FROM books WHERE id = $1 FOR UPDATE', [request.params.id]);
    if (rows[0]?.status === 'closed') {
      return reply.code(409).send({ error: 'conflict', message: 'already closed' });
    }
    await request.db.execute("UPDATE books SET status = 'closed' WHERE id = $1", [request.params.id]);
    await request.db.commit();
    return { closed: true };
  });

  app.get<{ Params: { id: string } }>('/books/:id/cover', async (request, reply) => {
    const { rows } = await request.db.execute('SELECT content_type, data FROM covers WHERE book_id = $1', [request.params.id]);
    const cover = rows[0];
    return reply.type(cover.content_type).send(cover.data);
  });
}
