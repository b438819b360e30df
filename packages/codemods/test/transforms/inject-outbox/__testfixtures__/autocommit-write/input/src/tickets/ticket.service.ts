import type { Pool } from 'pg';

export class TicketService {
  constructor(private readonly pool: Pool) {}

  // One statement on the pool: it commits by itself, so there is no transaction for an event or a key to join.
  async rename(id: string, title: string): Promise<void> {
    await this.pool.query('UPDATE tickets SET title = $2 WHERE id = $1', [id, title]);
  }
}
