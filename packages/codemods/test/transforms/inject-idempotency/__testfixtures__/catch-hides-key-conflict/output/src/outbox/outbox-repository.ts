// Written by outbox-codemod (scaffold). It is your code now: edit it as you like; a later run leaves it alone.

/** One event: `<module>.<what happened>`, the row it is about, and what changed. */
export interface OutboxEvent {
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  organizationId?: string | null | undefined;
}

/** Prisma's transaction client (the `tx` of `prisma.$transaction(async (tx) => …)`), or the PrismaClient itself. */
export interface OutboxRepositoryHandle {
  $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): PromiseLike<T>;
}

/**
 * Writes events into the `outbox` table through the handle of the transaction that makes the change, so the
 * event commits, or rolls back, with it. The relay publishes committed events afterwards.
 *
 * An advisory lock on the aggregate, held until the commit, makes writers of one aggregate queue: within an
 * aggregate, the order of ids is the order of commits, so the relay publishes its events in the order they happened.
 */
export class OutboxRepository {
  private readonly tx: OutboxRepositoryHandle;

  constructor(tx: OutboxRepositoryHandle) {
    this.tx = tx;
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
    return await this.tx.$queryRawUnsafe<R[]>(sql, ...values);
  }
}
