import type { FastifyRequest } from 'fastify';

/**
 * The books module's service layer: the work its router did on the request's session, one method per route.
 * Constructed per request with `request.db`; the methods that write commit themselves.
 */
export class BookService {
  constructor(private readonly db: FastifyRequest['db']) {}

  async closeBook(params: { id: string }) {
    const { rows } = await this.db.execute('SELECT status FROM books WHERE id = $1 FOR UPDATE', [params.id]);
    if (rows[0]?.status === 'closed') {
      return { statusCode: 409, payload: { error: 'conflict', message: 'already closed' } };
    }
    await this.db.execute("UPDATE books SET status = 'closed' WHERE id = $1", [params.id]);
    await this.db.commit();
    return { statusCode: 200, payload: { closed: true } };
  }

  async getCover(params: { id: string }) {
    const { rows } = await this.db.execute('SELECT content_type, data FROM covers WHERE book_id = $1', [params.id]);
    return { rows };
  }
}
