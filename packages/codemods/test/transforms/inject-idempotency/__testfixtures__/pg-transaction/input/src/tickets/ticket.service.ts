import type { Pool } from 'pg';
import { HttpError } from '../http-errors.js';

export interface Ticket {
  id: string;
  title: string;
  status: 'open' | 'closed';
}

const COLUMNS = 'id, title, status';

export class TicketService {
  constructor(private readonly pool: Pool) {}

  async get(id: string): Promise<Ticket> {
    const { rows } = await this.pool.query<Ticket>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]);
    if (!rows[0]) throw new HttpError(404, `no ticket ${id}`);
    return rows[0];
  }

  async open(title: string): Promise<Ticket> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Ticket>(`INSERT INTO tickets (title) VALUES ($1) RETURNING ${COLUMNS}`, [title]);
      const ticket = rows[0]!;
      await client.query("INSERT INTO ticket_history (ticket_id, change) VALUES ($1, 'opened')", [ticket.id]);
      await client.query('COMMIT');
      return ticket;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async retitle(id: string, title: string): Promise<Ticket> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Ticket>(`UPDATE tickets SET title = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, title]);
      const ticket = rows[0];
      if (!ticket) throw new HttpError(404, `no ticket ${id}`);
      await client.query("INSERT INTO ticket_history (ticket_id, change) VALUES ($1, 'retitled')", [id]);
      await client.query('COMMIT');
      return ticket;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async close(id: string): Promise<Ticket> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const found = await client.query<{ status: string }>('SELECT status FROM tickets WHERE id = $1 FOR UPDATE', [id]);
      if (!found.rows[0]) throw new HttpError(404, `no ticket ${id}`);
      if (found.rows[0].status === 'closed') throw new HttpError(409, `ticket ${id} is closed already`);
      const { rows } = await client.query<Ticket>(`UPDATE tickets SET status = 'closed' WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
      await client.query('COMMIT');
      return rows[0]!;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async remove(id: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>('DELETE FROM tickets WHERE id = $1 RETURNING id', [id]);
      if (!rows[0]) throw new HttpError(404, `no ticket ${id}`);
      await client.query('DELETE FROM ticket_history WHERE ticket_id = $1', [id]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
