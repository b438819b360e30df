// Written by outbox-codemod (scaffold). It is your code now: edit it as you like; a later run leaves it alone.

/** One event: `<module>.<what happened>`, the row it is about, and what changed. */
export interface OutboxEvent {
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  organizationId?: string | null | undefined;
}

/** TypeORM's transaction manager (the `manager` of `dataSource.transaction(async (manager) => …)`). */
export interface OutboxRepositoryHandle {
  query(query: string, parameters?: any[]): Promise<any>;
}

/**
 * Writes events into the `outbox` table through the handle of the transaction that makes the change, so the
 * event commits, or rolls back, with it. The relay publishes committed events afterwards.
 *
 * An advisory lock on the aggregate, held until the commit, makes writers of one aggregate queue: within an
 * aggregate, the order of ids is the order of commits, so the relay publishes its events in the order they happened.
 */
export class OutboxRepository {
  private readonly manager: OutboxRepositoryHandle;

  constructor(manager: OutboxRepositoryHandle) {
    this.manager = manager;
  }

  async addEvent(event: OutboxEvent): Promise<string> {
    await this.rows('SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [`outbox\u001f${event.aggregateType}\u001f${event.aggregateId}`]);
    const rows = await this.rows<{ event_id: string }>(
      `INSERT INTO outbox (event_type, aggregate_type, aggregate_id, organization_id, payload)
       VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING event_id::text AS event_id`,
      [event.eventType, event.aggregateType, event.aggregateId, event.organizationId ?? null, JSON.stringify(event.payload)],
    );
    return rows[0]!.event_id;
  }

  private async rows<R>(sql: string, values: unknown[]): Promise<R[]> {
    const result: unknown = await this.manager.query(sql, values);
    return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as R[];
  }
}
