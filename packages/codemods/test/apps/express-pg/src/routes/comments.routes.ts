import express, { type Request } from 'express';
import type { Pool } from 'pg';
import { HttpError } from '../http-errors.js';

interface Comment {
  id: string;
  ticketId: string;
  body: string;
  status: 'visible' | 'hidden';
}

interface NewComment {
  ticketId: string;
  body: string;
}

const COMMENT_COLUMNS = 'id, ticket_id AS "ticketId", body, status';

function textOf(body: unknown): string {
  const text = (body as { body?: unknown } | undefined)?.body;
  if (typeof text !== 'string' || text.trim() === '') throw new HttpError(400, 'body is required');
  return text;
}

/** Comments on tickets: the router talks to the pool itself (no service layer yet). */
export function commentsRouter(pool: Pool): express.Router {
  const router = express.Router();

  router.get('/:id', async (req: Request<{ id: string }>, res) => {
    const { rows } = await pool.query<Comment>(`SELECT ${COMMENT_COLUMNS} FROM comments WHERE id = $1`, [req.params.id]);
    if (rows.length === 0) throw new HttpError(404, `no comment ${req.params.id}`);
    res.json(rows[0]);
  });

  router.post('/', async (req: Request<Record<string, string>, Comment, NewComment>, res) => {
    const { ticketId } = req.body;
    const { rows } = await pool.query<Comment>(
      `INSERT INTO comments (ticket_id, body) VALUES ($1, $2) RETURNING ${COMMENT_COLUMNS}`,
      [ticketId, textOf(req.body)],
    );
    res.status(201).json(rows[0]);
  });

  router.patch('/:id', async (req, res) => {
    const result = await pool.query<Comment>(`UPDATE comments SET body = $2 WHERE id = $1 RETURNING ${COMMENT_COLUMNS}`, [req.params.id, textOf(req.body)]);
    if (result.rowCount === 0) throw new HttpError(404, `no comment ${req.params.id}`);
    res.json(result.rows[0]);
  });

  // Hiding a comment is logged for the moderators in the same transaction.
  router.post('/:id/hide', async (req, res) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const found = await client.query<{ status: string }>('SELECT status FROM comments WHERE id = $1 FOR UPDATE', [req.params.id]);
      if (!found.rows[0]) throw new HttpError(404, `no comment ${req.params.id}`);
      if (found.rows[0].status === 'hidden') throw new HttpError(409, `comment ${req.params.id} is hidden already`);
      const { rows } = await client.query<Comment>(`UPDATE comments SET status = 'hidden' WHERE id = $1 RETURNING ${COMMENT_COLUMNS}`, [req.params.id]);
      await client.query("INSERT INTO comment_moderation (comment_id, action) VALUES ($1, 'hidden')", [req.params.id]);
      await client.query('COMMIT');
      res.status(200).send(rows[0]);
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  });

  router.delete('/:id', async (req, res) => {
    const { rowCount } = await pool.query('DELETE FROM comments WHERE id = $1', [req.params.id]);
    if (!rowCount) throw new HttpError(404, `no comment ${req.params.id}`);
    res.sendStatus(204);
  });

  return router;
}
