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
}
