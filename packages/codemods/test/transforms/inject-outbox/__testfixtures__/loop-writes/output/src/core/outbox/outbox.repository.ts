import type { DbSession } from '../../db/session.js';

export class OutboxRepository {
  constructor(private readonly db: DbSession) {}

  async addEvent(event: { eventType: string; aggregateType: string; aggregateId: string; payload: Record<string, unknown> }): Promise<void> {
    await this.db.execute('INSERT INTO outbox (event_type) VALUES ($1)', [event.eventType]);
  }
}
