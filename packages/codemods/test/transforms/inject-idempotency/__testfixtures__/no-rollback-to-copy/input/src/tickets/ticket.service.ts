import type { Pool } from 'pg';

export class TicketService {
  constructor(private readonly pool: Pool) {}

  // Never rolls back: a failed statement leaves the client's transaction open (the app's own bug, not guessed at).
  async reopen(id: string): Promise<void> {
    const client = await this.pool.connect();
    await client.query('BEGIN');
    await client.query("UPDATE tickets SET status = 'open' WHERE id = $1", [id]);
    await client.query('COMMIT');
    client.release();
  }
}
