import type { Pool } from 'pg';

export class TicketService {
  constructor(private readonly pool: Pool) {}

  async reopen(id: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      const begun = await client.query('BEGIN');
      if (begun.command !== 'BEGIN') throw new Error('no transaction');
      await client.query("UPDATE tickets SET status = 'open' WHERE id = $1", [id]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
