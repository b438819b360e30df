import type { DbSession } from '../../db/session.js';

export interface OutboxEvent {
  /** `<module>.<what happened>`, e.g. `partners.partner_approved`. */
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  organizationId?: string | null;
}

export interface OutboxRow {
  id: string;
  event_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  organization_id: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: string;
}

/**
 * Writes events into the outbox table through the caller's session, so an event is committed, or rolled back,
 * together with the business rows it describes. The relay publishes them afterwards.
 */
export class OutboxRepository {
  constructor(private readonly db: DbSession) {}

  async addEvent(event: OutboxEvent): Promise<string> {
    const { rows } = await this.db.execute<{ event_id: string }>(
      `INSERT INTO outbox (event_type, aggregate_type, aggregate_id, organization_id, payload)
       VALUES ($1, $2, $3, $4, $5) RETURNING event_id`,
      [event.eventType, event.aggregateType, event.aggregateId, event.organizationId ?? null, JSON.stringify(event.payload)],
    );
    return rows[0]!.event_id;
  }
}
