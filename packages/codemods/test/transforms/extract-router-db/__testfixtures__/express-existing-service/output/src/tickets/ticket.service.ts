import type { Pool } from 'pg';

export interface Ticket {
  id: string;
  title: string;
  status: 'open' | 'closed';
}

export class TicketService {
  constructor(private readonly pool: Pool) {}

  async get(id: string): Promise<Ticket | undefined> {
    const { rows } = await this.pool.query<Ticket>('SELECT id, title, status FROM tickets WHERE id = $1', [id]);
    return rows[0];
  }

  // Added later, straight on the pool.
  async getHistory(params: { id: string }) {
    const { rows } = await this.pool.query('SELECT change, at FROM ticket_history WHERE ticket_id = $1 ORDER BY at', [params.id]);
    return rows;
  }

  async reopenTicket(params: { id: string }) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query("UPDATE tickets SET status = 'open' WHERE id = $1 RETURNING id, title, status", [params.id]);
      await client.query('COMMIT');
      return rows[0];
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
