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
 *
 * Per-aggregate order and the bigserial visibility gap: `outbox.id` is taken from a sequence when the row is
 * inserted, but becomes visible when its transaction commits, so a transaction holding a lower id can still be open
 * while a higher one has committed. The relay never skips the lower row (it claims by `status`, not by a high-water
 * mark, so the row is published once it commits), but without more care two transactions writing events of ONE
 * aggregate could commit in the opposite order of their ids, and the relay would publish the later event first.
 * `addEvent` therefore takes a transaction-scoped advisory lock on the aggregate before taking its id: writers of
 * one aggregate queue behind each other until commit or rollback, so within an aggregate id order is commit order.
 * Writers of different aggregates do not wait for each other.
 */
export class OutboxRepository {
  constructor(private readonly db: DbSession) {}

  async addEvent(event: OutboxEvent): Promise<string> {
    await this.db.execute('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `outbox-aggregate\u001f${event.aggregateType}\u001f${event.aggregateId}`,
    ]);
    const { rows } = await this.db.execute<{ event_id: string }>(
      `INSERT INTO outbox (event_type, aggregate_type, aggregate_id, organization_id, payload)
       VALUES ($1, $2, $3, $4, $5) RETURNING event_id`,
      [event.eventType, event.aggregateType, event.aggregateId, event.organizationId ?? null, JSON.stringify(event.payload)],
    );
    return rows[0]!.event_id;
  }
}
