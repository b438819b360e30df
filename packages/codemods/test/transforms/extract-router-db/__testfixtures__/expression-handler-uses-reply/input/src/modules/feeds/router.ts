import type { FastifyInstance } from 'fastify';

export function registerFeedRoutes(app: FastifyInstance): void {
  app.delete<{ Params: { id: string } }>('/feeds/:id', async (request, reply) =>
    reply.code(204).send(await request.db.execute('DELETE FROM feeds WHERE id = $1', [request.params.id])),
  );
}
